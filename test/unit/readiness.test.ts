import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import type {BackupSummary} from '../../source/core/backup-catalog.js';
import {clusterView} from '../../source/core/topology/clusters.js';
import type {ServerEntry} from '../../source/core/diagnosis/servers.js';
import {topologyStreamFrom, type TopologyInfoReply, type TopologyStream} from '../../source/core/topology/streams.js';
import {assessReadiness, metaReadiness, type ReadinessInput, type ServerFact} from '../../source/recovery/readiness.js';

const now = Date.parse('2026-11-30T12:00:00Z');

function stream(
	name: string,
	cluster: string | undefined,
	extra: Partial<TopologyInfoReply['config']> = {},
	reply: Partial<TopologyInfoReply> = {},
	domain?: string,
): TopologyStream {
	return topologyStreamFrom(
		{
			config: {name, subjects: extra.mirror ? undefined : [`${name}.>`], num_replicas: 1, ...extra},
			state: {messages: 1000, bytes: 50_000, last_seq: 1000, last_ts: '2026-11-30T11:59:59Z'},
			cluster: cluster ? {name: cluster, leader: `${cluster}-1`} : undefined,
			...reply,
		},
		domain,
	);
}

function lost(name: string): TopologyStream {
	return {
		...stream(name, undefined),
		status: 'unreachable',
		error: 'no reply',
		cluster: undefined,
		messages: undefined,
		bytes: undefined,
		lastSeq: undefined,
		lastTime: undefined,
		subjects: [],
		config: undefined,
	};
}

function backup(name: string, created: string, messages = 900): BackupSummary {
	return {dir: `/b/${name}`, stream: name, archiveBytes: 1, messages, created, verified: true, problem: undefined};
}

function input(streams: TopologyStream[], extra: Partial<ReadinessInput> = {}): ReadinessInput {
	return {streams, servers: undefined, metaClusterSize: undefined, backups: [], now, maxRpoMs: undefined, ...extra};
}

const mirrorOf = (origin: string, lag: number, lastTs: string, domain?: string) =>
	({
		mirror: {name: origin, lag, active: 2e9, ...(domain ? {external: {api: `$JS.${domain}.API`}} : {})},
		state: {messages: 1000 - lag, bytes: 1, last_seq: 1000 - lag, last_ts: lastTs},
	}) as const;

describe('readiness per stream', () => {
	test('a mirror in another cluster: lag in messages and in time, from the two newest timestamps', () => {
		const {streams} = assessReadiness(
			input([
				stream('ORDERS', 'east'),
				stream('ORDERS_WEST', 'west', {mirror: {name: 'ORDERS'}}, mirrorOf('ORDERS', 1204, '2026-11-30T11:59:56Z')),
			]),
		);
		const orders = streams.find(entry => entry.stream === 'ORDERS')!;
		assert.equal(orders.verdict, 'protected');
		assert.deepEqual(orders.rpo, {by: 'mirror', ms: 3000, messages: 1204, from: 'ORDERS_WEST'});
		assert.match(
			orders.words,
			/protected: a mirror in west \(ORDERS_WEST\), 1,204 messages \/ 3 s behind; RPO 3 s, 1,204 messages/,
		);
		assert.equal(streams.find(entry => entry.stream === 'ORDERS_WEST')!.verdict, 'copy');
	});

	test('a mirror in the same cluster is no protection against losing it', () => {
		const {streams, regions} = assessReadiness(
			input([
				stream('ORDERS', 'east'),
				stream('ORDERS_M', 'east', {mirror: {name: 'ORDERS'}}, mirrorOf('ORDERS', 0, '2026-11-30T11:59:59Z')),
			]),
		);
		const orders = streams.find(entry => entry.stream === 'ORDERS')!;
		assert.equal(orders.verdict, 'unprotected');
		assert.match(orders.words, /no copy outside east and no backup/);
		assert.deepEqual(
			regions.find(region => region.region === 'east'),
			{
				region: 'east',
				streams: 1,
				losing: 1,
				lostMessages: 1000,
				lostBytes: 50_000,
				uncounted: [],
				unprotected: ['ORDERS'],
				metaQuorumLost: false,
			},
		);
	});

	test('a backup counts; its age is the RPO and the messages since it are what is lost', () => {
		const {streams} = assessReadiness(
			input([stream('PAY', 'east')], {
				backups: [backup('PAY', '2026-11-29T10:00:00Z', 700), backup('PAY', '2026-11-29T11:00:00Z')],
			}),
		);
		assert.deepEqual(streams[0]!.rpo, {by: 'backup', ms: 25 * 3_600_000, messages: 100, from: '/b/PAY'});
	});

	test('--max-rpo: over it, or unprotected, is a breach; within it is not', () => {
		const streams = [stream('OLD', 'east'), stream('NEW', 'east'), stream('NONE', 'east')];
		const result = assessReadiness(
			input(streams, {
				maxRpoMs: 3_600_000,
				backups: [backup('OLD', '2026-11-29T12:00:00Z'), backup('NEW', '2026-11-30T11:30:00Z')],
			}),
		);
		assert.deepEqual(result.breaches, ['OLD', 'NONE']);
		assert.equal(result.streams.find(entry => entry.stream === 'OLD')!.verdict, 'rpo-exceeded');
		assert.equal(result.streams.find(entry => entry.stream === 'NEW')!.verdict, 'protected');
		assert.deepEqual(assessReadiness(input(streams)).breaches, [], 'no threshold, no breach');
		assert.deepEqual(result.summary, {
			streams: 3,
			protectedStreams: 2,
			unprotected: ['NONE'],
			overLimit: ['OLD'],
			atRiskMessages: 1000,
			atRiskBytes: 50_000,
			worstRpoMs: 86_400_000,
		});
	});

	test('the region is lost: fail over to the mirror, restore the backup, or nothing left', () => {
		const result = assessReadiness(
			input(
				[
					lost('ORDERS'),
					lost('PAY'),
					lost('AUDIT'),
					stream('ORDERS_WEST', 'west', {mirror: {name: 'ORDERS'}}, mirrorOf('ORDERS', 0, '2026-11-30T11:59:59Z')),
				],
				{
					backups: [backup('PAY', '2026-11-29T10:00:00Z')],
					downRegions: ['east'],
				},
			),
		);
		const words = (name: string) => result.streams.find(entry => entry.stream === name)!.words;
		assert.equal(
			words('ORDERS'),
			'region lost — a mirror in west (ORDERS_WEST) is 0 messages behind (last heard from its origin 2 s ago): fail over (nats-dr failover ORDERS_WEST)',
		);
		assert.equal(words('PAY'), 'region lost — newest backup 26 h old: restore it into a surviving cluster');
		assert.equal(words('AUDIT'), 'region lost — no mirror, no backup');
		assert.equal(
			result.streams.find(entry => entry.stream === 'AUDIT')!.region,
			'east',
			'a silent stream is placed in the one cluster that is down',
		);
		assert.deepEqual(
			result.regions.find(region => region.region === 'east')!.uncounted,
			['AUDIT'],
			'what a silent stream held is not counted as 0',
		);
	});

	test('across domains: the mirror names its origin by domain, and the region is the domain', () => {
		const hub = stream('ORDERS', undefined, {}, {}, 'hub');
		const leaf = stream(
			'ORDERS_LEAF',
			undefined,
			{mirror: {name: 'ORDERS', external: {api: '$JS.hub.API'}}},
			mirrorOf('ORDERS', 5, '2026-11-30T11:59:58Z', 'hub'),
			'leaf',
		);
		const other = stream('ORDERS', undefined, {}, {}, 'leaf2');
		const {streams} = assessReadiness(input([hub, leaf, other]));
		assert.deepEqual(
			streams[0]!.copies.map(copy => [copy.stream, copy.region, copy.lagMessages, copy.lagMs]),
			[['ORDERS_LEAF', 'leaf', 5, 1000]],
		);
		assert.equal(
			streams[2]!.verdict,
			'unprotected',
			"a same-named stream in another domain is not the mirror's origin",
		);
		assert.equal(streams[1]!.words, 'a copy of ORDERS');
		const alone = assessReadiness(input([leaf])).streams[0]!;
		assert.equal(
			alone.words,
			'a copy of ORDERS, which is not among the streams read (its region lost, or another domain: add --domain): if it is lost, fail over (nats-dr failover ORDERS_LEAF)',
		);
	});
});

describe('the meta group across clusters', () => {
	const server = (name: string, cluster: string, answering = true): ServerFact => ({
		name,
		cluster,
		answering,
		jetstream: true,
	});

	test('two clusters of two: losing either loses the quorum, said before it happens', () => {
		const meta = metaReadiness(
			[server('e1', 'east'), server('e2', 'east'), server('w1', 'west'), server('w2', 'west')],
			4,
		)!;
		assert.equal(
			meta.words,
			'losing any one of the clusters loses the meta quorum (3 of 4): no stream can be created, changed or failed over until it returns',
		);
	});

	test('three clusters of one keep the quorum after any one; with one down, the next loss is fatal', () => {
		assert.match(
			metaReadiness([server('e', 'east'), server('w', 'west'), server('c', 'central')], 3)!.words,
			/keeps its quorum of 2 when any one cluster is lost/,
		);
		assert.equal(
			metaReadiness([server('e', 'east', false), server('w', 'west'), server('c', 'central')], 3)!.words,
			'east down, 2 of 3 members answering; losing any one more of the clusters loses the meta quorum (2 of 3): no stream can be created, changed or failed over until it returns',
		);
	});

	test('a big cluster and a small one: only the big one is fatal', () => {
		const meta = metaReadiness(
			[server('e1', 'east'), server('e2', 'east'), server('e3', 'east'), server('w1', 'west'), server('w2', 'west')],
			5,
		)!;
		assert.match(meta.words, /^losing east loses the meta quorum \(3 of 5\)/);
	});
});

describe('clusters of servers that do not answer', () => {
	const entry = (name: string, cluster: string, answering = true): ServerEntry => ({
		name,
		cluster,
		answering,
		id: undefined,
		version: undefined,
		jetstream: true,
		tags: [],
		metaLeader: false,
	});

	test('the meta leader files dead peers under its own cluster; the one silent gateway is where they belong', () => {
		const {servers, clusters} = clusterView(
			[entry('c1', 'central'), entry('e1', 'central', false), entry('w1', 'west')],
			['central', 'east', 'west'],
		);
		assert.equal(servers.find(server => server.name === 'e1')!.cluster, 'east');
		assert.deepEqual(
			clusters.find(cluster => cluster.name === 'east'),
			{name: 'east', servers: ['e1'], answering: 0, down: true},
		);
	});

	test("two silent clusters: the dead servers' cluster is unknown rather than guessed", () => {
		const {servers, clusters} = clusterView(
			[entry('c1', 'central'), entry('e1', 'central', false)],
			['central', 'east', 'west'],
		);
		assert.equal(servers.find(server => server.name === 'e1')!.cluster, undefined);
		assert.deepEqual(
			clusters.filter(cluster => cluster.down).map(cluster => cluster.name),
			['east', 'west'],
		);
	});

	test('without gateways one cluster keeps its name', () => {
		assert.equal(clusterView([entry('n1', 'c1'), entry('n2', 'c1', false)], []).servers[1]!.cluster, 'c1');
	});
});
