import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {topologyStreamFrom, type TopologyStream} from '../../source/core/topology/streams.js';
import {canPromote, mirrorRecord, planFailover, subjectsFromRecord} from '../../source/recovery/failover-plan.js';

const now = Date.parse('2026-11-30T12:00:00Z');

function mirror(domain?: string): TopologyStream {
	return topologyStreamFrom(
		{
			config: {
				name: 'ORDERS_WEST',
				num_replicas: 3,
				storage: 'file',
				placement: {cluster: 'west'},
				mirror: {name: 'ORDERS', ...(domain ? {external: {api: `$JS.${domain}.API`}} : {})},
				description: mirrorRecord('ORDERS', ['orders.>']),
			},
			state: {messages: 500, bytes: 9000, last_seq: 500, last_ts: '2026-11-30T11:59:50Z'},
			cluster: {name: 'west', leader: 'west-1'},
			mirror: {name: 'ORDERS', lag: 12, active: 4e9},
		},
		undefined,
	);
}

const origin = {...mirror(), name: 'ORDERS', status: 'unreachable' as const};

describe('failover plan', () => {
	test('2.12 and later promote; older servers copy', () => {
		assert.deepEqual(['2.9.10', '2.10.27', '2.11.17', '2.12.0', '2.15.3', '3.0.0', undefined].map(canPromote), [
			false,
			false,
			false,
			true,
			true,
			true,
			false,
		]);
	});

	test('promote in one meta group: delete the lost origin, then the mirror loses its mirror config and takes the subjects', () => {
		const plan = planFailover({
			mirror: mirror(),
			origin,
			subjects: ['orders.>'],
			serverVersion: '2.15.3',
			newName: undefined,
			now,
		});
		assert.equal(plan.method, 'promote');
		assert.equal(plan.target, 'ORDERS_WEST');
		assert.deepEqual(
			plan.steps.map(step => step.do),
			['delete-origin', 'promote'],
		);
		assert.equal(plan.config['mirror'], undefined);
		assert.deepEqual(plan.config['subjects'], ['orders.>']);
		assert.equal(plan.config['num_replicas'], 3);
		assert.equal(plan.steps[0]!.nats, 'nats stream rm ORDERS -f');
		assert.match(
			plan.notes[0]!,
			/RPO: ORDERS_WEST is 12 message\(s\) behind as last known, last heard from ORDERS 4 s ago; messages ORDERS stored after 2026-11-30T11:59:50Z \(10 s ago\) are not in it/,
		);
		assert.match(plan.notes[1]!, /no copy, seconds; ORDERS_WEST keeps its 500 messages and their sequence numbers/);
		assert.match(plan.notes[3]!, /deleted from the meta group; when its servers return they drop their copy/);
	});

	test('copy where the server refuses mirror edits: a new name, sourcing the mirror in its cluster, then standing alone', () => {
		const plan = planFailover({
			mirror: mirror(),
			origin,
			subjects: ['orders.>'],
			serverVersion: '2.9.10',
			newName: undefined,
			now,
		});
		assert.equal(plan.method, 'copy');
		assert.equal(plan.target, 'ORDERS_WEST_PROMOTED');
		assert.deepEqual(
			plan.steps.map(step => step.do),
			['delete-origin', 'create-copy', 'drop-source'],
		);
		assert.deepEqual(plan.config, {
			name: 'ORDERS_WEST_PROMOTED',
			subjects: ['orders.>'],
			storage: 'file',
			num_replicas: 3,
			placement: {cluster: 'west'},
			sources: [{name: 'ORDERS_WEST'}],
		});
		assert.match(
			plan.notes[1]!,
			/copies all 500 messages .* twice the storage .* new sequence numbers, and a new name/,
		);
		assert.equal(
			planFailover({mirror: mirror(), origin, subjects: ['orders.>'], serverVersion: '2.9.10', newName: 'ORDERS2', now})
				.target,
			'ORDERS2',
		);
	});

	test('across domains the origin is out of reach: nothing is deleted, and its return is a warning', () => {
		const plan = planFailover({
			mirror: mirror('hub'),
			origin: undefined,
			subjects: ['orders.>'],
			serverVersion: '2.15.3',
			newName: undefined,
			now,
		});
		assert.deepEqual(
			plan.steps.map(step => step.do),
			['promote'],
		);
		assert.match(
			plan.notes[3]!,
			/lives in domain hub, out of reach; if that domain returns, ORDERS serves orders\.> there too/,
		);
	});

	test("protect's record keeps the subjects; other descriptions are not read as one", () => {
		assert.deepEqual(subjectsFromRecord(mirrorRecord('ORDERS', ['orders.>', 'returns.*'])), ['orders.>', 'returns.*']);
		assert.equal(subjectsFromRecord('orders mirror; subjects: x'), undefined);
		assert.equal(subjectsFromRecord(undefined), undefined);
	});
});
