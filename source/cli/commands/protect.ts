/**
 * `nats-dr protect STREAM --mirror-to CLUSTER|DOMAIN`: creates a mirror of the stream in another
 * cluster of the same meta group or in another JetStream domain, with a record of the origin's
 * subjects for a later failover, and watches it catch up — through the protect operation the wizard
 * uses too.
 */
import {exitCodes, UsageError, type ExitCode} from '../../core/errors.js';
import {
	prepareProtect,
	protect as protectStream,
	refuseProtect,
	type ProtectRequest,
} from '../../operations/protect.js';
import {confirmByName} from '../confirm.js';
import type {CommandContext} from '../context.js';
import {checkArgs, parseWatchTimeout} from '../flags.js';

export async function protect(context: CommandContext): Promise<ExitCode> {
	const {invocation, out, signal} = context;
	checkArgs('protect', invocation.args);
	const to = invocation.flags.mirrorTo;
	if (!to) throw new UsageError('--mirror-to is required', 'usage: nats-dr protect STREAM --mirror-to CLUSTER|DOMAIN');
	const watchTimeoutMs = parseWatchTimeout(invocation.flags);
	const request: ProtectRequest = {
		stream: invocation.args[0]!,
		mirrorTo: to,
		newName: invocation.flags.newName,
		replicas: invocation.flags.replicas,
	};
	const session = await context.connect();
	try {
		const deps = {session, audit: context.audit};
		const plan = await prepareProtect(deps, request);
		out.log(
			`Protect ${plan.stream} (${plan.originMessages} messages in ${plan.originRegion ?? '?'}) with a mirror ${plan.mirror}, R${plan.replicas}, in ${plan.where}.`,
		);
		out.log(
			`  The mirror copies every message, keeps the origin's limits, and records the subjects ${plan.subjects.join(', ') || '(none)'} for a failover.`,
		);
		out.log(`Equivalent: ${plan.nats}   # mirror.json: ${JSON.stringify(plan.config)}`);
		try {
			await confirmByName(plan.stream, 'stream', {flags: invocation.flags, io: context.io, signal});
		} catch (error) {
			await refuseProtect(deps, request, error);
			throw error;
		}

		const outcome = await protectStream(deps, request, plan, {
			signal,
			watchTimeoutMs,
			watch: invocation.flags.watch,
			onEvent(event) {
				out.log(
					event.type === 'created'
						? `Created ${event.mirror}${invocation.flags.watch ? '; watching it catch up' : ''}`
						: `${plan.mirror}: ${event.messages ?? 0} of ${event.target ?? '?'} messages, ${event.words}`,
				);
			},
		});
		if (outcome.caughtUp)
			out.log(`${plan.mirror} holds ${outcome.messages ?? 0} messages, lag 0 (${outcome.elapsedMs} ms)`);
		if (out.json)
			out.printJson({
				ok: true,
				stream: plan.stream,
				mirror: plan.mirror,
				target: {kind: plan.target.kind, name: plan.target.name},
				replicas: plan.replicas,
				caught_up: outcome.caughtUp,
				messages: outcome.messages ?? null,
				elapsed_ms: outcome.elapsedMs,
			});
		return exitCodes.ok;
	} finally {
		await session.close();
	}
}
