/**
 * What removing a server does to each stream that has a replica on it: which get a replacement,
 * which shrink, which lose their data. Shown before the typed confirmation. Pure.
 */
import type {StreamView} from '../core/diagnosis/streams.js';
import type {Assessment} from './assess.js';
import {quorumOf} from './facts.js';
import {sparesFor} from './stream-verdict.js';

export type ImpactKind = 'replaced' | 'shrinks' | 'kept' | 'data-lost' | 'still-no-quorum';

export type StreamImpact = {
	stream: string;
	kind: ImpactKind;
	words: string;
	/** Current replicas expected once the removal has settled (0 for lost data). */
	expectedPeers: number;
};

export function removalImpact(server: string, streams: StreamView[], assessment: Assessment): StreamImpact[] {
	const verdicts = new Map(assessment.streams.map(verdict => [verdict.stream, verdict]));
	const impacts: StreamImpact[] = [];
	for (const stream of streams) {
		const onServer = stream.peers.some(peer => peer.name === server);
		const verdict = verdicts.get(stream.name);
		const lostHere = verdict?.kind === 'r1-on-dead-node' && verdict.deadPeers.includes(server);
		if (!onServer && !lostHere) continue;
		const replicas = stream.replicas ?? 1;
		if (replicas === 1 || lostHere) {
			impacts.push({
				stream: stream.name,
				kind: 'data-lost',
				expectedPeers: 0,
				words: `R1 stream: its data on ${server} is lost; only a backup brings it back`,
			});
			continue;
		}

		const others = stream.peers.filter(
			peer => peer.name !== server && !(verdict?.deadPeers ?? []).includes(peer.name),
		).length;
		if (others < quorumOf(Math.max(replicas, stream.peers.length))) {
			impacts.push({
				stream: stream.name,
				kind: 'still-no-quorum',
				expectedPeers: others,
				words: `only ${others} live replica(s) remain: still no quorum after the removal`,
			});
			continue;
		}

		const spares = sparesFor(stream, assessment.facts);
		if (spares.length > 0) {
			impacts.push({
				stream: stream.name,
				kind: 'replaced',
				expectedPeers: Math.min(replicas, others + spares.length),
				words: `a replacement replica is placed on ${spares.length === 1 ? spares[0]! : `one of ${spares.join(', ')}`}`,
			});
		} else if (keepsRemovedPeer(stream, assessment)) {
			const {metaLeader} = assessment.facts;
			const version = assessment.facts.servers.find(entry => entry.name === metaLeader)?.version ?? '';
			impacts.push({
				stream: stream.name,
				kind: 'kept',
				expectedPeers: others,
				words: `no spare server, and nats-server ${version} leaves ${server} in its peer set because the meta leader ${metaLeader!} holds no replica of it: it keeps running on ${others} of R${replicas} replicas`,
			});
		} else {
			impacts.push({
				stream: stream.name,
				kind: 'shrinks',
				expectedPeers: others,
				words: `no spare server: it keeps running on ${others} of R${replicas} replicas`,
			});
		}
	}

	return impacts;
}

/**
 * Without a replacement, nats-server 2.10 to 2.14 drop the removed peer from a stream's group only when
 * their meta leader holds a replica of the stream; otherwise the group is left as it was (2.9.10 and
 * 2.15 always drop it). Seen in the compat suite; the rule lives in the server's remapStreamAssignment.
 */
function keepsRemovedPeer(stream: StreamView, assessment: Assessment): boolean {
	const {metaLeader, servers} = assessment.facts;
	if (!metaLeader || stream.peers.some(peer => peer.name === metaLeader)) return false;
	const match = /^v?(\d+)\.(\d+)/.exec(servers.find(entry => entry.name === metaLeader)?.version ?? '');
	if (!match) return false;
	const [major, minor] = [Number(match[1]), Number(match[2])];
	return major === 2 && minor >= 10 && minor < 15;
}
