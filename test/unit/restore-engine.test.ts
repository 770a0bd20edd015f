import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, test} from 'node:test';
import {ErrorCode} from 'nats';
import {maskedCrc32c} from '../../source/core/archive/crc32c.js';
import {encodeJson, requestError, type JsApi} from '../../source/core/jsapi.js';
import type {StreamInfoReply} from '../../source/core/diagnosis/streams.js';
import {peekArchive} from '../../source/core/restore/archive-peek.js';
import {settleState, waitSettled} from '../../source/core/restore/settle.js';
import {describeTargetState} from '../../source/core/restore/target-state.js';
import {chunkReplyProblem} from '../../source/core/restore/upload.js';
import {fixtureBackups} from '../helpers/fixtures.js';
import {s2Stream} from '../helpers/s2-stream.js';

const fixtures = fixtureBackups;
const scratch = mkdtempSync(join(tmpdir(), 'nats-dr-restore-unit-'));
after(() => {
	rmSync(scratch, {recursive: true, force: true});
});

function scratchFile(name: string, data: Uint8Array): string {
	const path = join(scratch, name);
	writeFileSync(path, data);
	return path;
}

test("peekArchive reads the format and meta.inf's stream name from the start of each fixture", async () => {
	for (const [dir, stream] of [
		['RANDOM', 'RANDOM'],
		['EVENTS-R3', 'EVENTS'],
		['account/ORDERS', 'ORDERS'],
		['account/AUDIT', 'AUDIT'],
	]) {
		assert.deepEqual(await peekArchive(fileURLToPath(new URL(`${dir}/stream.tar.s2`, fixtures))), {
			format: 'tar',
			streamName: stream,
		});
	}
});

test('peekArchive spots NATSARC1, also when the magic straddles two chunks', async () => {
	const payload = Buffer.concat([Buffer.from('NATSARC1'), Buffer.alloc(100, 7)]);
	assert.deepEqual(await peekArchive(scratchFile('v2.s2', s2Stream(payload))), {format: 'natsarc1'});
	const split = Buffer.concat([
		Buffer.from([0xff, 6, 0, 0]),
		Buffer.from('S2sTwO'),
		...[payload.subarray(0, 3), payload.subarray(3)].map(data => {
			const header = Buffer.alloc(8);
			header.writeUInt8(0x01, 0);
			header.writeUIntLE(data.length + 4, 1, 3);
			header.writeUInt32LE(maskedCrc32c(data), 4);
			return Buffer.concat([header, data]);
		}),
	]);
	assert.deepEqual(await peekArchive(scratchFile('v2-split.s2', split)), {format: 'natsarc1'});
});

test('peekArchive says unknown for a file that is not an S2 stream, and reads no further than it needs', async () => {
	assert.deepEqual(await peekArchive(scratchFile('junk.s2', Buffer.from('not an archive at all'))), {
		format: 'unknown',
	});
	// A corruption late in the file does not matter: meta.inf comes first.
	const archive = Buffer.from(readFileSync(new URL('RANDOM/stream.tar.s2', fixtures)));
	archive[2_000_000]! ^= 0xff;
	assert.deepEqual(await peekArchive(scratchFile('late-corruption.s2', archive)), {
		format: 'tar',
		streamName: 'RANDOM',
	});
});

test('chunkReplyProblem reads replies as jsm.go does: empty is fine, -ERR and JSON errors are not', () => {
	const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
	assert.equal(chunkReplyProblem(new Uint8Array()), undefined);
	assert.equal(chunkReplyProblem(encode("-ERR 'storage failure during restore'")), 'storage failure during restore');
	assert.equal(
		chunkReplyProblem(
			encode(
				'{"type":"io.nats.jetstream.api.v1.stream_create_response","error":{"code":503,"err_code":10023,"description":"insufficient resources"}}',
			),
		),
		'insufficient resources (503/10023)',
	);
	assert.equal(chunkReplyProblem(encode('{"type":"x"}')), undefined);
	assert.equal(chunkReplyProblem(encode('+OK')), undefined);
});

function info(state: {messages?: number; last_seq?: number}, cluster?: StreamInfoReply['cluster']): StreamInfoReply {
	return {config: {name: 'EVENTS', num_replicas: 3}, state, ...(cluster ? {cluster} : {})};
}

const unlimited = {lastSeq: undefined, oldestMs: undefined, limits: {}};

const current = {
	name: 'c1',
	leader: 'n1',
	replicas: [
		{name: 'n2', current: true},
		{name: 'n3', current: true},
	],
};

test("replicas reported current are held to the leader's messages when their servers' JSZ is at hand", () => {
	const expected = {...unlimited, messages: 2000, consumers: [], replicas: 3};
	// What nats-server 2.15.3 reports for a moment right after a restore: current, lag 0, yet empty.
	const stream = info({messages: 2000, last_seq: 2000}, current);
	const empty = settleState(stream, [], expected, Date.now(), [
		{server: 'n1', messages: 2000, lastSeq: 2000},
		{server: 'n2', messages: 0, lastSeq: 0},
	]);
	assert.equal(empty.done, false);
	assert.deepEqual(empty.waitingFor, [
		'replica n2 to hold the data (0 of 2000 messages)',
		'replica n3 to hold the data (not reported yet)',
	]);
	const held = settleState(stream, [], expected, Date.now(), [
		{server: 'n2', messages: 2000, lastSeq: 2000},
		{server: 'n3', messages: 2000, lastSeq: 2000},
	]);
	assert.equal(held.done, true, held.waitingFor.join('; '));
	const besideAnEmptyOne = settleState(stream, [], expected, Date.now(), [
		{server: 'n2', messages: 2000, lastSeq: 2000},
		{server: 'n3', messages: 0, lastSeq: 0},
		{server: 'n3', messages: 2000, lastSeq: 2000},
	]);
	assert.equal(besideAnEmptyOne.done, true, besideAnEmptyOne.waitingFor.join('; '));
});

test('settleState is done only with the messages, every archived consumer and current replicas', () => {
	const expected = {...unlimited, messages: 2000, consumers: ['MONITOR', 'PROCESSOR'], replicas: 3};
	assert.deepEqual(settleState(info({messages: 2000}, current), ['MONITOR', 'PROCESSOR'], expected), {
		done: true,
		waitingFor: [],
		softWaitingFor: [],
	});
	assert.deepEqual(
		settleState(info({messages: 2001}, current), ['MONITOR', 'PROCESSOR', 'OTHER'], expected).done,
		true,
	);
	const early = settleState(
		info({messages: 1500}, {name: 'c1', leader: 'n1', replicas: [{name: 'n2', current: false, lag: 1999}]}),
		['MONITOR'],
		expected,
	);
	assert.deepEqual(early.waitingFor, [
		'2000 messages (has 1500)',
		'consumer PROCESSOR',
		'replica n2 (lag 1999) to be current',
		'1 more replica to be placed',
	]);
	assert.equal(early.done, false);
	assert.deepEqual(settleState(info({messages: 2000}, {name: 'c1'}), ['MONITOR', 'PROCESSOR'], expected).waitingFor, [
		'a stream leader',
		'2 more replicas to be placed',
	]);
	assert.equal(
		settleState(info({}), [], {...unlimited, messages: undefined, consumers: undefined, replicas: 1}).done,
		true,
	);
});

test("settleState: backup.json's consumer count is waited for only softly, since a snapshot may hold fewer", () => {
	const state = settleState(info({messages: 2000}), ['A'], {
		...unlimited,
		messages: 2000,
		consumers: {count: 2},
		replicas: 1,
	});
	assert.equal(state.done, true);
	assert.deepEqual(state.softWaitingFor, ['2 consumers as backup.json counts them (has 1)']);
});

test("settleState: messages the stream's own limits removed are counted and explained, once the archive is loaded", () => {
	const now = Date.parse('2026-11-30T12:00:00Z');
	const expected = {
		messages: 100,
		lastSeq: 100,
		oldestMs: now - 60_000,
		limits: {maxAgeMs: 8000, maxMsgs: 40},
		consumers: [],
		replicas: 1,
	};
	const aged = settleState(info({messages: 0, last_seq: 100}), [], expected, now);
	assert.deepEqual(aged, {
		done: true,
		waitingFor: [],
		softWaitingFor: [],
		removedByLimits: {
			messages: 100,
			limits: ['max_age 8s'],
			words:
				"100 of the backup's messages were removed by the stream's own limits (max_age 8s), as the server does with any message past them",
		},
	});
	// Trimmed to max_msgs: that limit is named too.
	assert.deepEqual(settleState(info({messages: 40, last_seq: 100}), [], expected, now).removedByLimits?.limits, [
		'max_age 8s',
		'max_msgs 40',
	]);
	// Not loaded up to the backup's last sequence yet: the shortfall is not the limits' doing.
	assert.deepEqual(settleState(info({messages: 40, last_seq: 60}), [], expected, now).waitingFor, [
		'100 messages (has 40)',
	]);
	// Without limits a shortfall is always waited for.
	assert.deepEqual(settleState(info({messages: 40, last_seq: 100}), [], {...expected, limits: {}}, now).waitingFor, [
		'100 messages (has 40)',
	]);
	// The backup's oldest message is younger than max_age, and the stream is below max_msgs: no limit explains the 70 missing.
	const young = {...expected, oldestMs: now - 1000};
	assert.deepEqual(settleState(info({messages: 30, last_seq: 100}), [], young, now).waitingFor, [
		'100 messages (has 30)',
	]);
});

test('describeTargetState says what the target holds for each stage', () => {
	assert.match(
		describeTargetState('X', 'upload', {kind: 'absent'}, true).words,
		/^no stream was created \(the server drops what it received 5 s after the last chunk\)$/,
	);
	assert.equal(describeTargetState('X', 'server', {kind: 'absent'}, false).words, 'no stream was created');
	const goesOn = describeTargetState('X', 'server', {kind: 'absent'}, true);
	assert.match(goesOn.words, /goes on restoring it without this client/);
	assert.match(goesOn.hint!, /nats stream info X/);
	assert.match(
		describeTargetState('X', 'server', {kind: 'exists', messages: 7}, true).words,
		/exists now with 7 messages/,
	);
	const partial = describeTargetState('X', 'upload', {kind: 'exists', messages: 0}, false);
	assert.match(partial.words, /may be partial/);
	assert.match(partial.hint!, /nats stream rm X/);
	assert.match(describeTargetState('X', 'upload', {kind: 'reserved'}, true).words, /still holds the name X/);
	assert.match(
		describeTargetState('X', 'upload', {kind: 'unknown', reason: 'no reply'}, false).words,
		/could not check whether stream X was created \(no reply\)/,
	);
});

test('requestError: no responders on the API is JetStream missing only if it never answered; other $JS. subjects are not the API', () => {
	const noResponders = Object.assign(new Error('503'), {code: ErrorCode.NoResponders});
	assert.match(
		requestError(noResponders, '$JS.API.STREAM.INFO.X', 1000).message,
		/^JetStream is not enabled for this account/,
	);
	assert.match(
		requestError(noResponders, '$JS.hub.API.INFO', 1000).message,
		/^JetStream is not enabled for this account/,
	);
	assert.match(
		requestError(noResponders, '$JS.API.STREAM.INFO.X', 1000, true).message,
		/^JetStream stopped answering: nothing answers \$JS\.API\.STREAM\.INFO\.X, though the JetStream API answered moments ago$/,
	);
	assert.equal(
		requestError(noResponders, '$JS.SNAPSHOT.RESTORE.X.abc', 1000).message,
		'nothing answers $JS.SNAPSHOT.RESTORE.X.abc',
	);
});

test('the settle wait lists consumers only when the archive or backup.json holds some', async () => {
	const asked: string[] = [];
	const replies: Record<string, unknown> = {
		'$JS.API.STREAM.INFO.EVENTS': {config: {name: 'EVENTS', num_replicas: 1}, state: {messages: 10, last_seq: 10}},
		'$JS.API.CONSUMER.LIST.EVENTS': {total: 1, consumers: [{name: 'C1'}]},
	};
	const nc = {
		async request(subject: string) {
			asked.push(subject.replace('$JS.API.', '').replace('.EVENTS', ''));
			return {data: encodeJson(replies[subject])};
		},
	};
	const js = {nc, prefix: '$JS.API', timeoutMs: 1000} as unknown as JsApi;
	const settle = async (consumers: string[] | {count: number} | undefined) => {
		asked.length = 0;
		const settled = await waitSettled(
			js,
			'EVENTS',
			{...unlimited, messages: 10, consumers, replicas: 1},
			{timeoutMs: 1000},
		);
		return {done: settled.state.done, consumers: settled.consumers.map(consumer => consumer.name), asked: [...asked]};
	};

	assert.deepEqual(await settle([]), {done: true, consumers: [], asked: ['STREAM.INFO']});
	assert.deepEqual(await settle({count: 0}), {done: true, consumers: [], asked: ['STREAM.INFO']});
	assert.deepEqual(await settle(['C1']), {done: true, consumers: ['C1'], asked: ['STREAM.INFO', 'CONSUMER.LIST']});
	assert.deepEqual(await settle(undefined), {done: true, consumers: ['C1'], asked: ['STREAM.INFO', 'CONSUMER.LIST']});
});
