/**
 * The plain data the verdict functions decide over. Built from a diagnosis, or written literally
 * in tests: nothing here does I/O.
 */
import type {MetaPeer, ServersView} from '../core/diagnosis/servers.js';

export type ServerFact = {
	name: string;
	answering: boolean;
	jetstream: boolean;
	cluster: string | undefined;
	tags: string[];
	/** The nats-server release, where known: some recovery rules differ between releases. */
	version?: string | undefined;
};

export type ClusterFacts = {
	/** Whether `servers` comes from the system account; without it, liveness is inferred from RAFT state. */
	serversKnown: boolean;
	servers: ServerFact[];
	metaLeader: string | undefined;
	metaClusterSize: number | undefined;
	metaPeers: MetaPeer[] | undefined;
	/** One JetStream server without a cluster: no meta group, no replicas. */
	standalone: boolean;
	/** Set when the diagnosis waited for a meta election: how long, and whether a leader came. */
	election: {waitedMs: number; leaderFound: boolean} | undefined;
};

export function factsFromServers(view: ServersView | undefined): ClusterFacts {
	if (!view) {
		return {
			serversKnown: false,
			servers: [],
			metaLeader: undefined,
			metaClusterSize: undefined,
			metaPeers: undefined,
			standalone: false,
			election: undefined,
		};
	}

	return {
		serversKnown: true,
		servers: view.servers.map(server => ({
			name: server.name,
			answering: server.answering,
			jetstream: server.jetstream,
			cluster: server.cluster,
			tags: server.tags,
			version: server.version,
		})),
		metaLeader: view.metaLeader,
		metaClusterSize: view.metaClusterSize,
		metaPeers: view.metaPeers,
		standalone:
			view.metaClusterSize === undefined && view.servers.length === 1 && view.servers[0]!.cluster === undefined,
		election: undefined,
	};
}

export function quorumOf(size: number): number {
	return Math.floor(size / 2) + 1;
}

/** How long a silent replica must have been unheard of before, without a system view, we call it dead. */
export const silentPeerMs = 10_000;
