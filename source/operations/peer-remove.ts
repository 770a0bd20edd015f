/**
 * peer-remove, for both faces: a fresh diagnosis, the refusal rules, the impact for the operator to
 * confirm, the removal from the meta group (or from one stream's peers), its audit record, then the
 * watch until the replicas have caught up.
 */
import type {Session} from '../core/connection/session.js';
import {diagnose} from '../core/diagnosis/diagnose.js';
import {DrError, UsageError} from '../core/errors.js';
import {metaPeerRemoveCommand, streamPeerRemoveCommand} from '../core/nats-command.js';
import {
	removeMetaPeer,
	removeStreamPeer,
	watchRecovery,
	type WatchState,
	type WatchTarget,
} from '../core/recovery-actions.js';
import {assess} from '../recovery/assess.js';
import {removalImpact, type StreamImpact} from '../recovery/impact.js';
import {metaRemoval, streamRemovalRefusal, type Refusal} from '../recovery/peer-remove-rules.js';
import {auditTrail, type Audit} from './audit-trail.js';

export type PeerRemoveRequest = {
	/** A server name, or a peer ID for a meta member the leader cannot name. */
	server: string;
	/** Remove the server from this stream's peers only, instead of from the meta group. */
	stream?: string | undefined;
	/** Remove a server that still answers, or an R1 stream's only peer. */
	force: boolean;
	/** Watch the replicas catch up after the removal. */
	watch: boolean;
	watchTimeoutMs: number;
};

/** What the operator confirms: what the removal does to each stream, and the `nats` command that does the same. */
export type PeerRemovePreview = {
	server: string;
	stream: string | undefined;
	/** The meta group's cluster, for a meta removal. */
	metaCluster: string | undefined;
	impacts: StreamImpact[];
	/** Why the impact on the streams is unknown, when it is. */
	streamsUnknown: string | undefined;
	nats: string;
};

export type PeerRemoveEvent =
	/** Confirmed: the request goes out now. `nats` names the peer as the request does. */
	| {type: 'requesting'; nats: string}
	/** `replaced` false: no server could take the stream's replica, and the group shrank. */
	| {type: 'requested'; replaced: boolean}
	| {type: 'watching'; targets: WatchTarget[]; timeoutMs: number}
	| {type: 'watch'; states: WatchState[]};

export type PeerRemoveHooks = {
	signal: AbortSignal;
	audit: Audit;
	/** Resolves to go ahead; throws to stop (audited as a refusal, or an abort). */
	confirm: (preview: PeerRemovePreview) => Promise<void>;
	onEvent?: (event: PeerRemoveEvent) => void;
	onElectionWait?: (waitedMs: number, timeoutMs: number) => void;
};

export type PeerRemoveOutcome = {
	removed: string;
	impacts: StreamImpact[];
	/** Undefined when nothing was watched (--no-watch, or no stream keeps a replica to catch up). */
	watched: {complete: boolean; states: WatchState[]} | undefined;
};

export async function peerRemove(
	session: Session,
	request: PeerRemoveRequest,
	hooks: PeerRemoveHooks,
): Promise<PeerRemoveOutcome> {
	const {server, stream, force} = request;
	const trail = auditTrail(
		hooks.audit,
		stream
			? {
					action: 'stream-peer-remove',
					subject: stream,
					parameters: {peer: server, force},
					nats: streamPeerRemoveCommand(stream, server),
				}
			: {action: 'peer-remove', subject: server, parameters: {force}, nats: metaPeerRemoveCommand(server)},
	);
	try {
		const removal = stream
			? await removeFromStream(session, request, stream, hooks, trail)
			: await removeFromMeta(session, request, hooks, trail);
		const watched =
			request.watch && removal.targets.length > 0
				? await watch(session, removal.targets, request.watchTimeoutMs, hooks)
				: undefined;
		return {removed: server, impacts: removal.impacts, watched};
	} catch (error) {
		await trail.refused(error);
		throw error;
	}
}

type Removal = {impacts: StreamImpact[]; targets: WatchTarget[]};
type Trail = ReturnType<typeof auditTrail>;

function refusalError(refusal: Refusal): DrError {
	const hint = refusal.hint === undefined ? {} : {hint: refusal.hint};
	return refusal.usage ? new UsageError(refusal.message, refusal.hint) : new DrError(refusal.message, hint);
}

async function removeFromMeta(
	session: Session,
	{server, force}: PeerRemoveRequest,
	hooks: PeerRemoveHooks,
	trail: Trail,
): Promise<Removal> {
	const {signal} = hooks;
	const diagnosis = await diagnose(session, {signal, onElectionWait: hooks.onElectionWait});
	if (!diagnosis.servers.ok || !session.sys) {
		const reason = diagnosis.servers.ok ? 'no system-account connection' : diagnosis.servers.reason;
		const hint = diagnosis.servers.ok
			? 'start nats-dr with --sys-user/--sys-creds/--sys-context'
			: diagnosis.servers.hint;
		throw new DrError(
			`peer-remove needs the system account, and it is not usable: ${reason}; nothing was removed`,
			hint === undefined ? {} : {hint},
		);
	}

	const sys = session.sys;
	const assessment = assess(diagnosis);
	const view = diagnosis.servers.value;
	const decided = metaRemoval({server, force, meta: assessment.meta, servers: view.servers, metaPeers: view.metaPeers});
	if (!decided.ok) throw refusalError(decided.refusal);
	const {name, peerId} = decided.target;
	const streams = diagnosis.streams.ok ? diagnosis.streams.value.streams : [];
	const impacts = removalImpact(server, streams, assessment);
	await hooks.confirm({
		server,
		stream: undefined,
		metaCluster: view.metaCluster,
		impacts,
		streamsUnknown: diagnosis.streams.ok ? undefined : diagnosis.streams.reason,
		nats: metaPeerRemoveCommand(server),
	});
	hooks.onEvent?.({type: 'requesting', nats: metaPeerRemoveCommand(name ?? peerId)});
	const group = `the meta group of ${view.metaCluster ?? 'the cluster'}`;
	await trail.request(async () => removeMetaPeer(sys, {name, peerId}, session.settings.timeoutMs), {
		doing: `removing ${server} from ${group}`,
		done: [`removed ${server} from ${group}`, ...impacts.map(impact => `${impact.stream}: ${impact.words}`)].join('; '),
	});
	hooks.onEvent?.({type: 'requested', replaced: true});
	const targets = impacts
		.filter(impact => impact.kind === 'replaced' || impact.kind === 'shrinks' || impact.kind === 'kept')
		.map(impact => ({
			stream: impact.stream,
			removed: impact.kind === 'kept' ? undefined : server,
			expectedPeers: impact.expectedPeers,
		}));
	return {impacts, targets};
}

async function removeFromStream(
	session: Session,
	{server, force}: PeerRemoveRequest,
	streamName: string,
	hooks: PeerRemoveHooks,
	trail: Trail,
): Promise<Removal> {
	const {signal} = hooks;
	const diagnosis = await diagnose(session, {signal, onElectionWait: hooks.onElectionWait});
	const assessment = assess(diagnosis);
	if (!diagnosis.streams.ok)
		throw new DrError(`cannot read the account's streams: ${diagnosis.streams.reason}; nothing was removed`);
	const stream = diagnosis.streams.value.streams.find(view => view.name === streamName);
	const refusal = streamRemovalRefusal({server, streamName, force, stream, servers: assessment.facts.servers});
	if (refusal) throw refusalError(refusal);
	const impacts = removalImpact(server, [stream!], assessment);
	const nats = streamPeerRemoveCommand(streamName, server);
	await hooks.confirm({server, stream: streamName, metaCluster: undefined, impacts, streamsUnknown: undefined, nats});
	hooks.onEvent?.({type: 'requesting', nats});
	const [impact] = impacts;
	const {replaced} = await trail.request(async () => removeStreamPeer(session.js, streamName, server, {signal}), {
		doing: `removing ${server} from stream ${streamName}`,
		done: `removed ${server} from stream ${streamName}${impact ? `: ${impact.words}` : ''}`,
	});
	hooks.onEvent?.({type: 'requested', replaced});
	const expectedPeers = impact?.expectedPeers ?? stream!.peers.length - 1;
	return {impacts, targets: [{stream: streamName, removed: server, expectedPeers}]};
}

async function watch(
	session: Session,
	targets: WatchTarget[],
	timeoutMs: number,
	hooks: PeerRemoveHooks,
): Promise<{complete: boolean; states: WatchState[]}> {
	hooks.onEvent?.({type: 'watching', targets, timeoutMs});
	return watchRecovery(session.js, targets, {
		timeoutMs,
		signal: hooks.signal,
		onUpdate: states => hooks.onEvent?.({type: 'watch', states}),
	});
}
