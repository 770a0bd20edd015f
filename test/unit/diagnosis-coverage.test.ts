/**
 * The pure rules around a partial picture: when to wait for an election, what the inventory keeps
 * and forgets, the verdict on a stream known only from memory, and the next steps when quorum is
 * lost, for a standalone server, and whenever something is missing.
 */
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import type {Diagnosis} from '../../source/core/diagnosis/diagnose.js';
import {awaitsElection} from '../../source/core/diagnosis/election.js';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import type {Session} from '../../source/core/connection/session.js';
import {resolveSettings} from '../../source/core/connection/settings.js';
import {
	inventoryFile,
	inventoryFromListing,
	maxInventoryStreams,
	readInventory,
	rememberedView,
	writeInventory,
	type InventoryStream,
} from '../../source/core/diagnosis/inventory.js';
import {applyInventory, inventoryKeyOf} from '../../source/core/diagnosis/inventory-use.js';
import type {ServersView} from '../../source/core/diagnosis/servers.js';
import type {StreamView} from '../../source/core/diagnosis/streams.js';
import {assess} from '../../source/recovery/assess.js';
import {nextSteps} from '../../source/recovery/next-steps.js';
import {noInventory, peer, serversView, streamView} from '../helpers/diagnosis-fixture.js';

const now = '2026-11-30T10:50:00.000Z';
const key = {cluster: 'c1', account: 'account APP'};

function record(name: string, servers: string[], extra: Partial<InventoryStream> = {}): InventoryStream {
	return {
		name,
		replicas: servers.length,
		storage: 'file',
		placement: {cluster: undefined, tags: []},
		cluster: 'c1',
		leader: servers[0],
		servers,
		messages: 240,
		bytes: 1000,
		firstSeq: 1,
		lastSeq: 240,
		seenAt: '2026-11-30T10:41:07.000Z',
		...extra,
	};
}

function diagnosisOf(servers: ServersView, streams: StreamView[], extra: Partial<Diagnosis> = {}): Diagnosis {
	return {
		time: now,
		servers: {ok: true, value: servers},
		streams: {ok: true, value: {streams, total: streams.length, missing: [], elapsedMs: 1}},
		hosting: new Map(),
		election: undefined,
		inventory: noInventory,
		elapsedMs: 1,
		...extra,
	};
}

/** Three servers of which only n1 answers: no leader, no quorum. */
function quorumLost(): ServersView {
	const view = serversView(['n2', 'n3']);
	view.servers = view.servers.filter(server => server.name !== 'n4').map(server => ({...server, metaLeader: false}));
	return {...view, metaLeader: undefined, metaPeers: undefined, metaClusterSize: 3, expected: 3, answered: 1};
}

describe('waiting for a meta election', () => {
	test('waits only without a leader and with a quorum answering', () => {
		const noLeader = {...serversView(['n4']), metaLeader: undefined};
		assert.equal(awaitsElection(noLeader), true, '3 of 4 answer');
		assert.equal(awaitsElection(serversView(['n4'])), false, 'there is a leader');
		assert.equal(awaitsElection({...serversView(['n3', 'n4']), metaLeader: undefined}), false, '2 of 4 is no quorum');
		assert.equal(
			awaitsElection({...noLeader, metaClusterSize: undefined}),
			false,
			'a standalone server has no election',
		);
	});
});

describe('the inventory', () => {
	test('a full listing replaces it: a deleted stream is forgotten, an undescribed one keeps its last details', () => {
		const previous = inventoryFromListing(key, [], [], undefined, now);
		previous.streams = [record('DELETED', ['n2']), record('PINNED', ['n2']), record('ORDERS', ['n1', 'n2', 'n3'])];
		const undescribed: StreamView = {
			...streamView('PINNED', 1, []),
			status: 'no-reply',
			replicas: undefined,
			messages: undefined,
		};
		const next = inventoryFromListing(
			key,
			[streamView('ORDERS', 3, [peer('n1', {leader: true}), peer('n3')]), undescribed],
			undefined,
			previous,
			now,
		);
		assert.deepEqual(
			next.streams.map(stream => stream.name),
			['ORDERS', 'PINNED'],
		);
		assert.deepEqual(next.streams[1], previous.streams[1], 'PINNED keeps what was seen of it, and when');
		assert.deepEqual(next.streams[0]!.servers, ['n1', 'n3']);
		assert.equal(next.streams[0]!.seenAt, now);
	});

	test('is bounded, and server-given names never become paths', () => {
		const many = Array.from({length: maxInventoryStreams + 5}, (_, i) =>
			streamView(`S${String(i).padStart(6, '0')}`, 1, [peer('n1', {leader: true})]),
		);
		const big = inventoryFromListing(key, many, undefined, undefined, now);
		assert.equal(big.streams.length, maxInventoryStreams);
		assert.equal(big.truncated, true);
		const file = inventoryFile('/state', {cluster: '../../etc', account: 'x'});
		assert.match(file, /^\/state\/inventory\/h-[0-9a-f]{16}\/[0-9a-f]{16}\.json$/);
		assert.match(inventoryFile('/state', key), /^\/state\/inventory\/c1\/[0-9a-f]{16}\.json$/);
	});
});

describe('the inventory in a diagnosis', () => {
	test('a listed stream nothing describes gets its last details; a name-only record changes nothing', async () => {
		const stateDir = await mkdtemp(path.join(tmpdir(), 'nats-dr-unit-state-'));
		try {
			const session = {
				nc: {info: {cluster: 'c1'}},
				settings: resolveSettings({server: 'nats://127.0.0.1:4222', user: 'app', password: 'pw'}, {env: {}}),
			} as unknown as Session;
			const file = inventoryFile(stateDir, inventoryKeyOf(session, 'APP'));
			const previous = inventoryFromListing(
				key,
				[],
				[{name: 'n3', cluster: 'c1'}],
				undefined,
				'2026-11-30T10:41:07.000Z',
			);
			previous.streams = [record('PINNED', ['n3']), record('NAMEONLY', [], {replicas: undefined, messages: undefined})];
			await writeInventory(file, previous);
			const undescribed = (name: string): StreamView => ({
				...streamView(name, 1, []),
				status: 'no-reply',
				error: 'no live server holds a replica',
				replicas: undefined,
			});
			const streams = {
				ok: true as const,
				value: {streams: [undescribed('NAMEONLY'), undescribed('PINNED')], total: 2, missing: [], elapsedMs: 1},
			};
			const servers = {ok: true as const, value: serversView(['n3'])};
			const applied = await applyInventory({
				session,
				account: 'APP',
				servers,
				streams,
				hosting: new Map(),
				stateDir,
				complete: true,
			});
			assert.ok(applied.streams.ok);
			const [nameOnly, pinned] = applied.streams.value.streams;
			assert.equal(nameOnly!.source, 'api');
			assert.deepEqual(pinned!.source, {inventory: '2026-11-30T10:41:07.000Z', listed: true});
			assert.deepEqual(applied.use.remembered, ['PINNED']);
			assert.equal(applied.use.recorded, true);
			assert.deepEqual(applied.servers, [{name: 'n3', cluster: 'c1'}]);
			const written = await readInventory(file);
			assert.deepEqual(
				written?.servers.map(server => server.name),
				['n1', 'n2', 'n3', 'n4'],
			);
			assert.deepEqual(
				written?.streams.find(stream => stream.name === 'PINNED'),
				JSON.parse(JSON.stringify(previous.streams[0])),
			);
		} finally {
			await rm(stateDir, {recursive: true, force: true});
		}
	});
});

describe('a stream known only from the inventory', () => {
	test('R1 last seen on a dead server: LOST?, with where, when and how much, and it needs a backup', () => {
		const view = rememberedView(record('PINNED', ['n3']), 'not held by any live server', false);
		const diagnosis = diagnosisOf(serversView(['n3']), [view], {hosting: new Map([['PINNED', []]])});
		const [verdict] = assess(diagnosis).streams;
		assert.equal(verdict!.kind, 'r1-on-dead-node');
		assert.deepEqual(verdict!.deadPeers, ['n3']);
		assert.match(
			verdict!.reason,
			/^LOST\? last seen on n3 \(R1\) at 10:41 UTC, 240 messages — not held by any live server: its data is only on n3/,
		);
	});

	test('last seen on servers that answer but no longer hold it: no verdict, and the reason says so', () => {
		const view = rememberedView(record('GONE', ['n1']), 'not held by any live server', false);
		const [verdict] = assess(diagnosisOf(serversView(['n3']), [view], {hosting: new Map([['GONE', []]])})).streams;
		assert.equal(verdict!.kind, 'unknown');
		assert.match(verdict!.reason, /although n1 answer: deleted since, or its data is gone/);
	});

	test('an older sighting gives the date too', () => {
		const view = rememberedView(record('OLD', ['n3'], {seenAt: '2026-11-28T09:05:00.000Z'}), undefined, false);
		const [verdict] = assess(diagnosisOf(serversView(['n3']), [view])).streams;
		assert.match(verdict!.reason, /at 2026-11-28 09:05 UTC/);
	});
});

/** The wizard's steps name its menu items: no command, and no flag but the credentials it must be started with. */
function assertWizardWords(steps: string[], says: RegExp): void {
	const text = steps.join('\n');
	assert.match(text, says);
	assert.doesNotMatch(text.replaceAll('(--sys-user/--sys-creds/--sys-context)', ''), /nats-dr \w|--\w|diagnose/);
}

describe('next steps', () => {
	test('quorum lost: what it means, who must come back, what still works, which backups exist', () => {
		const streams = [
			streamView('LOCAL', 1, [peer('n1', {leader: true})]),
			rememberedView(record('PINNED', ['n3']), 'not held by any live server', false),
			streamView('EVENTS', 3, [peer('n1'), peer('n2', {current: false}), peer('n3', {current: false})], {
				leader: undefined,
			}),
		];
		const diagnosis = diagnosisOf(quorumLost(), streams, {hosting: new Map([['PINNED', []]])});
		const assessment = assess(diagnosis);
		assert.equal(assessment.meta.kind, 'no-quorum');
		const steps = nextSteps(assessment, new Map([['PINNED', {dir: '/backups/PINNED'}]]));
		assert.match(
			steps[0]!,
			/^Meta quorum lost: 1 of 3 servers answer and 2 are needed\. Until quorum returns no stream or consumer can be created, deleted or restored, and no peer-remove works\.$/,
		);
		assert.equal(steps[1], 'Bring back 1 of n2, n3 (any 1 of them is enough); nothing can be repaired before that.');
		assert.match(steps[2]!, /keep serving reads and writes: LOCAL\.$/);
		assert.ok(
			steps.includes(
				'Backups exist for PINNED (/backups/PINNED): restore them only once quorum is back, and only if their servers stay lost.',
			),
			steps.join('\n'),
		);
		assert.ok(
			steps.includes('No usable backup found for EVENTS: their data comes back only with their servers.'),
			steps.join('\n'),
		);
		const without = nextSteps(assessment);
		assert.ok(
			without.some(step =>
				/Run diagnose with --backups DIR to see which backups exist for PINNED, EVENTS|EVENTS, PINNED/.test(step),
			),
			without.join('\n'),
		);
		assertWizardWords(
			nextSteps(assessment, undefined, 'wizard'),
			/Choose "Restore from a backup" to see which backups/,
		);
	});

	test('an election that never finished is said, with what to do', () => {
		const servers = {...serversView(['n4']), metaLeader: undefined, metaPeers: undefined};
		const assessment = assess(
			diagnosisOf(servers, [], {election: {waitedMs: 15_020, timeoutMs: 15_000, leader: undefined}}),
		);
		assert.match(assessment.meta.reason, /no meta leader was elected within 15 s although 3 of 4 servers answer/);
		assert.ok(nextSteps(assessment).some(step => step.includes('--election-timeout waits longer')));
		assertWizardWords(nextSteps(assessment, undefined, 'wizard'), /then choose Refresh \(the overview also refreshes/);
	});

	test('a partial list, streams without information, a missing server view: each gets a step', () => {
		const partial = diagnosisOf(
			serversView([]),
			[streamView('A', 1, [peer('n1', {leader: true})]), {...streamView('B', 1, []), status: 'error', error: 'boom'}],
			{},
		);
		if (partial.streams.ok) partial.streams.value.partial = 'the JetStream API did not answer';
		partial.servers = {ok: false, reason: 'no system account permissions', hint: undefined};
		const steps = nextSteps(assess(partial)).join('\n');
		assert.match(steps, /The server view is missing \(no system account permissions\)/);
		assert.match(steps, /The stream list is partial: the JetStream API did not answer\. Rerun diagnose/);
		assert.match(steps, /1 stream\(s\) gave no information: B/);
		assert.doesNotMatch(steps, /Nothing to do/);
	});

	test('a dead meta member that holds no stream: peer-remove it if it will not come back', () => {
		const assessment = assess(diagnosisOf(serversView(['n3']), [streamView('A', 1, [peer('n1', {leader: true})])]));
		const steps = nextSteps(assessment);
		assertWizardWords(
			nextSteps(assessment, undefined, 'wizard'),
			/peer-remove it from the meta group: choose "Automatic recovery", then n3$/,
		);
		assert.ok(
			steps.some(step => step.startsWith('n3 does not answer but holds no stream replica')),
			steps.join('\n'),
		);
	});

	test('standalone: backups are the recovery, and nothing else to do when healthy', () => {
		const single: ServersView = {
			servers: [
				{
					name: 's1',
					id: 'N1',
					cluster: undefined,
					version: '2.9.10',
					jetstream: true,
					tags: [],
					answering: true,
					metaLeader: false,
				},
			],
			metaLeader: undefined,
			metaCluster: undefined,
			metaClusterSize: undefined,
			metaPeers: undefined,
			expected: 1,
			answered: 1,
			elapsedMs: 1,
		};
		const assessment = assess(diagnosisOf(single, [streamView('A', 1, [], {cluster: undefined})]));
		assert.equal(assessment.meta.kind, 'standalone');
		const steps = nextSteps(assessment);
		assert.match(steps[0]!, /^Standalone server: .*restoring from backups.*peer-remove does not apply/);
		assert.equal(steps[1], 'Nothing else to do: the server and every stream are healthy.');
	});
});
