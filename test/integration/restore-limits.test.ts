/**
 * Restores of streams whose own limits remove messages as soon as they are restored: the server
 * expires what is past max_age and trims to max_msgs, so the stream holds fewer messages than
 * backup.json counts. That is a complete restore, reported with how many went and why, not a
 * two-minute wait for messages that can never come back.
 */
import assert from 'node:assert/strict';
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, test} from 'node:test';
import type {NatsConnection} from 'nats';
import {parseJson, runCli} from '../helpers/cli.js';
import {TestCluster, waitFor} from '../helpers/nats-server.js';
import {fixturePath} from '../helpers/fixtures.js';
import {addStream, appConnection, cliConnection} from '../helpers/streams.js';

const seconds = (s: number): number => s * 1e9;

describe('restore of a stream whose limits remove messages', () => {
	let cluster: TestCluster;
	let nc: NatsConnection;
	const scratch = mkdtempSync(join(tmpdir(), 'nats-dr-restore-limits-'));
	const cli = async (args: string[]) =>
		runCli([...args, '--audit-log', join(scratch, 'audit.log'), ...cliConnection(cluster)], {timeoutMs: 90_000});
	const messages = async (stream: string): Promise<number> =>
		(await (await nc.jetstreamManager()).streams.info(stream)).state.messages;

	before(async () => {
		cluster = await TestCluster.start();
		nc = await appConnection(cluster);
	});
	after(async () => {
		await nc?.close();
		await cluster?.stopAll();
		rmSync(scratch, {recursive: true, force: true});
	});

	test('max_age: every message aged out by the time of the restore, and the restore succeeds saying so', async () => {
		await addStream(nc, {name: 'AGED', max_age: seconds(8)}, 100);
		const dir = join(scratch, 'AGED');
		const backup = await cli(['backup', 'AGED', dir]);
		assert.equal(backup.code, 0, backup.stderr);
		await waitFor(async () => (await messages('AGED')) === 0, {timeoutMs: 60_000, what: 'the messages to age out'});
		await (await nc.jetstreamManager()).streams.delete('AGED');
		// A settle timeout far below the age: a restore that waited for the 100 messages would fail.
		const result = await cli(['restore', dir, '--yes', '--settle-timeout', '5s', '--json']);
		assert.equal(result.code, 0, result.stdout + result.stderr);
		const json = parseJson(result);
		assert.equal(json.ok, true);
		const [stream] = json.streams;
		assert.equal(stream.last_seq, 100);
		// Up to 2.14 the restored stream expires at once; 2.15 restores all 100 and expires them a moment later.
		assert.equal(stream.messages + (stream.removed_by_limits?.messages ?? 0), 100, JSON.stringify(stream));
		if (stream.messages < 100)
			assert.deepEqual(
				{...stream.removed_by_limits, words: undefined},
				{messages: 100 - stream.messages, limits: ['max_age 8s'], words: undefined},
			);
		await (await nc.jetstreamManager()).streams.delete('AGED');
		const plain = await cli(['restore', dir, '--yes', '--settle-timeout', '5s']);
		assert.equal(plain.code, 0, plain.stdout + plain.stderr);
		const restored = Number(/Messages: (\d+)/.exec(plain.stdout)?.[1]);
		if (restored < 100) {
			assert.match(
				plain.stdout,
				new RegExp(
					`${100 - restored} of the backup's messages were removed by the stream's own limits \\(max_age 8s\\)`,
				),
			);
			const audit = readFileSync(join(scratch, 'audit.log'), 'utf8')
				.trim()
				.split('\n')
				.map(line => JSON.parse(line) as {result: string; detail: string});
			assert.equal(audit.at(-1)!.result, 'ok');
			assert.match(audit.at(-1)!.detail, /of the backup's messages were removed by the stream's own limits/);
		}
	});

	/** Backs up 100 messages on 7 subjects, tightens one limit in backup.json, and restores. */
	const restoreTightened = async (name: string, limit: string, value: number): Promise<any> => {
		await addStream(nc, {name}, 100);
		const dir = join(scratch, name);
		const backup = await cli(['backup', name, dir]);
		assert.equal(backup.code, 0, backup.stderr);
		await (await nc.jetstreamManager()).streams.delete(name);
		const backupJson = join(dir, 'backup.json');
		writeFileSync(
			backupJson,
			readFileSync(backupJson, 'utf8').replace(new RegExp(`"${limit}": ?-1`), `"${limit}": ${value}`),
		);
		const result = await cli(['restore', dir, '--yes', '--settle-timeout', '5s', '--json']);
		assert.equal(result.code, 0, result.stdout + result.stderr);
		return parseJson(result).streams[0];
	};

	test('max_msgs lowered in backup.json: the server trims, and the restore reports the trimmed messages', async () => {
		const stream = await restoreTightened('TRIMMED', 'max_msgs', 40);
		assert.equal(stream.messages, 40);
		assert.deepEqual(stream.removed_by_limits, {
			messages: 60,
			limits: ['max_msgs 40'],
			words:
				"60 of the backup's messages were removed by the stream's own limits (max_msgs 40), as the server does with any message past them",
		});
	});

	test('max_msgs_per_subject lowered in backup.json: two per subject are kept, the rest reported', async () => {
		const stream = await restoreTightened('PERSUBJECT', 'max_msgs_per_subject', 2);
		assert.equal(stream.messages, 14);
		assert.deepEqual(
			{...stream.removed_by_limits, words: undefined},
			{messages: 86, limits: ['max_msgs_per_subject 2'], words: undefined},
		);
	});

	test('consumers backup.json counts beyond the archive (unverified): waited for briefly, then reported, not a failure', async () => {
		const dir = join(scratch, 'AUDIT');
		cpSync(fixturePath('account/AUDIT'), dir, {recursive: true});
		const backupJson = join(dir, 'backup.json');
		writeFileSync(backupJson, readFileSync(backupJson, 'utf8').replace(/"consumer_count": ?0/, '"consumer_count": 2'));
		const result = await cli(['restore', dir, '--no-verify', '--yes', '--settle-timeout', '60s', '--json']);
		assert.equal(result.code, 0, result.stdout + result.stderr);
		const [stream] = parseJson(result).streams;
		assert.equal(stream.messages, 1000);
		assert.deepEqual(stream.not_restored, ['2 consumers as backup.json counts them (has 0)']);
	});

	test('without limits a shortfall still fails: a restore that lost messages is not done', async () => {
		await addStream(nc, {name: 'WHOLE'}, 100);
		const dir = join(scratch, 'WHOLE');
		const backup = await cli(['backup', 'WHOLE', dir]);
		assert.equal(backup.code, 0, backup.stderr);
		await (await nc.jetstreamManager()).streams.delete('WHOLE');
		// backup.json claims more than the archive holds.
		const backupJson = join(dir, 'backup.json');
		writeFileSync(backupJson, readFileSync(backupJson, 'utf8').replace(/"messages": ?100/, '"messages": 150'));
		const result = await cli(['restore', dir, '--yes', '--settle-timeout', '2s']);
		assert.equal(result.code, 1, result.stdout + result.stderr);
		assert.match(result.stderr, /WHOLE was restored, but after 2s it still waits for 150 messages \(has 100\)/);
	});
});
