/**
 * Failover, written once for the command and the wizard: the mirror's origin is lost with its region;
 * make the mirror (or, where the server refuses to edit a mirror, a copy of it) serve the origin's
 * subjects. `prepareFailover` checks and plans without changing anything; `failover` acts on a
 * confirmed plan, writes the audit record, watches until the stream serves, and returns the
 * equivalent `nats` commands. A refusal before acting is audited too.
 */
import type {AuditEntry, AuditRecord} from '../core/audit.js';
import {auditRefusal, type OperationDeps} from './deps.js';
import type {Session} from '../core/connection/session.js';
import {gatherServers} from '../core/diagnosis/servers.js';
import {DrError, JsApiError, UsageError} from '../core/errors.js';
import {apiFor} from '../core/topology/gather.js';
import {
	createStream,
	deleteLostStream,
	dropSources,
	updateStream,
	watchCatchUp,
	watchServing,
	type WatchOptions,
} from '../core/topology/stream-changes.js';
import {topologyStreamInfo, type TopologyStream} from '../core/topology/streams.js';
import {planFailover, subjectsFromRecord, type FailoverPlan} from '../recovery/failover-plan.js';

export type FailoverDeps = OperationDeps;

export type FailoverRequest = {
	mirror: string;
	newName: string | undefined;
	/** Fail over although the origin answers: a planned move with its writers stopped. */
	force: boolean;
	/** The origin's subjects when neither the origin nor the mirror's record knows them. */
	subjects: string[];
};

export type FailoverEvent =
	| {type: 'step'; index: number; words: string}
	| {type: 'watch'; stream: string; messages: number | undefined; lag: number | undefined; words: string};

export type FailoverOptions = {
	signal: AbortSignal;
	onEvent?: (event: FailoverEvent) => void;
	/** How long each watch (the dead origin's removal, the copy catching up, serving) may take. */
	watchTimeoutMs: number;
	/** Watch until the stream serves its subjects (default), or stop once the changes are made. */
	watchServing?: boolean;
};

export type FailoverOutcome = {
	plan: FailoverPlan;
	/** The stream's messages and leader once it serves; undefined without watching. */
	messages: number | undefined;
	leader: string | undefined;
	elapsedMs: number;
	/** The same failover as `nats` commands. */
	nats: string[];
	entry: AuditEntry;
};

function record(request: FailoverRequest): Omit<AuditRecord, 'result' | 'detail'> {
	return {action: 'failover', subject: request.mirror, parameters: {new_name: request.newName, force: request.force}};
}

/** Audits why a failover was not started (a refused confirmation, an abort); the caller rethrows. */
export async function refuseFailover(deps: FailoverDeps, request: FailoverRequest, error: unknown): Promise<void> {
	await auditRefusal(deps, record(request), error);
}

/** Reads the mirror and its origin and plans the failover; refuses (audited) when there is nothing to fail over. */
export async function prepareFailover(deps: FailoverDeps, request: FailoverRequest): Promise<FailoverPlan> {
	try {
		return await plan(deps.session, request);
	} catch (error) {
		await refuseFailover(deps, request, error);
		throw error;
	}
}

async function plan(session: Session, request: FailoverRequest): Promise<FailoverPlan> {
	const mirror = await readStream(session, request.mirror);
	if (!mirror.mirror)
		throw new UsageError(
			`${request.mirror} is not a mirror; nothing was changed`,
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

	if (origin?.status === 'ok' && !request.force) {
		throw new DrError(
			`${link.name} still answers (leader ${origin.leader ?? '?'}): failover is for a lost region; nothing was changed`,
			{
				hint: `if ${link.name} must move anyway, stop its writers first and pass --force`,
			},
		);
	}

	const subjects =
		request.subjects.length > 0
			? request.subjects
			: origin?.status === 'ok'
				? origin.subjects
				: subjectsFromRecord(mirror.config?.['description']);
	if (!subjects || subjects.length === 0) {
		throw new UsageError(
			`the subjects of ${link.name} are not known: it does not answer and ${request.mirror} has no record of them; nothing was changed`,
			`pass them: --subjects 'orders.>' (repeatable)`,
		);
	}

	return planFailover({
		mirror,
		// Only an origin in the same meta group can be deleted (and holds the subjects there).
		origin: link.domain === undefined && origin !== undefined ? origin : undefined,
		subjects,
		serverVersion: await versionOf(session, mirror.leader),
		newName: request.newName,
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

/** Carries out a confirmed plan, audits its result, and (unless told not to) watches until the target serves. */
export async function failover(
	deps: FailoverDeps,
	request: FailoverRequest,
	plan: FailoverPlan,
	{signal, onEvent, watchTimeoutMs, watchServing: watchIt = true}: FailoverOptions,
): Promise<FailoverOutcome> {
	const started = performance.now();
	const watch: WatchOptions = {
		timeoutMs: watchTimeoutMs,
		signal,
		onUpdate: update => onEvent?.({type: 'watch', ...update}),
	};
	const nats = plan.steps.map(step => step.nats);
	// One line for the audit log: a step's trailing `# note` would comment out the steps after it.
	const base = {...record(request), nats: nats.map(command => command.replace(/\s+#.*$/, '')).join(' && ')};
	try {
		await execute(deps.session, plan, watch, onEvent);
	} catch (error) {
		const doing = `failing ${plan.origin} over to ${plan.target} (${plan.method})`;
		await deps.audit({
			...base,
			result: signal.aborted ? 'aborted' : 'failed',
			detail: `${doing} failed: ${(error as Error).message}`,
		});
		throw error;
	}

	const entry = await deps.audit({
		...base,
		result: 'ok',
		detail: `${plan.target} serves ${plan.subjects.join(', ')} in place of ${plan.origin} (${plan.method})`,
	});
	const serving = watchIt
		? await watchServing(deps.session.js, plan.target, plan.subjects, {...watch, onUpdate: undefined})
		: undefined;
	return {
		plan,
		messages: serving?.messages,
		leader: serving?.leader,
		elapsedMs: Math.round(performance.now() - started),
		nats,
		entry,
	};
}

async function execute(
	session: Session,
	plan: FailoverPlan,
	watch: WatchOptions,
	onEvent: FailoverOptions['onEvent'],
): Promise<void> {
	for (const [index, step] of plan.steps.entries()) {
		onEvent?.({type: 'step', index, words: step.words});
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
