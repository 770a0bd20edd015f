/** `nats-dr step-down STREAM`: the stream's leader steps down, for a stream stuck on a bad leader. */
import {DrError, exitCodes, UsageError, type ExitCode} from '../../core/errors.js';
import {streamNameProblem} from '../../core/stream-name.js';
import {stepDown as stepDownLeader} from '../../operations/step-down.js';
import {confirmByName} from '../confirm.js';
import type {CommandContext} from '../context.js';
import {checkArgs} from '../flags.js';

export async function stepDown(context: CommandContext): Promise<ExitCode> {
	const {invocation, out, signal} = context;
	checkArgs('step-down', invocation.args);
	const stream = invocation.args[0]!;
	const nameProblem = streamNameProblem(stream);
	if (nameProblem) throw new UsageError(`${nameProblem}; nothing was changed`);
	const session = await context.connect();
	let outcome;
	try {
		outcome = await stepDownLeader(session.js, stream, {
			signal,
			audit: context.audit,
			async confirm({leader, peers, nats}) {
				out.log(
					`Stream ${stream} has leader ${leader ?? 'none'} in a ${peers} peer RAFT group; a step-down elects another replica.`,
				);
				await confirmByName(stream, 'stream', {flags: invocation.flags, io: context.io, signal});
				out.log(`Equivalent: ${nats}`);
				out.log(`Requesting leader step down of "${leader ?? ''}" in a ${peers} peer RAFT group`);
			},
		});
	} finally {
		await session.close();
	}

	const {previous, leader} = outcome;
	if (leader === undefined)
		throw new DrError(`no leader for ${stream} 10s after the step-down`, {
			hint: 'run `nats-dr diagnose` to see its replicas',
		});
	if (leader === previous) out.log(`Leader did not change after 10s: still "${leader}"`);
	else out.log(`New leader elected "${leader}"`);
	if (out.json) out.printJson({ok: true, stream, previous_leader: previous ?? null, leader});
	return exitCodes.ok;
}
