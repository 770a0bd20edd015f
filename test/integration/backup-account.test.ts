/**
 * `backup --all` backs up several streams at once: every stream's outcome is reported, a stream that
 * fails leaves its directory as it was, and an abort in the middle leaves each stream's directory
 * either complete and verified or without any file of this run.
 */
import assert from 'node:assert/strict';
import {mkdir, mkdtemp, readdir, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, test} from 'node:test';
import type {NatsConnection} from 'nats';
import {verifyBackupDir} from '../../source/core/archive/verify-backup.js';
import {backupAccount, defaultConcurrency, type AccountProgress} from '../../source/core/backup/backup-account.js';
import {snapshotPausesEviction} from '../../source/core/backup/server-version.js';
import {AbortedError} from '../../source/core/errors.js';
import {completeBackupFiles} from '../helpers/backup-files.js';
import {parseJson, runCli} from '../helpers/cli.js';
import {natsServerVersion, TestCluster} from '../helpers/nats-server.js';
import {addStream, appConnection, cliConnection, fillRandom} from '../helpers/streams.js';

// natscli names a 2.15 server's NATSARC1 archive differently, and so does nats-dr.
const complete = completeBackupFiles;
const small = ['S1', 'S2', 'S3', 'S4', 'S5'];

describe('account backup, several streams at once', () => {
	let server: TestCluster;
	let nc: NatsConnection;
	let scratch: string;

	before(async () => {
		server = await TestCluster.start();
		scratch = await mkdtemp(join(tmpdir(), 'nats-dr-account-'));
		nc = await appConnection(server);
		for (const name of small) await addStream(nc, {name}, 200);
		// Big and incompressible, so that transfers are still running when the abort comes.
		for (const name of ['BIG1', 'BIG2']) {
			await addStream(nc, {name});
			await fillRandom(nc, `${name}.data`, 48);
		}
	});

	after(async () => {
		await nc?.close();
		await server?.stopAll();
		if (scratch) await rm(scratch, {recursive: true, force: true});
	});

	test("--concurrency 3 reports every stream's outcome; the one that fails keeps its directory as it was", async () => {
		const dir = join(scratch, 'account');
		// S3's directory already holds something that is not a backup: S3 must fail and leave it alone.
		await mkdir(join(dir, 'S3'), {recursive: true});
		await writeFile(join(dir, 'S3', 'backup.json'), 'an older, unrelated file');
		const result = await runCli([
			'backup',
			'--all',
			dir,
			'--concurrency',
			'3',
			'--json',
			...cliConnection(server, {sys: false}),
			'--audit-log',
			join(scratch, 'audit.log'),
		]);
		assert.equal(result.code, 1, result.stderr);
		const json = parseJson(result);
		assert.deepEqual(json.summary, {ok: 6, warnings: 0, failed: 1});
		assert.deepEqual(
			json.streams.map((s: any) => [s.stream, s.status]),
			[
				['BIG1', 'ok'],
				['BIG2', 'ok'],
				['S1', 'ok'],
				['S2', 'ok'],
				['S3', 'failed'],
				['S4', 'ok'],
				['S5', 'ok'],
			],
		);
		assert.deepEqual(await readdir(join(dir, 'S3')), ['backup.json']);
		// What holds for every stream is said once, not seven times.
		if (snapshotPausesEviction(natsServerVersion().join('.'))) {
			assert.equal(result.stderr.match(/stops removing messages/g)?.length, 1, result.stderr);
			assert.match(result.stderr, /stops removing messages from each stream/);
		}

		for (const stream of ['BIG1', 'BIG2', 'S1', 'S2', 'S4', 'S5']) {
			assert.deepEqual((await readdir(join(dir, stream))).sort(), complete, stream);
			assert.equal((await verifyBackupDir(join(dir, stream))).ok, true, stream);
		}
	});

	test('an abort while streams are in flight leaves each directory complete and verified, or without files of this run', async () => {
		const dir = join(scratch, 'aborted');
		const controller = new AbortController();
		let mostInFlight = 0;
		const onAccountProgress = (progress: AccountProgress): void => {
			mostInFlight = Math.max(mostInFlight, progress.inFlight.length);
			// Mid-transfer: a big stream has data on its way.
			if (progress.inFlight.some(stream => stream.startsWith('BIG')) && progress.bytes > 8 << 20) controller.abort();
		};

		await assert.rejects(
			backupAccount({nc, prefix: '$JS.API', timeoutMs: 10_000}, dir, {
				concurrency: 2,
				signal: controller.signal,
				onAccountProgress,
			}),
			AbortedError,
		);
		assert.equal(mostInFlight, 2);
		const left = await assertWholeOrEmpty(dir);

		assert.ok(
			!left.includes('BIG1') || (await readdir(join(dir, 'BIG1'))).length === 0,
			'BIG1 was interrupted, so it has no backup',
		);
	});

	test('--concurrency is checked: a bad count is a usage error, and it needs --all', async () => {
		const connection = cliConnection(server, {sys: false});
		const bad = await runCli(['backup', '--all', join(scratch, 'x'), '--concurrency', '0', ...connection]);
		assert.equal(bad.code, 2, bad.stderr);
		assert.match(bad.stderr, /--concurrency 0 is out of range/);
		const tooMany = await runCli(['backup', '--all', join(scratch, 'x'), '--concurrency', '65', ...connection]);
		assert.equal(tooMany.code, 2, tooMany.stderr);
		assert.match(tooMany.stderr, /use 1 to 64/);
		const single = await runCli(['backup', 'S1', join(scratch, 'y'), '--concurrency', '2', ...connection]);
		assert.equal(single.code, 2, single.stderr);
		assert.match(single.stderr, /--concurrency works only with --all/);
	});

	// Last: the streams it adds would change what the tests above expect.
	test('at the default, small streams run many at once beside the big ones; an abort amid them leaves no half-written directory', async () => {
		// More than the default, so that the run fills every slot.
		const tiny = Array.from({length: defaultConcurrency + 8}, (_, i) => `T${String(i).padStart(2, '0')}`);
		for (const name of tiny) await addStream(nc, {name}, 2);
		const dir = join(scratch, 'many');
		const controller = new AbortController();
		const reported: string[] = [];
		let mostInFlight = 0;
		// Every stream in flight listens to the one signal: Node must not call that a leak on stderr.
		const warnings: string[] = [];
		const onWarning = (warning: Error): void => {
			warnings.push(`${warning.name}: ${warning.message}`);
		};

		process.on('warning', onWarning);
		await assert.rejects(
			backupAccount({nc, prefix: '$JS.API', timeoutMs: 10_000}, dir, {
				signal: controller.signal,
				onAccountProgress(progress) {
					mostInFlight = Math.max(mostInFlight, progress.inFlight.length);
				},
				onOutcome(outcome) {
					reported.push(outcome.stream);
					if (reported.length === 10) controller.abort();
				},
			}),
			AbortedError,
		);
		// Warnings are emitted on the next tick.
		await new Promise(resolve => setImmediate(resolve));
		process.off('warning', onWarning);
		assert.deepEqual(warnings, []);
		// Both big streams fit the bytes in flight, so every slot is taken at once.
		assert.equal(mostInFlight, defaultConcurrency);
		const left = await assertWholeOrEmpty(dir);

		for (const stream of reported) assert.deepEqual((await readdir(join(dir, stream))).sort(), complete, stream);
		assert.ok(left.length < tiny.length + small.length + 2, 'the abort stopped the run before its end');
	});
});

/** After an abort, each stream directory holds a complete, verified backup or nothing; returns them. */
async function assertWholeOrEmpty(dir: string): Promise<string[]> {
	const left = await readdir(dir);
	for (const stream of left) {
		const files = (await readdir(join(dir, stream))).sort();
		if (files.length === 0) continue;
		assert.deepEqual(files, complete, stream);
		assert.equal((await verifyBackupDir(join(dir, stream))).ok, true, stream);
	}

	return left;
}
