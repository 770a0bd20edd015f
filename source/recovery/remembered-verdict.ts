/**
 * The verdict on a stream known only from the inventory: listed before, not seen now. Its data is
 * wherever it was last seen; if those servers are dead, only they or a backup bring it back. Pure.
 */
import type {StreamView} from '../core/diagnosis/streams.js';
import {quorumOf, type ClusterFacts} from './facts.js';
import type {StreamVerdict} from './stream-verdict.js';

/** "10:41 UTC" on the day of `now`, else the date too. */
export function seenAtWords(seenAt: string, now: string): string {
	const time = `${seenAt.slice(11, 16)} UTC`;
	return seenAt.slice(0, 10) === now.slice(0, 10) ? time : `${seenAt.slice(0, 10)} ${time}`;
}

export function rememberedVerdict(
	stream: StreamView & {source: {inventory: string; listed: boolean}},
	facts: ClusterFacts,
	now: string,
	hostedOn: string[] | undefined,
): StreamVerdict {
	const servers = stream.peers.map(peer => peer.name);
	const replicas = stream.replicas ?? (servers.length || undefined);
	const messages =
		stream.messages === undefined ? '' : `, ${stream.messages} message${stream.messages === 1 ? '' : 's'}`;
	const held = stream.source.listed
		? `listed by the JetStream API but ${hostedOn === undefined ? 'not described' : 'held by no live server'}`
		: hostedOn === undefined
			? 'no live answer describes it'
			: 'not held by any live server';
	const lost = `${stream.source.listed ? 'Last' : 'LOST? last'} seen on ${servers.join(', ') || 'an unknown server'} (R${replicas ?? '?'}) at ${seenAtWords(stream.source.inventory, now)}${messages} — ${held}`;
	const dead = facts.serversKnown
		? servers.filter(name => !facts.servers.find(server => server.name === name)?.answering)
		: [];
	const base = {
		stream: stream.name,
		replicas: stream.replicas,
		deadPeers: dead,
		survivors: servers.length - dead.length,
		quorum: replicas && quorumOf(replicas),
		spares: [],
		remove: [],
	};
	if (facts.serversKnown && servers.length > 0 && dead.length === servers.length) {
		return {
			...base,
			kind: replicas === 1 ? 'r1-on-dead-node' : 'no-quorum',
			reason: `${lost}: its data is only on ${dead.join(', ')}, which ${dead.length === 1 ? 'does' : 'do'} not answer`,
			next: `bring ${dead.join(', ')} back, or restore the stream from a backup`,
		};
	}

	if (facts.serversKnown && hostedOn !== undefined) {
		return {
			...base,
			kind: 'unknown',
			reason: `${lost}, although ${servers.filter(name => !dead.includes(name)).join(', ') || 'its servers'} answer${dead.length > 0 ? ` (dead: ${dead.join(', ')})` : ''}: deleted since, or its data is gone`,
			next: 'if nobody deleted it on purpose, restore it from a backup',
		};
	}

	return {
		...base,
		kind: 'unknown',
		reason: lost,
		next: 'rerun diagnose once the cluster answers; if it stays missing, restore it from a backup',
	};
}
