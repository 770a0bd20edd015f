/** A diagnosis as plain data: 4 servers, n3 dead, ORDERS (R3, replica on n3), PINNED (R1 on n3), and healthy streams. */
import type {Diagnosis} from '../../source/core/diagnosis/diagnose.js';
import type {ServersView} from '../../source/core/diagnosis/servers.js';
import type {ReplicaView, StreamView} from '../../source/core/diagnosis/streams.js';
import {assess} from '../../source/recovery/assess.js';
import type {DiagnosisResult} from '../../source/ui/services.js';

export const noInventory = {
	file: undefined,
	recorded: false,
	previousAt: undefined,
	remembered: [],
	problem: undefined,
};

export function peer(name: string, extra: Partial<ReplicaView> = {}): ReplicaView {
	return {name, peerId: undefined, leader: false, current: true, offline: false, activeMs: 200, lag: 0, ...extra};
}

export function streamView(
	name: string,
	replicas: number,
	peers: ReplicaView[],
	extra: Partial<StreamView> = {},
): StreamView {
	return {
		name,
		status: 'ok',
		error: undefined,
		source: 'api',
		storage: 'file',
		replicas,
		placement: {cluster: undefined, tags: []},
		cluster: 'c1',
		leader: peers.find(p => p.leader)?.name,
		peers,
		messages: 100,
		bytes: 4096,
		firstSeq: 1,
		lastSeq: 100,
		consumers: 1,
		subjects: [`${name}.>`],
		...extra,
	};
}

export function serversView(dead: string[] = ['n3']): ServersView {
	return {
		servers: ['n1', 'n2', 'n3', 'n4'].map(name => ({
			name,
			id: dead.includes(name) ? undefined : `N${name}`,
			cluster: 'c1',
			version: dead.includes(name) ? undefined : '2.9.10',
			jetstream: true,
			tags: [],
			answering: !dead.includes(name),
			metaLeader: name === 'n1',
		})),
		metaLeader: 'n1',
		metaCluster: 'c1',
		metaClusterSize: 4,
		metaPeers: ['n2', 'n3', 'n4'].map(name => ({
			name,
			peer: name.toUpperCase(),
			current: !dead.includes(name),
			offline: false,
			activeMs: dead.includes(name) ? 25_000 : 100,
			lag: 0,
		})),
		expected: 4,
		answered: 4 - dead.length,
		elapsedMs: 300,
	};
}

export function degradedDiagnosis(extraHealthy = 2): DiagnosisResult {
	const streams = [
		streamView('ORDERS', 3, [
			peer('n1', {leader: true}),
			peer('n2'),
			peer('n3', {current: false, activeMs: 25_000, lag: 5}),
		]),
		streamView('PINNED', 1, [peer('n3', {leader: true})]),
		...Array.from({length: extraHealthy}, (_, i) => streamView(`HEALTHY${i + 1}`, 1, [peer('n2', {leader: true})])),
	];
	const diagnosis: Diagnosis = {
		time: '2026-11-25T00:00:00.000Z',
		servers: {ok: true, value: serversView()},
		streams: {ok: true, value: {streams, total: streams.length, missing: [], elapsedMs: 100}},
		hosting: new Map(),
		election: undefined,
		inventory: noInventory,
		elapsedMs: 400,
	};
	return {diagnosis, assessment: assess(diagnosis)};
}

/** After n3 was peer-removed: it is no meta member any more, and PINNED, whose only copy it held, is offline (10118). */
export function afterPeerRemoveDiagnosis(): DiagnosisResult {
	const servers = serversView([]);
	servers.servers = servers.servers.filter(server => server.name !== 'n3');
	servers.metaPeers = servers.metaPeers!.filter(peer => peer.name !== 'n3');
	const streams = [
		streamView('ORDERS', 3, [peer('n1', {leader: true}), peer('n2'), peer('n4')]),
		{
			...streamView('PINNED', 1, []),
			status: 'offline' as const,
			error: 'stream is offline',
			replicas: undefined,
			leader: undefined,
		},
	];
	const diagnosis: Diagnosis = {
		time: '2026-11-25T00:00:00.000Z',
		servers: {ok: true, value: {...servers, metaClusterSize: 3, expected: 3, answered: 3}},
		streams: {ok: true, value: {streams, total: streams.length, missing: [], elapsedMs: 100}},
		hosting: new Map([['PINNED', []]]),
		election: undefined,
		inventory: noInventory,
		elapsedMs: 400,
	};
	return {diagnosis, assessment: assess(diagnosis)};
}
