/**
 * Backups from a real single server, restored with the raw protocol into an empty second server;
 * the natscli file layout; overwrite protection; and every way a backup can stop short, which must
 * leave nothing that looks like a backup.
 */
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {createReadStream, existsSync} from 'node:fs';
import {mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, test} from 'node:test';
import {StorageType, type NatsConnection} from 'nats';
import {BackupDirError, readBackupDir} from '../../source/core/archive/backup-dir.js';
import type {AuditEntry} from '../../source/core/audit.js';
import {decodeS2Stream} from '../../source/core/archive/s2-decode.js';
import {TarWalker} from '../../source/core/archive/tar-walk.js';
import {backupStream} from '../../source/core/backup/backup-stream.js';
import {snapshotPausesEviction, snapshotsMemoryStreams} from '../../source/core/backup/server-version.js';
import {periodicLine} from '../../source/cli/commands/backup-lines.js';
import {DrError} from '../../source/core/errors.js';
import {binPath, cleanEnv, parseJson, runCli} from '../helpers/cli.js';
import {natsServerVersion, serverAtLeast, TestCluster, waitFor} from '../helpers/nats-server.js';
import {completeBackupFiles, consumersNamedInArchive, skipUnlessTar} from '../helpers/backup-files.js';
import {restoreRaw, streamFacts, type StreamFacts} from '../helpers/restore-raw.js';
import {addFixtureConsumers, addStream, appConnection, cliConnection, fillRandom} from '../helpers/streams.js';
import {fixturePath} from '../helpers/fixtures.js';

const fixtures = fixturePath('');
const version = natsServerVersion().join('.');
const memoryStreamsBackUp = snapshotsMemoryStreams(version);

describe('backup from a single server', () => {
	let source: TestCluster;
	let target: TestCluster;
	let nc: NatsConnection;
	let targetNc: NatsConnection;
	let scratch: string;
	let orders: StreamFacts;
	const cli = async (args: string[]) =>
		runCli([...args, ...cliConnection(source, {sys: false}), '--audit-log', join(scratch, 'audit.log')]);

	before(async () => {
		[source, target] = await Promise.all([TestCluster.start(), TestCluster.start()]);
		scratch = await mkdtemp(join(tmpdir(), 'nats-dr-backup-'));
		nc = await appConnection(source);
		targetNc = await appConnection(target);
		// Shaped like the natscli fixture ORDERS: deleted sequences and two consumers.
		await addStream(nc, {name: 'ORDERS'}, 3000);
		const jsm = await nc.jetstreamManager();
		for (const seq of [3, 5, 8, 13, 21]) await jsm.streams.deleteMessage('ORDERS', seq);
		await addFixtureConsumers(nc, 'ORDERS');
		orders = await streamFacts(nc, 'ORDERS', 2);
		await addStream(nc, {name: 'MEM', storage: StorageType.Memory}, 10);
		// Big and incompressible, so a transfer lasts long enough to be interrupted.
		await addStream(nc, {name: 'BIG'});
		await fillRandom(nc, 'BIG.data', 96);
	});

	after(async () => {
		await nc?.close();
		await targetNc?.close();
		await Promise.all([source?.stopAll(), target?.stopAll()]);
		if (scratch) await rm(scratch, {recursive: true, force: true});
	});

	async function auditEntries(): Promise<AuditEntry[]> {
		return (await readFile(join(scratch, 'audit.log'), 'utf8'))
			.trim()
			.split('\n')
			.map(line => JSON.parse(line) as AuditEntry);
	}

	async function restoredFacts(dir: string, stream: string, consumers: number): Promise<StreamFacts> {
		await restoreRaw(targetNc, dir);
		try {
			return await streamFacts(targetNc, stream, consumers);
		} finally {
			await (await targetNc.jetstreamManager()).streams.delete(stream);
		}
	}

	test("backup STREAM DIR writes natscli's layout, prints natscli's lines, and restores into an empty server", async () => {
		const dir = join(scratch, 'orders');
		const result = await cli(['backup', 'ORDERS', dir]);
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stdout, /^Starting backup of Stream "ORDERS" with \d+(\.\d)? KiB$/m);
		assert.match(
			result.stdout,
			/^Received \d+(\.\d)? KiB compressed data in \d+ chunks for stream "ORDERS" in \d+(\.\d+)?m?s, \d+(\.\d)? KiB uncompressed $/m,
		);
		if (snapshotPausesEviction(version)) assert.match(result.stdout, /stops removing messages from ORDERS/);

		assert.deepEqual((await readdir(dir)).sort(), completeBackupFiles);
		const text = await readFile(join(dir, 'backup.json'), 'utf8');
		assert.match(
			text,
			/^\{\n {2}"config": \{\n {4}"name": "ORDERS",\n[\s\S]*\n {2}\},\n {2}"state": \{\n[\s\S]*\n {2}\}\n\}$/,
		);
		assert.match(text, /"ORDERS\.\\u003e"/, "the server's raw JSON, escapes included");
		// The fixture was written by 2.9.10; from 2.10 the store's files differ (msgs/index.db, no .fss).
		if (!serverAtLeast(2, 10)) {
			assert.deepEqual(
				entryShapes(await archiveEntries(join(dir, 'stream.tar.s2'))),
				entryShapes(await archiveEntries(join(fixtures, 'account/ORDERS/stream.tar.s2'))),
			);
		}

		const sidecar = JSON.parse(await readFile(join(dir, 'nats-dr.json'), 'utf8'));
		assert.equal(sidecar.server.version, version);
		assert.deepEqual(sidecar.consumers, {
			included: true,
			expected: ['MONITOR', 'PROCESSOR'],
			in_archive: consumersNamedInArchive(['MONITOR', 'PROCESSOR']),
			missing: [],
		});
		assert.equal(sidecar.verification.ok, true);

		const verify = await runCli(['verify', dir]);
		assert.equal(verify.code, 0, verify.stdout + verify.stderr);
		assert.match(verify.stdout, /^OK +ORDERS /m);
		assert.deepEqual(await restoredFacts(dir, 'ORDERS', 2), orders);
		assert.ok(
			(await auditEntries()).some(
				entry =>
					entry.action === 'backup' && entry.result === 'ok' && entry.nats === `nats stream backup ORDERS ${dir}`,
			),
		);
	});

	test(
		'progress counts one measure against a total of the same kind, also when the archive outgrows the messages',
		{skip: skipUnlessTar},
		async () => {
			// 100 small messages: the tar's headers and index files make the archive larger than the messages.
			await addStream(nc, {name: 'TINY'}, 100);
			const seen: Array<{done: number; total: number; expected: number; line: string}> = [];
			await backupStream({nc, prefix: '$JS.API', timeoutMs: 5000}, 'TINY', join(scratch, 'TINY'), {
				chunkSize: 1024,
				onProgress(progress) {
					// The transfer's events count behind the verifier; the verify phase's carry the archive's size.
					seen.push({
						done: progress.uncompressedBytes,
						total: progress.totalBytes,
						expected: progress.expectedBytes,
						line: periodicLine(progress),
					});
				},
			});
			// The other tests count the server's streams.
			await (await nc.jetstreamManager()).streams.delete('TINY');
			assert.ok(
				seen.some(event => event.done > event.expected),
				`the archive outgrew the messages: ${JSON.stringify(seen.at(-1))}`,
			);
			for (const event of seen) {
				assert.ok(event.done <= event.total, JSON.stringify(event));
				const [, done, total] = /: (.+?) of (.+?) \(/.exec(event.line)!;
				assert.ok(
					!(done!.endsWith('KiB') && total!.endsWith('KiB') && Number.parseFloat(done!) > Number.parseFloat(total!)),
					event.line,
				);
			}
		},
	);

	test('--no-consumers leaves the consumers out; the messages still restore', async () => {
		const dir = join(scratch, 'orders-no-consumers');
		const result = await cli(['backup', 'ORDERS', dir, '--no-consumers', '--json']);
		assert.equal(result.code, 0, result.stderr);
		const json = parseJson(result);
		assert.deepEqual(json.consumers, {included: false, expected: [], in_archive: [], missing: []});
		if (!skipUnlessTar)
			assert.ok((await archiveEntries(join(dir, 'stream.tar.s2'))).every(name => !name.startsWith('obs/')));
		assert.deepEqual(await restoredFacts(dir, 'ORDERS', 0), {...orders, consumers: {}});
	});

	test("--check runs the server's health check first and warns that it gives no progress", async () => {
		const result = await cli([
			'backup',
			'ORDERS',
			join(scratch, 'checked'),
			'--check',
			'--chunk-size',
			'64KiB',
			'--idle-timeout',
			'5s',
		]);
		assert.equal(result.code, 0, result.stderr);
		assert.match(
			result.stdout,
			/^Health Check was requested, this can take a long time without progress reports\n\nStarting backup of Stream "ORDERS"/m,
		);
		assert.ok(
			(await auditEntries()).some(
				entry => entry.nats === `nats stream backup ORDERS ${join(scratch, 'checked')} --check --chunk-size 65536`,
			),
		);
	});

	test('a second backup into the same DIR is refused without --force and replaces the first with it', async () => {
		const dir = join(scratch, 'twice');
		assert.equal((await cli(['backup', 'ORDERS', dir])).code, 0);
		const first = await snapshotFiles(dir);
		const refused = await cli(['backup', 'ORDERS', dir]);
		assert.equal(refused.code, 1);
		assert.match(refused.stderr, /already holds a backup of stream "ORDERS": it was left as it is/);
		assert.match(refused.stderr, /--force/);
		assert.deepEqual(await snapshotFiles(dir), first);

		const forced = await cli(['backup', 'ORDERS', dir, '--force', '--json']);
		assert.equal(forced.code, 0, forced.stderr);
		assert.equal(parseJson(forced).replaced, true);
		assert.notEqual((await snapshotFiles(dir))['nats-dr.json'], first['nats-dr.json']);
		assert.deepEqual((await readdir(dir)).sort(), completeBackupFiles);
		assert.equal((await runCli(['verify', dir])).code, 0);
	});

	test(
		'a memory stream is refused before anything is written',
		{skip: memoryStreamsBackUp && `nats-server ${version} snapshots memory streams (test/compat covers it)`},
		async () => {
			const dir = join(scratch, 'mem');
			const result = await cli(['backup', 'MEM', dir]);
			assert.equal(result.code, 1);
			assert.match(result.stderr, /MEM is a memory-storage stream.*nothing was written/);
			assert.equal(existsSync(dir), false);
			assert.ok((await auditEntries()).some(entry => entry.subject === 'MEM' && entry.result === 'refused'));
		},
	);

	test('backup --all: one directory per stream, memory streams as warnings before 2.15, and verify reads the layout', async () => {
		const dir = join(scratch, 'account');
		const result = await cli(['backup', '--all', dir, '--json']);
		assert.equal(result.code, 0, result.stderr);
		const json = parseJson(result);
		const backedUp = memoryStreamsBackUp ? ['BIG', 'MEM', 'ORDERS'] : ['BIG', 'ORDERS'];
		assert.deepEqual(json.summary, {ok: backedUp.length, warnings: 3 - backedUp.length, failed: 0});
		assert.deepEqual(
			json.streams.map((s: any) => [s.stream, s.status]),
			[
				['BIG', 'ok'],
				['MEM', memoryStreamsBackUp ? 'ok' : 'warning'],
				['ORDERS', 'ok'],
			],
		);
		if (!memoryStreamsBackUp) assert.match(result.stderr, /Backup of MEM failed: MEM is a memory-storage stream/);
		assert.deepEqual((await readdir(dir)).sort(), backedUp);
		for (const stream of backedUp) assert.deepEqual((await readdir(join(dir, stream))).sort(), completeBackupFiles);
		const verify = await runCli(['verify', dir, '--json']);
		assert.equal(verify.code, 0, verify.stdout);
		assert.deepEqual(
			parseJson(verify).backups.map((b: any) => [b.stream, b.ok]),
			backedUp.map(stream => [stream, true]),
		);
	});

	test('a DIR that cannot be created fails clearly, also for root', async () => {
		const file = join(scratch, 'a-file');
		await writeFile(file, 'not a directory');
		const result = await cli(['backup', 'ORDERS', join(file, 'backup')]);
		assert.equal(result.code, 1);
		assert.match(result.stderr, /cannot write the backup to .*a-file\/backup: part of the path is a file/);
	});

	test('Ctrl-C during the transfer exits 130 and leaves no backup and no temporary files', async () => {
		const dir = join(scratch, 'interrupted');
		const child = startCli([
			'backup',
			'BIG',
			dir,
			'--chunk-size',
			'16KiB',
			...cliConnection(source, {sys: false}),
			'--audit-log',
			join(scratch, 'audit.log'),
		]);
		await child.waitFor(/Starting backup of Stream "BIG"/);
		child.process.kill('SIGINT');
		const {code, stderr} = await child.exit;
		assert.equal(code, 130, stderr);
		assert.match(stderr, /aborted/);
		assert.deepEqual(await readdir(dir).catch(() => []), []);
		assert.ok((await auditEntries()).some(entry => entry.subject === 'BIG' && entry.result === 'aborted'));
	});

	test('killed with SIGKILL, a backup leaves only a temporary file that nothing takes for a backup', async () => {
		const dir = join(scratch, 'killed');
		const child = startCli([
			'backup',
			'BIG',
			dir,
			'--chunk-size',
			'16KiB',
			...cliConnection(source, {sys: false}),
			'--audit-log',
			join(scratch, 'audit.log'),
		]);
		const partial = await waitFor(
			async () => {
				const name = (await readdir(dir).catch(() => [])).find(entry => entry.includes('.partial-'));
				return name !== undefined && (await stat(join(dir, name))).size > 0 && name;
			},
			{intervalMs: 20, what: 'a partial archive'},
		);
		child.process.kill('SIGKILL');
		await child.exit;
		assert.match(partial, /^\.stream\.tar\.s2\.partial-\d+-[0-9a-f]{8}$/);
		await assert.rejects(
			readBackupDir(dir),
			(error: unknown) => error instanceof BackupDirError && error.code === 'no-backup-json',
		);
		const verify = await runCli(['verify', dir]);
		assert.equal(verify.code, 1);

		const again = await cli(['backup', 'ORDERS', dir]);
		assert.equal(again.code, 0, again.stderr);
		assert.match(
			again.stderr,
			/warning: .* holds a temporary file of an interrupted backup \(\.stream\.tar\.s2\.partial-\d+-[0-9a-f]{8}\): they were left alone/,
		);
		const verified = await runCli(['verify', dir]);
		assert.equal(verified.code, 0);
		assert.match(
			verified.stdout,
			/warning: leftovers of an interrupted backup, safe to delete: \.stream\.tar\.s2\.partial-\d+-[0-9a-f]{8}/,
		);
	});

	test('the server dying during the transfer fails the backup at once and keeps nothing', async () => {
		const dir = join(scratch, 'server-killed');
		let killed: Promise<void> | undefined;
		const api = {nc: await appConnection(source), prefix: '$JS.API', timeoutMs: 5000};
		try {
			await assert.rejects(
				backupStream(api, 'BIG', dir, {
					chunkSize: 16 * 1024,
					onProgress() {
						killed ??= source.kill('n1');
					},
				}),
				(error: unknown) =>
					error instanceof DrError && /connection to NATS dropped during the backup of BIG/.test(error.message),
			);
		} finally {
			await killed;
			await api.nc.close();
		}

		assert.deepEqual(await readdir(dir).catch(() => []), []);
		await source.restart('n1');
	});
});

function startCli(args: string[]) {
	const child = spawn(process.execPath, [binPath, ...args], {env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	const waiters: Array<{pattern: RegExp; resolve: () => void}> = [];
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		stdout += chunk;
		for (const waiter of waiters.filter(w => w.pattern.test(stdout))) waiter.resolve();
	});
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	const exit = new Promise<{code: number | null; stdout: string; stderr: string}>(resolve => {
		child.once('close', code => resolve({code, stdout, stderr}));
	});
	return {
		process: child,
		exit,
		async waitFor(pattern: RegExp): Promise<void> {
			if (pattern.test(stdout)) return;
			await Promise.race([
				new Promise<void>(resolve => waiters.push({pattern, resolve})),
				exit.then(result => assert.fail(`exited ${result.code} before ${pattern}: ${result.stderr}`)),
			]);
		},
	};
}

async function archiveEntries(path: string): Promise<string[]> {
	const names: string[] = [];
	const tar = new TarWalker();
	for await (const block of decodeS2Stream(createReadStream(path) as AsyncIterable<Buffer>))
		tar.push(block, entry => names.push(entry.name));
	tar.end();
	return names;
}

/** Entry names with block numbers and consumer names abstracted: the layout, not the contents. */
function entryShapes(names: string[]): string[] {
	return [
		...new Set(names.map(name => name.replace(/^msgs\/\d+\./, 'msgs/N.').replace(/^obs\/[^/]+\//, 'obs/C/'))),
	].sort();
}

async function snapshotFiles(dir: string): Promise<Record<string, string>> {
	const files: Record<string, string> = {};
	for (const name of await readdir(dir)) files[name] = (await readFile(join(dir, name))).toString('base64');
	return files;
}
