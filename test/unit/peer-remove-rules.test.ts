import assert from 'node:assert/strict';
import {test} from 'node:test';
import {peerIdOf} from '../../source/core/diagnosis/peer-id.js';
import {
	metaRemoval,
	streamRemovalRefusal,
	type MetaRemovalFacts,
	type StreamRemovalFacts,
} from '../../source/recovery/peer-remove-rules.js';

const unknownName = 'Server name unknown at this time (peerID: Zx9Q1abc)';

function metaFacts(overrides: Partial<MetaRemovalFacts> = {}): MetaRemovalFacts {
	return {
		server: 'n3',
		force: false,
		meta: {kind: 'degraded', leader: 'n1', reason: 'n3 does not answer'},
		servers: [
			{name: 'n1', answering: true, metaLeader: true},
			{name: 'n2', answering: true, metaLeader: false},
			{name: 'n3', answering: false, metaLeader: false},
		],
		metaPeers: [
			{name: 'n2', peer: peerIdOf('n2')},
			{name: 'n3', peer: peerIdOf('n3')},
			{name: unknownName, peer: 'Zx9Q1abc'},
		],
		...overrides,
	};
}

test('meta peer-remove: each refusal, over a table', () => {
	const cases: Array<{name: string; facts: MetaRemovalFacts; refusal: RegExp; usage: boolean}> = [
		{
			name: 'no quorum',
			facts: metaFacts({meta: {kind: 'no-quorum', leader: undefined, reason: '2 of 3 are gone'}}),
			refusal: /^peer-remove is not possible now: 2 of 3 are gone; nothing was removed$/,
			usage: false,
		},
		{
			name: 'not a member',
			facts: metaFacts({server: 'n9'}),
			refusal: /^server "n9" is not a member of the meta group \(members: n1, n2, n3\); nothing was removed$/,
			usage: true,
		},
		{
			name: 'alive without --force',
			facts: metaFacts({server: 'n2'}),
			refusal: /^n2 is online and answering: removing a live server is refused/,
			usage: false,
		},
		{
			name: 'the meta leader, even with --force',
			facts: metaFacts({server: 'n1', force: true}),
			refusal: /^n1 is the meta leader; step it down first/,
			usage: false,
		},
	];
	for (const {name, facts, refusal, usage} of cases) {
		const decided = metaRemoval(facts);
		assert.equal(decided.ok, false, name);
		if (decided.ok) continue;
		assert.match(decided.refusal.message, refusal, name);
		assert.equal(decided.refusal.usage, usage, name);
	}
});

test('meta peer-remove: the target is named when it can be, else by its peer ID', () => {
	const cases: Array<{name: string; facts: MetaRemovalFacts; target: {name: string | undefined; peerId: string}}> = [
		{name: 'a dead server by name', facts: metaFacts(), target: {name: 'n3', peerId: peerIdOf('n3')}},
		{
			name: 'a live server with --force',
			facts: metaFacts({server: 'n2', force: true}),
			target: {name: 'n2', peerId: peerIdOf('n2')},
		},
		{name: 'by peer ID', facts: metaFacts({server: peerIdOf('n3')}), target: {name: 'n3', peerId: peerIdOf('n3')}},
		{
			name: 'a peer the leader cannot name',
			facts: metaFacts({server: 'Zx9Q1abc'}),
			target: {name: undefined, peerId: 'Zx9Q1abc'},
		},
		{
			name: 'by its placeholder name',
			facts: metaFacts({server: unknownName}),
			target: {name: undefined, peerId: 'Zx9Q1abc'},
		},
	];
	for (const {name, facts, target} of cases) assert.deepEqual(metaRemoval(facts), {ok: true, target}, name);
});

function streamFacts(overrides: Partial<StreamRemovalFacts> = {}): StreamRemovalFacts {
	return {
		server: 'n3',
		streamName: 'ORDERS',
		force: false,
		stream: {status: 'ok', error: undefined, replicas: 3, peers: [{name: 'n1'}, {name: 'n2'}, {name: 'n3'}] as never},
		servers: [
			{name: 'n1', answering: true},
			{name: 'n2', answering: true},
			{name: 'n3', answering: false},
		],
		...overrides,
	};
}

test('stream peer-remove: each refusal, over a table, and what --force lifts', () => {
	const r1 = {status: 'ok', error: undefined, replicas: 1, peers: [{name: 'n3'}]} as never;
	const cases: Array<{name: string; facts: StreamRemovalFacts; refusal: RegExp | undefined; usage?: boolean}> = [
		{name: 'a dead replica', facts: streamFacts(), refusal: undefined},
		{
			name: 'no such stream',
			facts: streamFacts({stream: undefined}),
			refusal: /does not exist in this account/,
			usage: true,
		},
		{
			name: 'a stream that does not answer',
			facts: streamFacts({stream: {status: 'timeout', error: 'no reply', replicas: 3, peers: []} as never}),
			refusal: /does not answer \(no reply\); nothing was removed$/,
			usage: false,
		},
		{
			name: 'not a peer',
			facts: streamFacts({server: 'n9'}),
			refusal: /n9 is not a peer of stream ORDERS \(peers: n1, n2, n3\)/,
			usage: true,
		},
		{
			name: 'R1',
			facts: streamFacts({stream: r1}),
			refusal: /R1 stream: removing its only peer loses its data/,
			usage: false,
		},
		{name: 'R1 with --force', facts: streamFacts({stream: r1, force: true}), refusal: undefined},
		{name: 'a live replica', facts: streamFacts({server: 'n2'}), refusal: /n2 is online and answering/, usage: false},
		{name: 'a live replica with --force', facts: streamFacts({server: 'n2', force: true}), refusal: undefined},
	];
	for (const {name, facts, refusal, usage} of cases) {
		const found = streamRemovalRefusal(facts);
		if (refusal === undefined) {
			assert.equal(found, undefined, name);
			continue;
		}

		assert.match(found?.message ?? '', refusal, name);
		assert.equal(found?.usage, usage, name);
	}
});
