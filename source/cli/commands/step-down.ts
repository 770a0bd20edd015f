/** `nats-dr step-down STREAM`: the stream's leader steps down, for a stream stuck on a bad leader. */
import {streamInfo, viewFromInfo} from '../../core/diagnosis/streams.js';
import {DrError, exitCodes, UsageError, type ExitCode} from '../../core/errors.js';
import {streamNameProblem} from '../../core/stream-name.js';
import {stepDownStream} from '../../core/recovery-actions.js';
import type {Session} from '../../core/connection/session.js';
import {confirmByName} from '../confirm.js';
import type {CommandContext} from '../context.js';
import {checkArgs} from '../flags.js';
import {auditTrail} from './audit-trail.js';

export async function stepDown(context: CommandContext): Promise<ExitCode> {
	const {invocation, out, signal} = context;
	checkArgs('step-down', invocation.args);
	const stream = invocation.args[0]!;
	const nameProblem = streamNameProblem(stream);
	if (nameProblem) throw new UsageError(`${nameProblem}; nothing was changed`);
	const trail = auditTrail(context, {
		action: 'step-down',
		subject: stream,
		nats: `nats stream cluster step-down ${stream}`,
	});
	const session = await context.connect();
	try {
		const before = viewFromInfo(await streamInfo(session.js, stream));
		if ((before.replicas ?? 1) < 2 || before.peers.length < 2)
			throw new DrError(`${stream} has no other replica to take over; nothing was changed`);
		out.log(
			`Stream ${stream} has leader ${before.leader ?? 'none'} in a ${before.peers.length} peer RAFT group; a step-down elects another replica.`,
		);
		await confirmByName(stream, 'stream', {flags: invocation.flags, io: context.io, signal});
		out.log(`Equivalent: nats stream cluster step-down ${stream}`);
		out.log(`Requesting leader step down of "${before.leader ?? ''}" in a ${before.peers.length} peer RAFT group`);
		await trail.request(async () => stepDownStream(session.js, stream), {
			doing: `asking leader ${before.leader ?? '(none)'} of ${stream} to step down`,
			done: `leader ${before.leader ?? '(none)'} of ${stream} asked to step down in a ${before.peers.length} peer RAFT group`,
		});
		const leader = await newLeader(session, stream, before.leader, signal);
		if (leader === undefined)
			throw new DrError(`no leader for ${stream} 10s after the step-down`, {
				hint: 'run `nats-dr diagnose` to see its replicas',
			});
		if (leader === before.leader) out.log(`Leader did not change after 10s: still "${leader}"`);
		else out.log(`New leader elected "${leader}"`);
		if (out.json) out.printJson({ok: true, stream, previous_leader: before.leader ?? null, leader});
		return exitCodes.ok;
	} catch (error) {
		await trail.refused(error);
		throw error;
	} finally {
		await session.close();
	}
}

/** Polls for up to 10 s (natscli polls its step-down the same way) until another leader is elected. */
async function newLeader(
	session: Session,
	stream: string,
	previous: string | undefined,
	signal: AbortSignal,
): Promise<string | undefined> {
	let leader: string | undefined;
	for (let attempt = 0; attempt < 20; attempt++) {
		await new Promise(resolve => setTimeout(resolve, 500));
		signal.throwIfAborted();
		try {
			leader = viewFromInfo(await streamInfo(session.js, stream, 2000)).leader;
		} catch (error) {
			if (!(error instanceof DrError)) throw error;
		}

		if (leader && leader !== previous) return leader;
	}

	return leader;
}
