/**
 * Clusters as first-class: which clusters the supercluster is configured with (every server's VARZ
 * names its own gateway and the ones it dials), which of them answer, and where the servers that do
 * not answer belong. A dead server reports nothing, and the meta leader lists it under its own
 * cluster's name; the configured gateways are what tells that a whole cluster is missing.
 */
import type {NatsConnection} from 'nats';
import type {ServerEntry} from '../diagnosis/servers.js';
import {sysGather} from '../sys-gather.js';

export type ClusterView = {
	name: string;
	servers: string[];
	answering: number;
	/** Configured as a gateway but no server of it answers. */
	down: boolean;
};

type VarzReply = {
	server: {name: string; cluster?: string};
	data?: {gateway?: {name?: string; gateways?: Array<{name: string}>}};
};

export async function configuredClusters(
	sys: NatsConnection,
	{timeoutMs, expected, signal}: {timeoutMs: number; expected: number; signal?: AbortSignal},
): Promise<string[]> {
	const replies = await sysGather<VarzReply>(
		sys,
		'$SYS.REQ.SERVER.PING.VARZ',
		{},
		{maxWaitMs: timeoutMs, expected: () => expected, signal},
	);
	const names = new Set<string>();
	for (const reply of replies) {
		const gateway = reply.data?.gateway;
		if (gateway?.name) names.add(gateway.name);
		for (const remote of gateway?.gateways ?? []) names.add(remote.name);
	}

	return [...names].sort();
}

/**
 * Pure: servers with their clusters corrected, and the clusters. Servers that do not answer belong to
 * the one configured cluster with no answering server when there is exactly one; otherwise their
 * cluster is unknown.
 */
export function clusterView(
	servers: ServerEntry[],
	configured: string[],
): {servers: ServerEntry[]; clusters: ClusterView[]} {
	const answeringClusters = new Set(
		servers.filter(server => server.answering && server.cluster).map(server => server.cluster!),
	);
	const silent = configured.filter(name => !answeringClusters.has(name));
	const fixed = servers.map(server =>
		server.answering
			? server
			: {...server, cluster: silent.length === 1 ? silent[0] : configured.length > 0 ? undefined : server.cluster},
	);
	const names = new Set([...configured, ...fixed.flatMap(server => (server.cluster ? [server.cluster] : []))]);
	const clusters = [...names].sort().map(name => {
		const members = fixed.filter(server => server.cluster === name);
		const answering = members.filter(server => server.answering).length;
		return {name, servers: members.map(server => server.name), answering, down: answering === 0};
	});
	return {servers: fixed, clusters};
}
