/**
 * Protect, written once for the command and the wizard: a mirror of a stream in another cluster of
 * the same meta group (placement by cluster) or in another JetStream domain (through the origin
 * domain's API prefix), with the origin's limits and a record of its subjects for a later failover.
 * `prepareProtect` checks and plans without changing anything; `protect` creates the mirror, writes
 * the audit record and watches it catch up. A refusal before acting is audited too.
 */
import type {AuditEntry, AuditRecord} from '../core/audit.js';
import {auditRefusal, type OperationDeps} from './deps.js';
import type {Session} from '../core/connection/session.js';
import {gatherServers} from '../core/diagnosis/servers.js';
import {DrError, JsApiError, UsageError} from '../core/errors.js';
import {jsRequest, type JsApi} from '../core/jsapi.js';
import {apiFor} from '../core/topology/gather.js';
import {createStream, watchCatchUp} from '../core/topology/stream-changes.js';
import {topologyStreamInfo, type TopologyStream} from '../core/topology/streams.js';
import {mirrorRecord} from '../recovery/failover-plan.js';

export type ProtectDeps = OperationDeps;

export type ProtectRequest = {
	stream: string;
	/** A cluster of this meta group, or a JetStream domain. */
	mirrorTo: string;
	newName: string | undefined;
	replicas: number | undefined;
};

type Target =
	| {kind: 'cluster'; name: string; servers: number; api: JsApi}
	| {kind: 'domain'; name: string; api: JsApi; originDomain: string};

export type ProtectPlan = {
	stream: string;
	/** The mirror to create. */
	mirror: string;
	replicas: number;
	/** "cluster west" or "domain leaf". */
	where: string;
	originMessages: number;
	originRegion: string | undefined;
	subjects: string[];
	config: Record<string, unknown>;
	/** The same creation as a `nats` command, with `config` in mirror.json. */
	nats: string;
	target: Target;
};

export type ProtectEvent =
	| {type: 'created'; mirror: string; where: string}
	| {type: 'watch'; stream: string; messages: number | undefined; target: number | undefined; words: string};

export type ProtectOutcome = {
	plan: ProtectPlan;
	/** Undefined without watching. */
	messages: number | undefined;
	caughtUp: boolean;
	elapsedMs: number;
	entry: AuditEntry;
};

/** Limits the mirror keeps from its origin, so it holds at least what the origin holds. */
const keptLimits = [
	'storage',
	'max_age',
	'max_bytes',
	'max_msgs',
	'max_msgs_per_subject',
	'max_msg_size',
	'discard',
	'duplicate_window',
];

function record(request: ProtectRequest): Omit<AuditRecord, 'result' | 'detail'> {
	return {action: 'protect', subject: request.stream, parameters: {mirror_to: request.mirrorTo}};
}

/** Audits why protect was not started (a refused confirmation, an abort); the caller rethrows. */
export async function refuseProtect(deps: ProtectDeps, request: ProtectRequest, error: unknown): Promise<void> {
	await auditRefusal(deps, record(request), error);
}

/** Reads the stream and the target and plans the mirror; refuses (audited) a target that would not survive the stream's loss. */
export async function prepareProtect(deps: ProtectDeps, request: ProtectRequest): Promise<ProtectPlan> {
	try {
		return await plan(deps.session, request);
	} catch (error) {
		await refuseProtect(deps, request, error);
		throw error;
	}
}

async function plan(session: Session, request: ProtectRequest): Promise<ProtectPlan> {
	const {stream, mirrorTo: to} = request;
	const origin = await readOrigin(session, stream);
	const target = await resolveTarget(session, to, origin);
	const name = request.newName ?? `${stream}_${to.toUpperCase().replaceAll(/[^A-Z\d_-]/g, '_')}`;
	const replicas = request.replicas ?? Math.min(origin.replicas ?? 1, target.kind === 'cluster' ? target.servers : 1);
	const config: Record<string, unknown> = {
		name,
		description: mirrorRecord(stream, origin.subjects),
		...Object.fromEntries(
			keptLimits.filter(key => origin.config?.[key] !== undefined).map(key => [key, origin.config![key]]),
		),
		retention: 'limits',
		num_replicas: replicas,
		mirror: {
			name: stream,
			...(target.kind === 'domain' ? {external: {api: `$JS.${target.originDomain}.API`}} : {}),
		},
		...(target.kind === 'cluster' ? {placement: {cluster: target.name}} : {}),
	};
	return {
		stream,
		mirror: name,
		replicas,
		where: target.kind === 'cluster' ? `cluster ${target.name}` : `domain ${target.name}`,
		originMessages: origin.messages ?? 0,
		originRegion: origin.cluster ?? origin.domain,
		subjects: origin.subjects,
		config,
		nats: `nats${target.kind === 'domain' ? ` --js-domain ${target.name}` : ''} stream add ${name} --config mirror.json`,
		target,
	};
}

async function readOrigin(session: Session, name: string): Promise<TopologyStream> {
	try {
		const stream = await topologyStreamInfo(session.js, name, session.settings.jsDomain, session.settings.timeoutMs);
		if (stream.status !== 'ok')
			throw new DrError(
				`${name} does not answer (${stream.error ?? '?'}): a mirror cannot start from it; nothing was created`,
			);
		if (stream.mirror)
			throw new UsageError(
				`${name} is itself a mirror of ${stream.mirror.name}; nothing was created`,
				`protect ${stream.mirror.name} instead`,
			);
		return stream;
	} catch (error) {
		if (error instanceof JsApiError && error.errCode === 10059)
			throw new UsageError(`stream "${name}" does not exist here; nothing was created`);
		throw error;
	}
}

/** A cluster of the connected meta group, else a JetStream domain that answers; the origin's own region is refused. */
async function resolveTarget(session: Session, to: string, origin: TopologyStream): Promise<Target> {
	const view = session.sys
		? await gatherServers(session.sys, {timeoutMs: session.settings.timeoutMs}).catch(() => undefined)
		: undefined;
	const clusters = new Map<string, number>();
	for (const server of view?.servers ?? []) {
		if (server.cluster && server.jetstream && server.answering)
			clusters.set(server.cluster, (clusters.get(server.cluster) ?? 0) + 1);
	}

	if (clusters.has(to)) {
		if (to === origin.cluster)
			throw new UsageError(
				`${origin.name} already lives in ${to}: a mirror there does not survive its loss; nothing was created`,
				`pick another cluster: ${[...clusters.keys()].filter(name => name !== to).join(', ')}`,
			);
		return {kind: 'cluster', name: to, servers: clusters.get(to)!, api: session.js};
	}

	const own = await jsRequest<{domain?: string}>(session.js, 'INFO').catch(() => ({domain: undefined}));
	const originDomain = own.domain ?? session.settings.jsDomain;
	if (to === originDomain) throw new UsageError(`${origin.name} already lives in domain ${to}; nothing was created`);
	const api = apiFor(session, to);
	try {
		await jsRequest(api, 'INFO', undefined, {timeoutMs: Math.min(session.settings.timeoutMs, 3000)});
	} catch (error) {
		if (!(error instanceof DrError)) throw error;
		const known = [...clusters.keys()].join(', ');
		throw new UsageError(
			`"${to}" is neither a cluster of this meta group${known ? ` (${known})` : ''} nor a JetStream domain that answers; nothing was created`,
			view ? undefined : 'cluster names need the system account: pass --sys-user/--sys-password or --sys-context',
		);
	}

	if (!originDomain)
		throw new DrError(
			`the origin's JetStream has no domain, so a mirror in domain ${to} cannot address it; nothing was created`,
			{hint: 'give the origin servers a jetstream domain, or mirror into a cluster of the same meta group'},
		);
	return {kind: 'domain', name: to, api, originDomain};
}

/** Creates the planned mirror, audits the creation, and (unless told not to) watches it catch up. */
export async function protect(
	deps: ProtectDeps,
	request: ProtectRequest,
	plan: ProtectPlan,
	{
		signal,
		onEvent,
		watchTimeoutMs,
		watch = true,
	}: {signal: AbortSignal; onEvent?: (event: ProtectEvent) => void; watchTimeoutMs: number; watch?: boolean},
): Promise<ProtectOutcome> {
	const base = {...record(request), nats: plan.nats};
	try {
		await createStream(plan.target.api, plan.config);
	} catch (error) {
		await deps.audit({
			...base,
			result: 'failed',
			detail: `creating mirror ${plan.mirror} in ${plan.where} failed: ${(error as Error).message}`,
		});
		throw error;
	}

	const entry = await deps.audit({
		...base,
		result: 'ok',
		detail: `created mirror ${plan.mirror} of ${plan.stream} in ${plan.where}`,
	});
	onEvent?.({type: 'created', mirror: plan.mirror, where: plan.where});
	const started = performance.now();
	const caughtUp = watch
		? await watchCatchUp(plan.target.api, plan.mirror, plan.originMessages, {
				timeoutMs: watchTimeoutMs,
				signal,
				onUpdate: update => onEvent?.({type: 'watch', ...update}),
			})
		: undefined;
	return {
		plan,
		messages: caughtUp?.messages,
		caughtUp: caughtUp !== undefined,
		elapsedMs: Math.round(performance.now() - started),
		entry,
	};
}
