/** Whether the JetStream meta group can make changes now, peer-remove above all. Pure. */
import {quorumOf, type ClusterFacts} from './facts.js';

export type MetaVerdict = {
	kind: 'healthy' | 'degraded' | 'no-quorum' | 'unknown' | 'standalone';
	leader: string | undefined;
	size: number | undefined;
	answering: number;
	quorum: number | undefined;
	/** Meta members that do not answer, by name where known. */
	dead: string[];
	peerRemovePossible: boolean;
	reason: string;
};

export function metaVerdict(facts: ClusterFacts): MetaVerdict {
	if (facts.standalone) {
		return {
			kind: 'standalone',
			leader: undefined,
			size: undefined,
			answering: 1,
			quorum: undefined,
			dead: [],
			peerRemovePossible: false,
			reason:
				'a standalone JetStream server (no cluster): there is no meta group and no replica; recovery means restoring streams from backups, and peer-remove does not apply',
		};
	}

	if (!facts.serversKnown) {
		return {
			kind: 'unknown',
			leader: undefined,
			size: undefined,
			answering: 0,
			quorum: undefined,
			dead: [],
			peerRemovePossible: false,
			reason: 'the meta group is not visible without system-account credentials',
		};
	}

	const members = facts.servers.filter(server => server.jetstream);
	const answering = members.filter(server => server.answering).length;
	const size = Math.max(facts.metaClusterSize ?? 0, members.length);
	const quorum = quorumOf(size);
	const dead = members.filter(server => !server.answering).map(server => server.name);
	const unnamed = size - answering - dead.length;
	const deadWords = [...dead, ...(unnamed > 0 ? [`${unnamed} unnamed server${unnamed > 1 ? 's' : ''}`] : [])].join(
		', ',
	);
	const base = {leader: facts.metaLeader, size, answering, quorum, dead};
	if (answering < quorum) {
		const stale = facts.metaLeader
			? ` (${facts.metaLeader} still claims the leadership but cannot commit anything)`
			: '';
		return {
			...base,
			kind: 'no-quorum',
			peerRemovePossible: false,
			reason: `no meta quorum: ${answering} of ${size} servers answer and the meta group needs ${quorum}${stale}; bring ${deadWords || 'the missing servers'} back — no peer-remove is possible until then`,
		};
	}

	if (!facts.metaLeader) {
		if (facts.election && !facts.election.leaderFound) {
			return {
				...base,
				kind: 'unknown',
				peerRemovePossible: false,
				reason: `no meta leader was elected within ${Math.round(facts.election.waitedMs / 1000)} s although ${answering} of ${size} servers answer (quorum ${quorum}); not answering: ${deadWords || 'none'}`,
			};
		}

		return {
			...base,
			kind: 'unknown',
			peerRemovePossible: false,
			reason: `no meta leader right now although ${answering} of ${size} servers answer: an election may be under way; refresh in a few seconds`,
		};
	}

	if (dead.length === 0 && unnamed <= 0) {
		return {
			...base,
			kind: 'healthy',
			peerRemovePossible: false,
			reason: `leader ${facts.metaLeader}, all ${size} servers answer`,
		};
	}

	return {
		...base,
		kind: 'degraded',
		peerRemovePossible: dead.length > 0,
		reason: `leader ${facts.metaLeader}, ${answering} of ${size} servers answer (quorum ${quorum}); not answering: ${deadWords}`,
	};
}
