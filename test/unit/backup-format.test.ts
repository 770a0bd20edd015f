import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {describe, test} from 'node:test';
import {healthCheckLine, goDuration, receivedLine, startLine} from '../../source/cli/commands/backup-lines.js';
import {backupJsonText, indentJson, rawMembers} from '../../source/core/backup/raw-json.js';
import {
	snapshotPausesEviction,
	snapshotsMemoryStreams,
	snapshotWaitsForAcks,
} from '../../source/core/backup/server-version.js';
import {parseReply} from '../../source/core/backup/snapshot.js';
import {parseSize} from '../../source/core/backup/size.js';
import {DrError, JsApiError, UsageError} from '../../source/core/errors.js';
import {fixtureBackups} from '../helpers/fixtures.js';

const fixture = (dir: string): string => readFileSync(new URL(`${dir}/backup.json`, fixtureBackups), 'utf8');

describe('backup.json from the raw reply', () => {
	test("rawMembers keeps each member's exact text: escapes, big integers, nesting", () => {
		const text =
			'{"type":"x","config":{"name":"A","subjects":["A.\\u003e"],"n":{"deep":[1,{"}":"]"}]}},"state":{"bytes":9007199254740993},"s":"q\\"}"}';
		const members = rawMembers(text);
		assert.deepEqual([...members.keys()], ['type', 'config', 'state', 's']);
		assert.equal(members.get('config'), '{"name":"A","subjects":["A.\\u003e"],"n":{"deep":[1,{"}":"]"}]}}');
		assert.equal(members.get('state'), '{"bytes":9007199254740993}');
		assert.equal(members.get('s'), '"q\\"}"');
		assert.throws(() => rawMembers('[1]'), SyntaxError);
		assert.throws(() => rawMembers('{"a":'), SyntaxError);
	});

	test("indentJson is Go's json.Indent: like JSON.stringify(…, 2) for plain values, empty {} and [] kept", () => {
		const value = {a: [1, 'x', {b: null, c: true}], d: {}, e: [], f: {g: -1500}};
		assert.equal(indentJson(JSON.stringify(value), '', '  '), JSON.stringify(value, null, 2));
		assert.equal(
			indentJson('{"g":-1.5e3}', '  ', '  '),
			'{\n    "g": -1.5e3\n  }',
			'numbers as written, with the prefix',
		);
		assert.equal(indentJson('{ "a" : [ ] , "b":"x y\\n" }', '', '  '), '{\n  "a": [],\n  "b": "x y\\n"\n}');
	});

	test('the natscli fixtures are reproduced byte for byte from their own config and state', () => {
		for (const dir of ['RANDOM', 'EVENTS-R3', 'account/ORDERS']) {
			const text = fixture(dir);
			const members = rawMembers(text);
			assert.equal(backupJsonText(members.get('config')!, members.get('state')!), text, dir);
		}
	});
});

describe("natscli's strings", () => {
	test('start, health-check and end lines, the end with its trailing space', () => {
		assert.equal(startLine('ORDERS', 852_443_136), 'Starting backup of Stream "ORDERS" with 813 MiB');
		assert.equal(healthCheckLine, 'Health Check was requested, this can take a long time without progress reports');
		assert.equal(
			receivedLine('ORDERS', {
				compressedBytes: 13 * 1024 * 1024,
				uncompressedBytes: 852_443_136,
				chunks: 3368,
				ms: 1223.4,
			}),
			'Received 13 MiB compressed data in 3,368 chunks for stream "ORDERS" in 1.223s, 813 MiB uncompressed ',
		);
	});

	test("durations print as Go's time.Duration rounded to milliseconds", () => {
		const cases: Array<[number, string]> = [
			[0, '0s'],
			[0.4, '0s'],
			[7, '7ms'],
			[999.6, '1s'],
			[1223.4, '1.223s'],
			[1200, '1.2s'],
			[2000, '2s'],
			[60_000, '1m0s'],
			[61_500, '1m1.5s'],
			[3_600_000, '1h0m0s'],
			[3_723_004, '1h2m3.004s'],
		];
		for (const [ms, text] of cases) assert.equal(goDuration(ms), text, String(ms));
	});
});

test('sizes: bytes, KiB and MiB, K/KB/M/MB as binary too; anything else is a usage error', () => {
	assert.equal(parseSize('131072', '--chunk-size'), 131_072);
	assert.equal(parseSize('128KiB', '--chunk-size'), 131_072);
	assert.equal(parseSize('128 kb', '--chunk-size'), 131_072);
	assert.equal(parseSize('1MiB', '--chunk-size'), 1_048_576);
	assert.equal(parseSize('0.5M', '--chunk-size'), 524_288);
	assert.equal(parseSize('512B', '--chunk-size'), 512);
	for (const bad of ['', 'lots', '1GiB', '-1', '12 parsecs']) {
		assert.throws(
			() => parseSize(bad, '--chunk-size'),
			(error: unknown) => error instanceof UsageError && /--chunk-size ".*" is not a size/.test(error.message),
			bad,
		);
	}
});

test('servers before 2.14 pause eviction during a snapshot', () => {
	for (const version of ['2.9.10', '2.10.29', 'v2.12.4']) assert.equal(snapshotPausesEviction(version), true, version);
	for (const version of ['2.14.0', '2.15.0-dev', undefined, 'garbage'])
		assert.equal(snapshotPausesEviction(version), false, String(version));
});

test('servers from 2.15 snapshot memory-storage streams; older ones cannot', () => {
	for (const version of ['2.15.3', 'v2.15.0', '3.0.0']) assert.equal(snapshotsMemoryStreams(version), true, version);
	for (const version of ['2.9.10', '2.14.10', undefined, 'garbage'])
		assert.equal(snapshotsMemoryStreams(version), false, String(version));
});

test('servers from 2.10.12 on wait for snapshot acks; older ones, and unknown ones, are taken not to', () => {
	for (const version of ['2.10.12', 'v2.10.29', '2.11.0', '2.15.3', '3.0.0'])
		assert.equal(snapshotWaitsForAcks(version), true, version);
	for (const version of ['2.9.10', '2.10.11', '2.10', undefined, 'garbage'])
		assert.equal(snapshotWaitsForAcks(version), false, String(version));
});

test("snapshot replies: raw config and state kept, errors with the server's codes and a hint where one helps", () => {
	const reply = parseReply(
		'{"type":"io.nats.jetstream.api.v1.stream_snapshot_response","config":{"name":"A","max_age":0},"state":{"messages":2,"bytes":9007199254740993}}',
		'S',
	);
	assert.equal(reply.rawConfig, '{"name":"A","max_age":0}');
	assert.equal(reply.rawState, '{"messages":2,"bytes":9007199254740993}');
	assert.equal(reply.state.messages, 2);
	assert.throws(
		() =>
			parseReply(
				'{"error":{"code":500,"err_code":10064,"description":"snapshot failed: snapshot in progress"}}',
				'$JS.API.STREAM.SNAPSHOT.A',
			),
		(error: unknown) =>
			error instanceof JsApiError &&
			error.errCode === 10064 &&
			/another backup of this stream is running/.test(error.hint ?? ''),
	);
	assert.throws(
		() => parseReply('{"error":{"code":404,"err_code":10059,"description":"stream not found"}}', 'S'),
		(error: unknown) => error instanceof JsApiError && error.hint === undefined,
	);
	assert.throws(
		() => parseReply('not json', 'S'),
		(error: unknown) => error instanceof DrError && /not a JSON object/.test(error.message),
	);
	assert.throws(
		() => parseReply('{"type":"x"}', 'S'),
		(error: unknown) => error instanceof DrError && /no stream config and state/.test(error.message),
	);
});
