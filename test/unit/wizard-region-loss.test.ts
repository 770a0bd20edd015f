/**
 * The wizard after losing a region, as plain state: what the overview offers for each lost stream and
 * says about what was done, where a restore goes, and the failover flow's transitions.
 */
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import type {AuditEntry} from '../../source/core/audit.js';
import type {Diagnosis} from '../../source/core/diagnosis/diagnose.js';
import {topologyStreamFrom, type TopologyStream} from '../../source/core/topology/streams.js';
import {assess} from '../../source/recovery/assess.js';
import {mirrorRecord, planFailover} from '../../source/recovery/failover-plan.js';
import {assessReadiness} from '../../source/recovery/readiness.js';
import {initialState, isBusy, reducer, type State} from '../../source/ui/state/machine.js';
import {menuItems} from '../../source/ui/state/menus.js';
import {survivingCluster} from '../../source/ui/state/region-menus.js';
import {open} from '../../source/ui/state/screen.js';
import {splitInput} from '../../source/ui/input/keys.js';
import type {DiagnosisResult} from '../../source/ui/services.js';
import {noInventory, peer, serversView, streamView} from '../helpers/diagnosis-fixture.js';

const now = Date.parse('2026-11-30T12:00:00Z');

function lost(name: string): TopologyStream {
	return {
		...topologyStreamFrom({config: {name, placement: {cluster: 'east'}, subjects: [`${name}.>`]}}, undefined),
		status: 'unreachable',
	};
}

const mirror = topologyStreamFrom(
	{
		config: {
			name: 'ORDERS_WEST',
			num_replicas: 1,
			placement: {cluster: 'west'},
			mirror: {name: 'ORDERS'},
			description: mirrorRecord('ORDERS', ['ORDERS.>']),
		},
		state: {messages: 2000, bytes: 9000, last_seq: 2000, last_ts: '2026-11-30T11:59:50Z'},
		cluster: {name: 'west', leader: 'west-1'},
		mirror: {name: 'ORDERS', lag: 0, active: 4e9},
	},
	undefined,
);

function regionLossDiagnosis(): DiagnosisResult {
	const servers = serversView([]);
	servers.servers = [
		{...servers.servers[0]!, name: 'east-1', cluster: 'east', answering: false, id: undefined, metaLeader: false},
		{...servers.servers[1]!, name: 'central-1', cluster: 'central', metaLeader: false},
		{...servers.servers[2]!, name: 'west-1', cluster: 'west', metaLeader: true},
	];
	const streams = [streamView('ORDERS_WEST', 1, [peer('west-1', {leader: true})], {cluster: 'west'})];
	const diagnosis: Diagnosis = {
		time: '2026-11-30T12:00:00.000Z',
		servers: {ok: true, value: {...servers, metaLeader: 'west-1', metaClusterSize: 3, expected: 3, answered: 2}},
		streams: {ok: true, value: {streams, total: 1, missing: [], elapsedMs: 100}},
		hosting: new Map(),
		election: undefined,
		inventory: noInventory,
		elapsedMs: 400,
	};
	const readiness = assessReadiness({
		streams: [lost('ORDERS'), lost('INVOICES'), lost('AUDIT'), mirror],
		servers: servers.servers.map(server => ({...server, jetstream: true})),
		metaClusterSize: 3,
		backups: [
			{
				dir: '/b/INVOICES',
				stream: 'INVOICES',
				archiveBytes: 1000,
				messages: 500,
				created: '2026-11-30T11:00:00Z',
				verified: true,
				problem: undefined,
			},
		],
		now,
		maxRpoMs: undefined,
		downRegions: ['east'],
	});
	return {
		diagnosis,
		assessment: assess(diagnosis),
		regionLoss: {down: ['east'], streams: readiness.streams.filter(stream => !stream.answering)},
	};
}

const ready: State = {...initialState, diagnosis: {kind: 'ready', result: regionLossDiagnosis()}};

function entry(action: AuditEntry['action'], subject: string, detail: string, parameters = {}): AuditEntry {
	return {
		action,
		subject,
		result: 'ok',
		detail,
		parameters,
		time: '2026-11-30T12:01:00Z',
		operator: 'op',
		target: {servers: 'nats://127.0.0.1:4222'},
	};
}

describe('the overview after a region loss', () => {
	test('offers the failover first, then the restore into the cluster that serves the streams, then names the lost one', () => {
		const labels = menuItems(ready).map(item => item.label);
		assert.deepEqual(labels.slice(0, 3), [
			'Fail over ORDERS to its mirror ORDERS_WEST in west',
			'Restore INVOICES from its backup (60 min old) into west',
			'Lost: AUDIT — no mirror, no backup outside east',
		]);
		assert.ok(labels.includes('DR readiness: what losing a region would cost (RPO per stream)'));
		assert.equal(survivingCluster(regionLossDiagnosis()), 'west');
	});

	test('the failover opens its plan, the restore opens the restore checks with the surviving cluster set', () => {
		const [failover, restore] = menuItems(ready);
		const planned = reducer(ready, failover!.action);
		assert.equal(planned.screen.kind, 'failover-plan');
		assert.equal(planned.screen.kind === 'failover-plan' && planned.screen.mirror, 'ORDERS_WEST');
		const checks = reducer(ready, restore!.action);
		assert.equal(checks.screen.kind, 'restore-plan');
		assert.deepEqual(checks.screen.kind === 'restore-plan' && checks.screen.overrides, {cluster: 'west'});
	});

	test('what was done in this session is said first, as statements, and not offered again while the diagnosis catches up', () => {
		const done = {
			...ready,
			done: [
				entry('failover', 'ORDERS_WEST', 'ORDERS_WEST serves ORDERS.> in place of ORDERS (promote)'),
				entry('restore', 'INVOICES', 'restored 500 messages', {dir: '/b/INVOICES', cluster: 'west'}),
			],
		};
		assert.deepEqual(
			menuItems(done)
				.slice(0, 2)
				.map(item => item.label),
			[
				'Failed over: ORDERS_WEST serves ORDERS.> in place of ORDERS (promote)',
				'Restored: INVOICES from its backup into west',
			],
		);
		assert.deepEqual(
			menuItems(done)
				.filter(item => /^(Fail over|Restore INVOICES|Lost)/.test(item.label))
				.map(item => item.label),
			['Lost: AUDIT — no mirror, no backup outside east'],
		);
	});
});

describe('the readiness screen', () => {
	const promoted = topologyStreamFrom(
		{
			config: {name: 'ORDERS_WEST', num_replicas: 1, placement: {cluster: 'west'}, subjects: ['ORDERS.>']},
			state: {messages: 2000, bytes: 9000},
			cluster: {name: 'west', leader: 'west-1'},
		},
		undefined,
	);
	const view = {
		time: '2026-11-30T12:00:00.000Z',
		servers: {ok: false as const, reason: 'not asked'},
		clusters: [
			{name: 'central', servers: ['central-1'], answering: 1, down: false},
			{name: 'east', servers: ['east-1'], answering: 0, down: true},
			{name: 'west', servers: ['west-1'], answering: 1, down: false},
		],
		domains: [{domain: undefined, api: '$JS.API', streams: [promoted, lost('AUDIT')], problem: undefined}],
	};
	const readiness = assessReadiness({
		streams: [promoted, lost('AUDIT')],
		servers: undefined,
		metaClusterSize: undefined,
		backups: [],
		now,
		maxRpoMs: undefined,
		downRegions: ['east'],
	});
	const screen = reducer(
		reducer(ready, {type: 'go', screen: open({kind: 'readiness', report: undefined, problem: undefined})}),
		{type: 'readiness-loaded', report: {view, readiness}},
	);

	test('lists the clusters, each stream with its RPO and sentence, the account, and offers to protect an unprotected stream into each other live cluster', () => {
		const labels = menuItems(screen).map(item => item.label);
		assert.ok(labels.includes('Cluster east: east-1 (not answering) — the whole cluster is not answering'));
		assert.ok(labels.includes('ORDERS_WEST: west, R1 on west-1 · unprotected · RPO all data'));
		assert.ok(
			labels.some(label => label.startsWith('Account: 2 stream(s) to protect, 0 protected')),
			labels.join('\n'),
		);
		assert.deepEqual(
			labels.filter(label => label.includes('→ Protect')),
			['  → Protect ORDERS_WEST: mirror it into central'],
		);
		assert.equal(labels.at(-1), 'Back to the overview');
	});

	test('protect: the plan, the stream name typed, then it runs', () => {
		const item = menuItems(screen).find(candidate => candidate.label.includes('→ Protect'))!;
		const planning = reducer(screen, item.action);
		assert.equal(planning.screen.kind, 'protect-plan');
		const plan = {
			stream: 'ORDERS_WEST',
			mirror: 'ORDERS_WEST_CENTRAL',
			replicas: 1,
			where: 'cluster central',
			originMessages: 2000,
			originRegion: 'west',
			subjects: ['ORDERS.>'],
			config: {name: 'ORDERS_WEST_CENTRAL'},
			nats: 'nats stream add ORDERS_WEST_CENTRAL --config mirror.json',
			target: {kind: 'domain' as const, name: 'central', api: undefined as never, originDomain: 'x'},
		};
		const planned = reducer(planning, {type: 'protect-planned', stream: 'ORDERS_WEST', to: 'central', plan});
		const [create] = menuItems(planned);
		assert.equal(create!.label, 'Create the mirror ORDERS_WEST_CENTRAL in cluster central (you will type ORDERS_WEST)');
		const confirm = reducer(planned, create!.action);
		const running = reducer(confirm, {type: 'keys', presses: [...splitInput('ORDERS_WEST'), ...splitInput('\r')]});
		assert.equal(running.screen.kind, 'protect-run');
		assert.ok(isBusy(running.screen));
	});
});

describe('the failover flow', () => {
	const plan = planFailover({
		mirror,
		origin: lost('ORDERS'),
		subjects: ['ORDERS.>'],
		serverVersion: '2.15.3',
		newName: undefined,
		now,
	});
	const confirm = reducer(ready, {type: 'go', screen: open({kind: 'failover-confirm', plan})});

	test('the plan lists the action first, then its steps, notes and nats commands', () => {
		const screen = reducer(ready, {
			type: 'go',
			screen: open({kind: 'failover-plan', mirror: 'ORDERS_WEST', plan: undefined, problem: undefined}),
		});
		const planned = reducer(screen, {type: 'failover-planned', mirror: 'ORDERS_WEST', plan});
		const labels = menuItems(planned).map(item => item.label);
		assert.equal(labels[0], 'Fail over ORDERS to ORDERS_WEST (you will type ORDERS_WEST)');
		assert.ok(labels.some(label => label.startsWith('RPO: ORDERS_WEST is 0 message(s) behind')));
		assert.ok(labels.includes('  nats stream rm ORDERS -f'));
	});

	test('the typed name must be the mirror; then it runs, and cannot be left while it does', () => {
		const wrong = reducer(confirm, {type: 'keys', presses: [...splitInput('ORDERS'), ...splitInput('\r')]});
		assert.equal(wrong.screen.kind, 'failover-confirm');
		assert.equal(wrong.screen.ui.error, 'Value must be exactly ORDERS_WEST');
		const running = reducer(confirm, {type: 'keys', presses: [...splitInput('ORDERS_WEST'), ...splitInput('\r')]});
		assert.equal(running.screen.kind, 'failover-run');
		assert.ok(isBusy(running.screen));
		assert.equal(reducer(running, {type: 'back'}).screen.kind, 'failover-run');
		const stepping = reducer(running, {
			type: 'failover-event',
			event: {type: 'step', index: 0, words: 'delete ORDERS from the meta group'},
		});
		assert.equal(
			stepping.screen.kind === 'failover-run' && stepping.screen.doing,
			'step 1: delete ORDERS from the meta group',
		);
		const failed = reducer(stepping, {type: 'failover-failed', message: 'no leader'});
		assert.equal(failed.screen.kind === 'failover-run' && failed.screen.phase, 'failed');
		assert.equal(reducer(failed, {type: 'back'}).screen.kind, 'overview');
	});
});
