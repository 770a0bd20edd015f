/**
 * The server-level view: every server that answers a system-account statsz ping, plus the meta
 * group's peers that do not answer. One round trip: on 2.9 the legacy statsz reply carries the
 * server identity, `active_servers`, and the meta group (with its peer list on the meta leader).
 */
import type {NatsConnection} from 'nats';
import {DrError} from '../errors.js';
import {noSystemAccountHint, sysGather} from '../sys-gather.js';

/** A meta-group peer as the meta leader reports it (PeerInfo). */
export type MetaPeer = {
	name: string;
	peer: string;
	current: boolean;
	offline: boolean;
	/** Milliseconds since the leader last heard from the peer. */
	activeMs: number;
	lag: number;
};

export type ServerEntry = {
	name: string;
	id: string | undefined;
	cluster: string | undefined;
	version: string | undefined;
	jetstream: boolean;
	tags: string[];
	/** Answered the ping in this run. */
	answering: boolean;
	metaLeader: boolean;
};

export type ServersView = {
	servers: ServerEntry[];
	metaLeader: string | undefined;
	/** The cluster name the meta leader reports for the meta group. */
	metaCluster: string | undefined;
	metaClusterSize: number | undefined;
	/** Meta peers other than the leader, from the leader; undefined when no leader answered. */
	metaPeers: MetaPeer[] | undefined;
	expected: number;
	answered: number;
	elapsedMs: number;
};

type StatszReply = {
	server: {name: string; id: string; cluster?: string; ver?: string; jetstream?: boolean; tags?: string[]};
	statsz?: {
		active_servers?: number;
		jetstream?: {
			meta?: {
				name?: string;
				leader?: string;
				cluster_size?: number;
				replicas?: Array<{
					name: string;
					peer: string;
					current?: boolean;
					offline?: boolean;
					active?: number;
					lag?: number;
				}>;
			};
		};
	};
};

function expectedFrom(reply: StatszReply): number {
	return Math.max(reply.statsz?.active_servers ?? 0, reply.statsz?.jetstream?.meta?.cluster_size ?? 0);
}

export async function gatherServers(
	sys: NatsConnection,
	{timeoutMs, signal}: {timeoutMs: number; signal?: AbortSignal},
): Promise<ServersView> {
	const started = performance.now();
	let expected = 0;
	const ping = async (): Promise<StatszReply[]> =>
		sysGather<StatszReply>(
			sys,
			'$SYS.REQ.SERVER.PING',
			{},
			{
				maxWaitMs: timeoutMs,
				signal,
				expected(_count, latest) {
					expected = Math.max(expected, expectedFrom(latest as StatszReply));
					return expected || undefined;
				},
			},
		);
	let replies = await ping();
	// Right after a node dies, a request written to it is lost with it, while the connection moves to
	// another server: asking once more over the new connection is the operator's own next step.
	if (replies.length === 0 && !signal?.aborted) replies = await ping();
	if (replies.length === 0) {
		throw new DrError(`no server answered $SYS.REQ.SERVER.PING within ${timeoutMs} ms`, {hint: noSystemAccountHint});
	}

	return serversViewFrom(replies, performance.now() - started);
}

function metaSize(replies: StatszReply[]): number | undefined {
	return Math.max(0, ...replies.map(reply => reply.statsz?.jetstream?.meta?.cluster_size ?? 0)) || undefined;
}

/** Pure assembly of the view from statsz replies, separate so it is testable from recorded data. */
function serversViewFrom(replies: StatszReply[], elapsedMs = 0): ServersView {
	const leaderReply = replies.find(
		reply =>
			reply.statsz?.jetstream?.meta?.replicas !== undefined && reply.server.name === reply.statsz.jetstream.meta.leader,
	);
	const claimed = replies.map(reply => reply.statsz?.jetstream?.meta?.leader).find(Boolean);
	const metaLeader = leaderReply?.server.name ?? (replies.some(r => r.server.name === claimed) ? claimed : undefined);
	const meta = leaderReply?.statsz?.jetstream?.meta;
	const metaPeers = meta?.replicas?.map(replica => ({
		name: replica.name,
		peer: replica.peer,
		current: replica.current ?? false,
		offline: replica.offline ?? false,
		activeMs: Math.round((replica.active ?? 0) / 1e6),
		lag: replica.lag ?? 0,
	}));

	const servers: ServerEntry[] = replies.map(reply => ({
		name: reply.server.name,
		id: reply.server.id,
		cluster: reply.server.cluster,
		version: reply.server.ver,
		jetstream: reply.server.jetstream ?? false,
		tags: reply.server.tags ?? [],
		answering: true,
		metaLeader: reply.server.name === metaLeader,
	}));
	for (const peer of metaPeers ?? []) {
		if (servers.some(server => server.name === peer.name)) continue;
		servers.push({
			name: peer.name,
			id: undefined,
			cluster: meta?.name,
			version: undefined,
			jetstream: true,
			tags: [],
			answering: false,
			metaLeader: false,
		});
	}

	servers.sort((a, b) => a.name.localeCompare(b.name));
	return {
		servers,
		metaLeader,
		metaCluster: meta?.name,
		metaClusterSize: metaSize(replies),
		metaPeers,
		// The meta group's size, when known, beats statsz `active_servers`, which keeps counting a
		// peer-removed server for minutes; servers without JetStream are not in it, hence the max.
		expected: Math.max(replies.length, metaSize(replies) ?? Math.max(0, ...replies.map(reply => expectedFrom(reply)))),
		answered: replies.length,
		elapsedMs: Math.round(elapsedMs),
	};
}
