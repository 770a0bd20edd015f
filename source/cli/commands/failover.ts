/**
 * `nats-dr failover MIRROR`: the mirror's origin is lost with its region; make the mirror (or, where
 * the server refuses to edit a mirror, a copy of it) serve the origin's subjects. Shows the plan,
 * asks for the mirror's name, and prints the progress and the outcome of the failover operation,
 * which audits and watches until the stream serves.
 */
import {exitCodes, type ExitCode} from '../../core/errors.js';
import type {FailoverPlan} from '../../recovery/failover-plan.js';
import {
	failover as failOver,
	prepareFailover,
	refuseFailover,
	type FailoverRequest,
} from '../../operations/failover.js';
import {confirmByName} from '../confirm.js';
import type {CommandContext} from '../context.js';
import {checkArgs, parseWatchTimeout} from '../flags.js';

export async function failover(context: CommandContext): Promise<ExitCode> {
	const {invocation, out, signal} = context;
	checkArgs('failover', invocation.args);
	const watchTimeoutMs = parseWatchTimeout(invocation.flags);
	const request: FailoverRequest = {
		mirror: invocation.args[0]!,
		newName: invocation.flags.newName,
		force: invocation.flags.force,
		subjects: invocation.flags.subjects,
	};
	const session = await context.connect();
	try {
		const deps = {session, audit: context.audit};
		const plan = await prepareFailover(deps, request);
		printPlan(context, plan);
		try {
			await confirmByName(request.mirror, 'mirror', {flags: invocation.flags, io: context.io, signal});
		} catch (error) {
			await refuseFailover(deps, request, error);
			throw error;
		}

		const outcome = await failOver(deps, request, plan, {
			signal,
			watchTimeoutMs,
			watchServing: invocation.flags.watch,
			onEvent(event) {
				if (event.type === 'watch')
					out.log(
						`${event.stream}: ${event.words}${event.messages === undefined ? '' : `, ${event.messages} messages`}`,
					);
			},
		});
		const watched = invocation.flags.watch;
		out.log(
			`${plan.target} serves ${plan.subjects.join(', ')}${watched ? ` with ${outcome.messages ?? 0} messages, leader ${outcome.leader ?? '?'}` : ''} (${outcome.elapsedMs} ms)`,
		);
		if (out.json) {
			out.printJson({
				ok: true,
				method: plan.method,
				origin: plan.origin,
				mirror: plan.mirror,
				target: plan.target,
				subjects: plan.subjects,
				origin_deleted: plan.deleteOrigin,
				messages: outcome.messages ?? null,
				elapsed_ms: outcome.elapsedMs,
				notes: plan.notes,
				nats: outcome.nats,
			});
		}

		return exitCodes.ok;
	} finally {
		await session.close();
	}
}

function printPlan({out}: CommandContext, plan: FailoverPlan): void {
	out.log(
		`Failover of ${plan.origin}${plan.originDomain ? ` (domain ${plan.originDomain})` : ''} to ${plan.target} in ${plan.region ?? '?'} — ${plan.method === 'promote' ? 'promote the mirror' : 'copy the mirror into a new stream'}:`,
	);
	for (const [index, step] of plan.steps.entries()) out.log(`  ${index + 1}. ${step.words}`);
	for (const note of plan.notes) out.log(`  ${note}`);
	out.log('Equivalent:');
	for (const step of plan.steps) out.log(`  ${step.nats}`);
}
