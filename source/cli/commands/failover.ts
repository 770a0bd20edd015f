/**
 * `nats-dr failover MIRROR`: the mirror's origin is lost with its region; make the mirror (or, where
 * the server refuses to edit a mirror, a copy of it) serve the origin's subjects. Shows the plan,
 * asks for the mirror's name, audits, prints the equivalent `nats` commands, and watches until the
 * stream serves.
 */
import type {Session} from '../../core/connection/session.js';
import {gatherServers} from '../../core/diagnosis/servers.js';
import {parseDuration} from '../../core/duration.js';
import {DrError, exitCodes, JsApiError, UsageError, type ExitCode} from '../../core/errors.js';
import {apiFor} from '../../core/topology/gather.js';
import {
	createStream,
	deleteLostStream,
	dropSources,
	updateStream,
	watchCatchUp,
	watchServing,
	type WatchOptions,
} from '../../core/topology/stream-changes.js';
import {topologyStreamInfo, type TopologyStream} from '../../core/topology/streams.js';
import {planFailover, subjectsFromRecord, type FailoverPlan} from '../../recovery/failover-plan.js';
import {confirmByName} from '../confirm.js';
import type {CommandContext} from '../context.js';
import {checkArgs} from '../flags.js';
import {auditTrail} from './audit-trail.js';

export async function failover(context: CommandContext): Promise<ExitCode> {
	const {invocation, out, signal} = context;
	checkArgs('failover', invocation.args);
	const watchTimeoutMs = parseDuration(invocation.flags.watchTimeout ?? '2m', '--watch-timeout');
	const mirrorName = invocation.args[0]!;
	const trail = auditTrail(context, {
		action: 'failover',
		subject: mirrorName,
		parameters: {new_name: invocation.flags.newName, force: invocation.flags.force},
	});
	const session = await context.connect();
	try {
		const plan = await makePlan(context, session, mirrorName);
		printPlan(context, plan);
		await confirmByName(mirrorName, 'mirror', {flags: invocation.flags, io: context.io, signal});
		const started = performance.now();
		const watch: WatchOptions = {
			timeoutMs: watchTimeoutMs,
			signal,
			onUpdate: update =>
				out.log(
					`${update.stream}: ${update.words}${update.messages === undefined ? '' : `, ${update.messages} messages`}`,
				),
		};
		await trail.request(async () => execute(session, plan, watch), {
			doing: `failing ${plan.origin} over to ${plan.target} (${plan.method})`,
			done: `${plan.target} serves ${plan.subjects.join(', ')} in place of ${plan.origin} (${plan.method})`,
		});
		const serving = invocation.flags.watch
			? await watchServing(session.js, plan.target, plan.subjects, {...watch, onUpdate: undefined})
			: undefined;
		const elapsedMs = Math.round(performance.now() - started);
		out.log(
			`${plan.target} serves ${plan.subjects.join(', ')}${serving ? ` with ${serving.messages ?? 0} messages, leader ${serving.leader ?? '?'}` : ''} (${elapsedMs} ms)`,
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
				messages: serving?.messages ?? null,
				elapsed_ms: elapsedMs,
				notes: plan.notes,
				nats: plan.steps.map(step => step.nats),
			});
		}

		return exitCodes.ok;
	} catch (error) {
		await trail.refused(error);
		throw error;
	} finally {
		await session.close();
	}
}

async function makePlan(context: CommandContext, session: Session, mirrorName: string): Promise<FailoverPlan> {
	const {invocation} = context;
	const mirror = await readStream(session, mirrorName);
	if (!mirror.mirror)
		throw new UsageError(
			`${mirrorName} is not a mirror; nothing was changed`,
			'name the mirror that should take over (see `nats-dr readiness`)',
		);
	const link = mirror.mirror;
	const originApi = link.domain ? apiFor(session, link.domain) : session.js;
	let origin: TopologyStream | undefined;
	try {
		origin = await topologyStreamInfo(originApi, link.name, link.domain, Math.min(session.settings.timeoutMs, 2000));
	} catch (error) {
		if (!(error instanceof JsApiError && error.errCode === 10059)) throw error;
	}

	if (origin?.status === 'ok' && !invocation.flags.force) {
		throw new DrError(
			`${link.name} still answers (leader ${origin.leader ?? '?'}): failover is for a lost region; nothing was changed`,
			{
				hint: `if ${link.name} must move anyway, stop its writers first and pass --force`,
			},
		);
	}

	const given = invocation.flags.subjects;
	const subjects =
		given.length > 0
			? given
			: origin?.status === 'ok'
				? origin.subjects
				: subjectsFromRecord(mirror.config?.['description']);
	if (!subjects || subjects.length === 0) {
		throw new UsageError(
			`the subjects of ${link.name} are not known: it does not answer and ${mirrorName} has no record of them; nothing was changed`,
			`pass them: --subjects 'orders.>' (repeatable)`,
		);
	}

	return planFailover({
		mirror,
		// Only an origin in the same meta group can be deleted (and holds the subjects there).
		origin: link.domain === undefined && origin !== undefined ? origin : undefined,
		subjects,
		serverVersion: await versionOf(session, mirror.leader),
		newName: invocation.flags.newName,
		now: Date.now(),
	});
}

async function readStream(session: Session, name: string): Promise<TopologyStream> {
	let stream: TopologyStream;
	try {
		stream = await topologyStreamInfo(session.js, name, session.settings.jsDomain, session.settings.timeoutMs);
	} catch (error) {
		if (error instanceof JsApiError && error.errCode === 10059)
			throw new UsageError(
				`stream "${name}" does not exist here; nothing was changed`,
				'check the name, the account and --js-domain',
			);
		throw error;
	}

	if (stream.status !== 'ok')
		throw new DrError(`${name} does not answer (${stream.error ?? '?'}): it cannot take over; nothing was changed`);
	return stream;
}

/** The version of the server leading the mirror decides the method; the connected server's stands in without the system account. */
async function versionOf(session: Session, leader: string | undefined): Promise<string | undefined> {
	if (session.sys && leader) {
		try {
			const view = await gatherServers(session.sys, {timeoutMs: session.settings.timeoutMs});
			const version = view.servers.find(server => server.name === leader)?.version;
			if (version) return version;
		} catch (error) {
			if (!(error instanceof DrError)) throw error;
		}
	}

	return session.nc.info?.version;
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

async function execute(session: Session, plan: FailoverPlan, watch: WatchOptions): Promise<void> {
	for (const step of plan.steps) {
		switch (step.do) {
			case 'delete-origin': {
				await deleteLostStream(session.js, plan.origin, watch);
				break;
			}

			case 'promote': {
				await updateStream(session.js, plan.config);
				break;
			}

			case 'create-copy': {
				const mirror = await topologyStreamInfo(session.js, plan.mirror, undefined, session.settings.timeoutMs);
				await createStream(session.js, plan.config);
				await watchCatchUp(session.js, plan.target, mirror.messages, watch);
				break;
			}

			case 'drop-source': {
				await dropSources(session.js, plan.target);
				break;
			}
		}
	}
}
