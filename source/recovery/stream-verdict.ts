/**
 * The recovery rule, stream by stream. Automatic recovery works only when R ≥ 3, the surviving
 * replicas hold RAFT quorum ⌊R/2⌋+1, a spare JetStream server in the stream's cluster meets its
 * placement, and the dead node is peer-removed. R1 data on a dead node comes back only from a
 * backup. Pure: decided over plain data, every verdict with its reason in words.
 */
import {unknownPeerId} from '../core/diagnosis/peer-id.js';
import type {ReplicaView, StreamView} from '../core/diagnosis/streams.js';
import {quorumOf, silentPeerMs, type ClusterFacts} from './facts.js';
import type {MetaVerdict} from './meta-verdict.js';

export type VerdictKind =
	'healthy' | 'self-healing-after-peer-remove' | 'quorum-no-spare' | 'no-quorum' | 'r1-on-dead-node' | 'unknown';

export type StreamVerdict = {
	stream: string;
	kind: VerdictKind;
	reason: string;
	next: string;
	replicas: number | undefined;
	/** Replicas on servers that are dead or unreachable. */
	deadPeers: string[];
	survivors: number;
	quorum: number | undefined;
	/** Servers that would take a replacement replica. */
	spares: string[];
	/** Servers whose peer-remove starts the recovery. */
	remove: string[];
};

/** The order in which verdicts are reported: what needs a human first. */
export const verdictOrder: VerdictKind[] = [
	'r1-on-dead-node',
	'no-quorum',
	'unknown',
	'self-healing-after-peer-remove',
	'quorum-no-spare',
	'healthy',
];

export const verdictTitles: Record<VerdictKind, string> = {
	'r1-on-dead-node': 'R1 on a dead node — restore from a backup',
	'no-quorum': 'No quorum — cannot recover automatically',
	unknown: 'Unknown or offline',
	'self-healing-after-peer-remove': 'Self-healing after peer-remove',
	'quorum-no-spare': 'Quorum intact, no spare server',
	healthy: 'Healthy',
};

export function isPeerDead(peer: ReplicaView, facts: ClusterFacts): boolean {
	if (peer.offline || unknownPeerId(peer.name)) return true;
	if (facts.serversKnown) {
		const server = facts.servers.find(candidate => candidate.name === peer.name);
		return !server?.answering;
	}

	return !peer.current && peer.activeMs > silentPeerMs;
}

export function sparesFor(stream: StreamView, facts: ClusterFacts): string[] {
	const cluster = stream.placement.cluster ?? stream.cluster;
	return facts.servers
		.filter(
			server =>
				server.answering &&
				server.jetstream &&
				(cluster === undefined || server.cluster === cluster) &&
				!stream.peers.some(peer => peer.name === server.name) &&
				!server.tags.includes('!jetstream') &&
				stream.placement.tags.every(tag => server.tags.includes(tag)),
		)
		.map(server => server.name);
}

function list(names: string[]): string {
	return names.join(', ');
}

function plural(count: number, word: string): string {
	return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function streamVerdict(
	stream: StreamView,
	facts: ClusterFacts,
	meta: MetaVerdict,
	hostedOn?: string[],
): StreamVerdict {
	const base = {
		stream: stream.name,
		replicas: stream.replicas,
		deadPeers: [] as string[],
		survivors: 0,
		quorum: undefined as number | undefined,
		spares: [] as string[],
		remove: [] as string[],
	};
	if (stream.status !== 'ok') return unreachableVerdict(stream, facts, base, hostedOn);

	const replicas = stream.replicas ?? 1;
	if (stream.peers.length === 0 && stream.cluster === undefined) {
		return {
			...base,
			kind: 'healthy',
			survivors: 1,
			reason: 'standalone server: no replicas to watch',
			next: 'nothing to do',
		};
	}

	if (stream.peers.length === 0) {
		// Clustered, yet no leader and no replica: what 2.9 reports for a stream whose only node was removed.
		return replicas === 1
			? {
					...base,
					kind: 'r1-on-dead-node',
					reason: 'R1 stream with no leader and no replica: its only node is gone, and its data with it',
					next: 'delete the stream and restore it from a backup',
				}
			: {
					...base,
					kind: 'unknown',
					reason: `R${replicas} stream with no leader and no replica in sight`,
					next: 'bring its servers back, or delete it and restore it from a backup',
				};
	}

	const dead = stream.peers.filter(peer => isPeerDead(peer, facts));
	const alive = stream.peers.filter(peer => !dead.includes(peer));
	const deadPeers = dead.map(peer => peer.name);
	const size = Math.max(stream.peers.length, replicas);
	const quorum = quorumOf(size);
	const withFacts = {...base, deadPeers, survivors: alive.length, quorum};

	if (replicas === 1) {
		if (dead.length === 0)
			return {
				...withFacts,
				kind: 'healthy',
				reason: `R1 on ${alive[0]!.name}, which answers`,
				next: 'nothing to do; an R1 stream has no replica, so keep backups',
			};
		return {
			...withFacts,
			kind: 'r1-on-dead-node',
			reason: `R1 stream whose only replica is on ${list(deadPeers)}, which does not answer: its data is only on that node`,
			next: `bring ${list(deadPeers)} back, or restore the stream from a backup`,
		};
	}

	if (dead.length === 0) {
		const lagging = alive.filter(peer => !peer.current);
		if (!stream.leader) {
			return {
				...withFacts,
				kind: 'unknown',
				reason: 'all replicas answer but the stream has no leader: an election may be under way',
				next: 'refresh in a few seconds',
			};
		}

		const catchingUp =
			lagging.length > 0 ? `; catching up: ${lagging.map(peer => `${peer.name} (lag ${peer.lag})`).join(', ')}` : '';
		return {
			...withFacts,
			kind: 'healthy',
			reason: `R${replicas}, leader ${stream.leader}, all ${plural(alive.length, 'replica')} alive${catchingUp}`,
			next: 'nothing to do',
		};
	}

	if (alive.length < quorum) {
		return {
			...withFacts,
			kind: 'no-quorum',
			reason: `only ${alive.length} of ${size} replicas alive and RAFT needs ${quorum}; dead: ${list(deadPeers)}`,
			next: `bring ${list(deadPeers)} back, or restore the stream from a backup`,
		};
	}

	const metaNote =
		meta.leader && meta.kind !== 'no-quorum'
			? ''
			: '; peer-remove needs a meta leader with quorum, which there is none of right now';
	if (!facts.serversKnown) {
		return {
			...withFacts,
			kind: 'unknown',
			reason: `quorum intact (${alive.length} of ${size} alive, ${quorum} needed), but without the system account it cannot be seen whether a spare server exists`,
			next: 'run diagnose with system-account credentials (--sys-user/--sys-creds/--sys-context)',
		};
	}

	const spares = sparesFor(stream, facts);
	const tags = stream.placement.tags.length > 0 ? ` with tags ${list(stream.placement.tags)}` : '';
	const cluster = stream.placement.cluster ?? stream.cluster ?? 'its cluster';
	if (spares.length === 0) {
		return {
			...withFacts,
			remove: deadPeers,
			kind: 'quorum-no-spare',
			reason: `quorum intact (${alive.length} of ${size} alive, ${quorum} needed) but no spare JetStream server in ${cluster}${tags}: after peer-remove of ${list(deadPeers)} it keeps running with ${plural(alive.length, 'replica')}${metaNote}`,
			next: `peer-remove ${list(deadPeers)} and add a server to ${cluster}${tags} to get back to R${replicas}`,
		};
	}

	const partial =
		spares.length < dead.length
			? ` (only ${plural(spares.length, 'spare')} for ${plural(dead.length, 'dead replica')}: the group shrinks by the rest)`
			: '';
	return {
		...withFacts,
		spares,
		remove: deadPeers,
		kind: 'self-healing-after-peer-remove',
		reason: `R${replicas} with ${alive.length} of ${size} replicas alive (quorum ${quorum}) and spare ${list(spares)} in ${cluster}${tags}${partial}${metaNote}`,
		next: `peer-remove ${list(deadPeers)}: a new replica is placed on ${spares.length === 1 ? spares[0]! : `one of ${list(spares)}`}`,
	};
}

function unreachableVerdict(
	stream: StreamView,
	facts: ClusterFacts,
	base: Omit<StreamVerdict, 'kind' | 'reason' | 'next'>,
	hostedOn: string[] | undefined,
): StreamVerdict {
	const deadServers = facts.servers.filter(server => server.jetstream && !server.answering).map(server => server.name);
	const nowhere = hostedOn !== undefined && hostedOn.length === 0;
	if ((stream.status === 'offline' || stream.status === 'no-reply') && nowhere && deadServers.length > 0) {
		const where = deadServers.length === 1 ? `on ${deadServers[0]!}` : `on one of ${list(deadServers)}`;
		return {
			...base,
			deadPeers: deadServers.length === 1 ? deadServers : [],
			kind: 'r1-on-dead-node',
			reason: `${stream.error ?? 'no stream info'}, and no live server holds a replica: its data is only ${where}, which does not answer`,
			next: `bring ${list(deadServers)} back, or restore the stream from a backup`,
		};
	}

	if (stream.status === 'offline') {
		return {
			...base,
			kind: 'r1-on-dead-node',
			reason: 'the server reports the stream offline: none of its replicas is reachable',
			next: 'bring its servers back, or delete the stream and restore it from a backup',
		};
	}

	// Where 2.9 answers 10118 "stream is offline" once the stream's only server was peer-removed, 2.10 and later stay silent.
	if (stream.status === 'no-reply' && nowhere) {
		return {
			...base,
			kind: 'r1-on-dead-node',
			reason:
				'no server answers for the stream and no live server holds a replica: its servers are gone (nats-server 2.10 and later stay silent about such a stream where 2.9 says "offline")',
			next: 'delete the stream and restore it from a backup',
		};
	}

	return {
		...base,
		kind: 'unknown',
		reason: stream.error ?? 'no stream info',
		next: hostedOn?.length
			? `it is hosted on ${list(hostedOn)}; retry diagnose`
			: 'retry diagnose; if it persists, inspect the servers that should host it',
	};
}
