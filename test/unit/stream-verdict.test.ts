import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import type {ReplicaView, StreamView} from '../../source/core/diagnosis/streams.js';
import type {ClusterFacts, ServerFact} from '../../source/recovery/facts.js';
import {metaVerdict} from '../../source/recovery/meta-verdict.js';
import {streamVerdict, type VerdictKind} from '../../source/recovery/stream-verdict.js';
import {peer, streamView} from '../helpers/diagnosis-fixture.js';

function server(name: string, answering = true, extra: Partial<ServerFact> = {}): ServerFact {
	return {name, answering, jetstream: true, cluster: 'c1', tags: [], ...extra};
}

function facts(servers: ServerFact[], leader: string | undefined = servers.find(s => s.answering)?.name): ClusterFacts {
	return {
		serversKnown: true,
		servers,
		metaLeader: leader,
		metaClusterSize: servers.length,
		metaPeers: undefined,
		standalone: false,
		election: undefined,
	};
}

function stream(name: string, replicas: number, peers: ReplicaView[], extra: Partial<StreamView> = {}): StreamView {
	return streamView(name, replicas, peers, {messages: 10, bytes: 100, lastSeq: 10, consumers: 0, ...extra});
}

const leader = (name: string) => peer(name, {leader: true});
const silent = (name: string) => peer(name, {current: false, activeMs: 25_000, lag: 7});

type Case = {
	title: string;
	stream: StreamView;
	facts: ClusterFacts;
	kind: VerdictKind;
	hosted?: string[];
	check?: (v: ReturnType<typeof streamVerdict>) => void;
};

const four = [server('n1'), server('n2'), server('n3'), server('n4')];
const fourN3Dead = [server('n1'), server('n2'), server('n3', false), server('n4')];
const threeN3Dead = [server('n1'), server('n2'), server('n3', false)];

const cases: Case[] = [
	{
		title: 'all replicas alive',
		stream: stream('A', 3, [leader('n1'), peer('n2'), peer('n3')]),
		facts: facts(four),
		kind: 'healthy',
	},
	{
		title: 'a lagging but live replica is still healthy',
		stream: stream('A', 3, [leader('n1'), peer('n2'), peer('n3', {current: false, lag: 40})]),
		facts: facts(four),
		kind: 'healthy',
		check: v => assert.match(v.reason, /catching up: n3 \(lag 40\)/),
	},
	{
		title: 'R3 with one dead replica and a spare',
		stream: stream('A', 3, [leader('n1'), peer('n2'), silent('n3')]),
		facts: facts(fourN3Dead),
		kind: 'self-healing-after-peer-remove',
		check(v) {
			assert.deepEqual(v.remove, ['n3']);
			assert.deepEqual(v.spares, ['n4']);
			assert.equal(v.survivors, 2);
			assert.equal(v.quorum, 2);
		},
	},
	{
		title: 'R3 with one dead replica and no spare',
		stream: stream('A', 3, [leader('n1'), peer('n2'), silent('n3')]),
		facts: facts(threeN3Dead),
		kind: 'quorum-no-spare',
		check: v => assert.match(v.reason, /keeps running with 2 replicas/),
	},
	{
		title: 'the spare must carry the placement tags',
		stream: stream('A', 3, [leader('n1'), peer('n2'), silent('n3')], {placement: {cluster: undefined, tags: ['ssd']}}),
		facts: facts([server('n1'), server('n2'), server('n3', false), server('n4', true, {tags: ['hdd']})]),
		kind: 'quorum-no-spare',
	},
	{
		title: 'the spare must be in the stream cluster',
		stream: stream('A', 3, [leader('n1'), peer('n2'), silent('n3')]),
		facts: facts([server('n1'), server('n2'), server('n3', false), server('n4', true, {cluster: 'c2'})]),
		kind: 'quorum-no-spare',
	},
	{
		title: 'a spare that does not answer is no spare',
		stream: stream('A', 3, [leader('n1'), peer('n2'), silent('n3')]),
		facts: facts([...threeN3Dead, server('n4', false)]),
		kind: 'quorum-no-spare',
	},
	{
		title: 'R3 with two dead replicas has no quorum',
		stream: stream('A', 3, [peer('n1'), silent('n2'), silent('n3')], {leader: undefined}),
		facts: facts([server('n1'), server('n2', false), server('n3', false), server('n4')]),
		kind: 'no-quorum',
	},
	{
		title: 'the stream leader on the dead node: survivors still hold quorum',
		stream: stream('A', 3, [peer('n1'), peer('n2'), peer('n3', {current: false, activeMs: 0})], {leader: undefined}),
		facts: facts(fourN3Dead),
		kind: 'self-healing-after-peer-remove',
	},
	{
		title: 'R5 with two dead replicas keeps quorum',
		stream: stream('A', 5, [leader('n1'), peer('n2'), peer('n3'), silent('n4'), silent('n5')]),
		facts: facts([server('n1'), server('n2'), server('n3'), server('n4', false), server('n5', false), server('n6')]),
		kind: 'self-healing-after-peer-remove',
		check: v => assert.equal(v.quorum, 3),
	},
	{
		title: 'R5 with three dead replicas has no quorum',
		stream: stream('A', 5, [leader('n1'), peer('n2'), silent('n3'), silent('n4'), silent('n5')]),
		facts: facts([server('n1'), server('n2'), server('n3', false), server('n4', false), server('n5', false)]),
		kind: 'no-quorum',
	},
	{
		title: 'R2 with one dead replica has no quorum',
		stream: stream('A', 2, [leader('n1'), silent('n2')]),
		facts: facts([server('n1'), server('n2', false), server('n3')]),
		kind: 'no-quorum',
	},
	{
		title: 'R1 on a dead node',
		stream: stream('A', 1, [peer('n3', {leader: true})], {leader: 'n3'}),
		facts: facts(fourN3Dead),
		kind: 'r1-on-dead-node',
		check: v => assert.match(v.next, /backup/),
	},
	{title: 'R1 on a live node', stream: stream('A', 1, [leader('n1')]), facts: facts(fourN3Dead), kind: 'healthy'},
	{
		title: 'no reply and no live host: R1 on the dead node',
		stream: {
			...stream('A', 1, []),
			status: 'no-reply',
			error: 'no reply to STREAM.INFO within 2000 ms',
			replicas: undefined,
		},
		facts: facts(fourN3Dead),
		hosted: [],
		kind: 'r1-on-dead-node',
		check: v => assert.deepEqual(v.deadPeers, ['n3']),
	},
	{
		title: 'an offline stream (10118) after its node was removed',
		stream: {...stream('A', 1, []), status: 'offline', error: 'stream is offline', replicas: undefined},
		facts: facts(threeN3Dead.slice(0, 2)),
		kind: 'r1-on-dead-node',
	},
	{
		title: 'no reply and no live host after its node was removed (2.10+: silent, not 10118)',
		stream: {
			...stream('A', 1, []),
			status: 'no-reply',
			error: 'no reply to STREAM.INFO within 2000 ms',
			replicas: undefined,
		},
		facts: facts(threeN3Dead.slice(0, 2)),
		hosted: [],
		kind: 'r1-on-dead-node',
	},
	{
		title: 'no reply although a live server hosts it is unknown',
		stream: {
			...stream('A', 1, []),
			status: 'no-reply',
			error: 'no reply to STREAM.INFO within 2000 ms',
			replicas: undefined,
		},
		facts: facts(fourN3Dead),
		hosted: ['n1'],
		kind: 'unknown',
	},
	{
		title: 'an unknown peer counts as dead',
		stream: stream('A', 3, [
			leader('n1'),
			peer('n2'),
			peer('Server name unknown at this time (peerID: abcdEFGH)', {current: false}),
		]),
		facts: facts([server('n1'), server('n2'), server('n4')]),
		kind: 'self-healing-after-peer-remove',
	},
	{
		title: 'without a system view, a long-silent replica is dead but spares are unknown',
		stream: stream('A', 3, [leader('n1'), peer('n2'), silent('n3')]),
		facts: {
			serversKnown: false,
			servers: [],
			metaLeader: undefined,
			metaClusterSize: undefined,
			metaPeers: undefined,
			standalone: false,
			election: undefined,
		},
		kind: 'unknown',
		check: v => assert.match(v.reason, /quorum intact/),
	},
	{
		title: 'standalone server',
		stream: stream('A', 1, [], {cluster: undefined}),
		facts: facts([server('s1')]),
		kind: 'healthy',
	},
	{
		title: 'clustered R1 without leader or replica after its node was removed',
		stream: stream('A', 1, [], {leader: undefined}),
		facts: facts(threeN3Dead.slice(0, 2)),
		kind: 'r1-on-dead-node',
	},
];

describe('stream verdicts', () => {
	for (const c of cases) {
		test(c.title, () => {
			const verdict = streamVerdict(c.stream, c.facts, metaVerdict(c.facts), c.hosted);
			assert.equal(verdict.kind, c.kind, verdict.reason);
			assert.ok(verdict.reason.length > 10, 'a verdict always says why');
			c.check?.(verdict);
		});
	}

	test('with a meta group without leader, self-healing says peer-remove must wait', () => {
		const f = {...facts(fourN3Dead), metaLeader: undefined};
		const verdict = streamVerdict(stream('A', 3, [leader('n1'), peer('n2'), silent('n3')]), f, metaVerdict(f));
		assert.match(verdict.reason, /needs a meta leader/);
	});

	test('a leader that lost its quorum is no quorum', () => {
		const verdict = metaVerdict({
			serversKnown: true,
			servers: [server('n1'), server('n2', false), server('n3', false)],
			metaLeader: 'n1',
			metaClusterSize: 3,
			metaPeers: undefined,
			standalone: false,
			election: undefined,
		});
		assert.equal(verdict.kind, 'no-quorum');
		assert.match(verdict.reason, /n1 still claims/);
	});
});

describe('meta verdict', () => {
	test('healthy with every server answering', () => {
		assert.equal(metaVerdict(facts(four)).kind, 'healthy');
	});

	test('degraded: peer-remove possible for the dead server', () => {
		const verdict = metaVerdict(facts(fourN3Dead, 'n1'));
		assert.equal(verdict.kind, 'degraded');
		assert.equal(verdict.peerRemovePossible, true);
		assert.deepEqual(verdict.dead, ['n3']);
	});

	test('meta without quorum: one of three answers', () => {
		const verdict = metaVerdict({
			serversKnown: true,
			servers: [server('n1')],
			metaLeader: undefined,
			metaClusterSize: 3,
			metaPeers: undefined,
			standalone: false,
			election: undefined,
		});
		assert.equal(verdict.kind, 'no-quorum');
		assert.equal(verdict.peerRemovePossible, false);
		assert.match(verdict.reason, /1 of 3 servers answer.*needs 2/);
	});

	test('unknown without the system account', () => {
		assert.equal(
			metaVerdict({
				serversKnown: false,
				servers: [],
				metaLeader: undefined,
				metaClusterSize: undefined,
				metaPeers: undefined,
				standalone: false,
				election: undefined,
			}).kind,
			'unknown',
		);
	});
});
