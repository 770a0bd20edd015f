/**
 * `nats-dr protect STREAM --mirror-to CLUSTER|DOMAIN`: creates a mirror of the stream in another
 * cluster of the same meta group (placement by cluster) or in another JetStream domain (through the
 * origin domain's API prefix), records the origin's subjects in its description for a later failover,
 * and watches it catch up.
 */
import type {Session} from '../../core/connection/session.js';
import {gatherServers} from '../../core/diagnosis/servers.js';
import {parseDuration} from '../../core/duration.js';
import {DrError, exitCodes, JsApiError, UsageError, type ExitCode} from '../../core/errors.js';
import {jsRequest, type JsApi} from '../../core/jsapi.js';
import {apiFor} from '../../core/topology/gather.js';
import {createStream, watchCatchUp} from '../../core/topology/stream-changes.js';
import {topologyStreamInfo, type TopologyStream} from '../../core/topology/streams.js';
import {mirrorRecord} from '../../recovery/failover-plan.js';
import {confirmByName} from '../confirm.js';
import type {CommandContext} from '../context.js';
import {checkArgs} from '../flags.js';
import {auditTrail} from './audit-trail.js';

type Target =
	| {kind: 'cluster'; name: string; servers: number; api: JsApi}
	| {kind: 'domain'; name: string; api: JsApi; originDomain: string};

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

export async function protect(context: CommandContext): Promise<ExitCode> {
	const {invocation, out, signal} = context;
	checkArgs('protect', invocation.args);
	const to = invocation.flags.mirrorTo;
	if (!to) throw new UsageError('--mirror-to is required', 'usage: nats-dr protect STREAM --mirror-to CLUSTER|DOMAIN');
	const watchTimeoutMs = parseDuration(invocation.flags.watchTimeout ?? '2m', '--watch-timeout');
	const streamName = invocation.args[0]!;
	const trail = auditTrail(context, {action: 'protect', subject: streamName, parameters: {mirror_to: to}});
	const session = await context.connect();
	try {
		const origin = await readOrigin(session, streamName);
		const target = await resolveTarget(session, to, origin);
		const name = invocation.flags.newName ?? `${streamName}_${to.toUpperCase().replaceAll(/[^A-Z\d_-]/g, '_')}`;
		const replicas =
			invocation.flags.replicas ?? Math.min(origin.replicas ?? 1, target.kind === 'cluster' ? target.servers : 1);
		const config: Record<string, unknown> = {
			name,
			description: mirrorRecord(streamName, origin.subjects),
			...Object.fromEntries(
				keptLimits.filter(key => origin.config?.[key] !== undefined).map(key => [key, origin.config![key]]),
			),
			retention: 'limits',
			num_replicas: replicas,
			mirror: {
				name: streamName,
				...(target.kind === 'domain' ? {external: {api: `$JS.${target.originDomain}.API`}} : {}),
			},
			...(target.kind === 'cluster' ? {placement: {cluster: target.name}} : {}),
		};
		const where = target.kind === 'cluster' ? `cluster ${target.name}` : `domain ${target.name}`;
		out.log(
			`Protect ${streamName} (${origin.messages ?? 0} messages in ${origin.cluster ?? origin.domain ?? '?'}) with a mirror ${name}, R${replicas}, in ${where}.`,
		);
		out.log(
			`  The mirror copies every message, keeps the origin's limits, and records the subjects ${origin.subjects.join(', ') || '(none)'} for a failover.`,
		);
		out.log(
			`Equivalent: nats${target.kind === 'domain' ? ` --js-domain ${target.name}` : ''} stream add ${name} --config mirror.json   # mirror.json: ${JSON.stringify(config)}`,
		);
		await confirmByName(streamName, 'stream', {flags: invocation.flags, io: context.io, signal});
		await trail.request(async () => createStream(target.api, config), {
			doing: `creating mirror ${name} in ${where}`,
			done: `created mirror ${name} of ${streamName} in ${where}`,
		});
		out.log(`Created ${name}; watching it catch up`);
		const started = performance.now();
		const caughtUp = invocation.flags.watch
			? await watchCatchUp(target.api, name, origin.messages, {
					timeoutMs: watchTimeoutMs,
					signal,
					onUpdate: update =>
						out.log(`${name}: ${update.messages ?? 0} of ${update.target ?? '?'} messages, ${update.words}`),
				})
			: undefined;
		const elapsedMs = Math.round(performance.now() - started);
		if (caughtUp) out.log(`${name} holds ${caughtUp.messages ?? 0} messages, lag 0 (${elapsedMs} ms)`);
		if (out.json)
			out.printJson({
				ok: true,
				stream: streamName,
				mirror: name,
				target: {kind: target.kind, name: target.name},
				replicas,
				caught_up: Boolean(caughtUp),
				messages: caughtUp?.messages ?? null,
				elapsed_ms: elapsedMs,
			});
		return exitCodes.ok;
	} catch (error) {
		await trail.refused(error);
		throw error;
	} finally {
		await session.close();
	}
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
