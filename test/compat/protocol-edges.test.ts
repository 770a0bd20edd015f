/**
 * Where the snapshot and restore protocol differs between server versions, on one standalone server of the
 * version under test: how a snapshot ends and fails (status headers, protocol doc §3.4-3.5), API-level
 * headers, restore refusals, memory-storage snapshots, and whether a mirror can be promoted by removing its
 * mirror configuration. Each test asserts what this version does (naming the version where it differs) and
 * that nats-dr copes with it.
 */
import assert from 'node:assert/strict';
import {readFile, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, test} from 'node:test';
import {createInbox, headers, type Msg, type NatsConnection} from 'nats';
import {runCli} from '../helpers/cli.js';
import {feature, observed} from '../helpers/compat.js';
import {serverArchiveFile} from '../helpers/backup-files.js';
import {serverAtLeast, TestCluster, waitFor} from '../helpers/nats-server.js';
import {expectRefusedRestore} from '../helpers/restore-refusal.js';
import {addStream, appConnection, cliConnection, fillRandom, restoredState} from '../helpers/streams.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

type SnapshotEnd = {status: string; bytes: number; chunks: number};

describe('protocol edges that differ between server versions', () => {
	let cluster: TestCluster;
	let nc: NatsConnection;
	let scratch: string;

	before(async () => {
		cluster = await TestCluster.start();
		nc = await appConnection(cluster);
		scratch = await mkdtemp(join(tmpdir(), 'nats-dr-compat-protocol-'));
		await addStream(nc, {name: 'ORDERS'}, 300);
		await addStream(nc, {name: 'BIG'});
		await fillRandom(nc, 'BIG.data', 12);
	});

	after(async () => {
		await nc?.close();
		await cluster?.stopAll();
		if (scratch) await rm(scratch, {recursive: true, force: true});
	});

	/** A raw snapshot; `ack: false` never acknowledges a chunk. Resolves with how the server ended it. */
	async function rawSnapshot(
		stream: string,
		request: Record<string, unknown>,
		{ack}: {ack: boolean},
	): Promise<SnapshotEnd> {
		const inbox = createInbox();
		const sub = nc.subscribe(inbox);
		const reply = await nc.request(
			`$JS.API.STREAM.SNAPSHOT.${stream}`,
			encoder.encode(JSON.stringify({deliver_subject: inbox, ...request})),
			{timeout: 10_000},
		);
		const parsed = JSON.parse(decoder.decode(reply.data)) as {error?: {err_code: number; description: string}};
		if (parsed.error) {
			sub.unsubscribe();
			return {status: `refused ${parsed.error.err_code} ${parsed.error.description}`, bytes: 0, chunks: 0};
		}

		let bytes = 0;
		let chunks = 0;
		let last: Msg | undefined;
		const timer = setTimeout(() => sub.unsubscribe(), 60_000);
		for await (const message of sub) {
			last = message;
			if (message.data.length === 0) break;
			chunks++;
			bytes += message.data.length;
			if (ack && message.reply) message.respond();
		}

		clearTimeout(timer);
		sub.unsubscribe();
		const code = last?.headers?.code ?? 0;
		return {
			status:
				last?.data.length === 0
					? code === 0
						? 'end, no status'
						: `end, ${code} ${last.headers!.description}`.trim()
					: 'no end',
			bytes,
			chunks,
		};
	}

	test('a snapshot ends with status 204 from 2.10.12, with no status before; nats-dr backs up either way', async () => {
		const end = await rawSnapshot('ORDERS', {chunk_size: 1024}, {ack: true});
		observed('snapshot end marker', end.status);
		assert.equal(end.status, serverAtLeast(2, 10, 12) ? 'end, 204' : 'end, no status');
		await feature('backup', async () => {
			const result = await runCli([
				'backup',
				'ORDERS',
				join(scratch, 'orders'),
				'--chunk-size',
				'1KiB',
				'--no-progress',
				...cliConnection(cluster),
			]);
			assert.equal(result.code, 0, result.stderr + result.stdout);
		});
	});

	test('a client that never acks: 2.9-2.10.11 send anyway, 2.10.12-2.12.4 stop after 2 s and 2.12.5+ after 5 s with 408', async () => {
		// window_size is known from 2.12.5 (and 2.14); older servers ignore it and keep their fixed 8 MiB window.
		const end = await rawSnapshot('BIG', {chunk_size: 64 * 1024, window_size: 64 * 1024}, {ack: false});
		observed('snapshot without acks', end.status === 'end, no status' ? 'completes (no flow control)' : end.status);
		if (serverAtLeast(2, 10, 12)) {
			assert.equal(end.status, 'end, 408 No Flow Response');
		} else {
			assert.equal(end.status, 'end, no status');
			assert.ok(end.bytes > 12 * 1024 * 1024, `the whole stream was sent (${end.bytes} bytes)`);
		}
	});

	test("Nats-Required-Api-Level above the server's: refused with 412/10185 from 2.12, ignored before", async () => {
		const reply = await nc.request('$JS.API.STREAM.INFO.ORDERS', encoder.encode(''), {
			timeout: 5000,
			headers: headers(),
		});
		assert.equal((JSON.parse(decoder.decode(reply.data)) as {error?: unknown}).error, undefined);
		const h = headers();
		h.set('Nats-Required-Api-Level', '99');
		const leveled = JSON.parse(
			decoder.decode(
				(await nc.request('$JS.API.STREAM.INFO.ORDERS', encoder.encode(''), {timeout: 5000, headers: h})).data,
			),
		) as {
			error?: {code: number; err_code: number};
		};
		const outcome = leveled.error ? `refused ${leveled.error.code}/${leveled.error.err_code}` : 'ignored';
		observed('Nats-Required-Api-Level: 99', outcome);
		assert.equal(outcome, serverAtLeast(2, 12) ? 'refused 412/10185' : 'ignored');
	});

	test('restoring over an existing stream: the server refuses with 10130; nats-dr refuses before sending anything', async () => {
		const dir = join(scratch, 'orders');
		const body = await readFile(join(dir, 'backup.json'));
		const reply = JSON.parse(
			decoder.decode((await nc.request('$JS.API.STREAM.RESTORE.ORDERS', body, {timeout: 10_000})).data),
		) as {error?: {err_code: number}};
		observed('restore over an existing stream', reply.error ? `refused ${reply.error.err_code}` : 'accepted');
		assert.equal(reply.error?.err_code, 10130);
		await feature('restore', async () => {
			await expectRefusedRestore(
				nc,
				async args => runCli(['restore', ...args]),
				[dir, '--yes', ...cliConnection(cluster)],
				/already exist/,
			);
		});
	});

	test('a restore whose subject names another stream: refused up front (10056) from 2.11, accepted until the archive is read before', async () => {
		const body = await readFile(join(scratch, 'orders', 'backup.json'));
		const reply = JSON.parse(
			decoder.decode((await nc.request('$JS.API.STREAM.RESTORE.RENAMED', body, {timeout: 10_000})).data),
		) as {
			error?: {err_code: number};
			deliver_subject?: string;
		};
		observed('restore under another name', reply.error ? `refused ${reply.error.err_code}` : 'accepted at start');
		if (serverAtLeast(2, 11)) {
			assert.equal(reply.error?.err_code, 10056);
		} else {
			assert.ok(reply.deliver_subject, JSON.stringify(reply));
			// An empty upload ends it: the server then fails it, and no RENAMED stream stays behind.
			const done = JSON.parse(
				decoder.decode((await nc.request(reply.deliver_subject, new Uint8Array(), {timeout: 30_000})).data),
			) as {error?: unknown};
			assert.ok(done.error, 'the empty restore fails');
		}

		const names = JSON.parse(
			decoder.decode((await nc.request('$JS.API.STREAM.NAMES', encoder.encode('{}'), {timeout: 5000})).data),
		) as {streams: string[] | null};
		assert.equal((names.streams ?? []).includes('RENAMED'), false);
	});

	test('a whole archive without the end marker: restored from 2.12, dropped before; nats-dr holds back the last chunk of one whose checksum differs', async () => {
		await addStream(nc, {name: 'WHOLE'}, 200);
		const dir = join(scratch, 'whole');
		const backup = await runCli(['backup', 'WHOLE', dir, '--no-progress', ...cliConnection(cluster)]);
		assert.equal(backup.code, 0, backup.stderr);
		const jsm = await nc.jetstreamManager();
		await jsm.streams.delete('WHOLE');

		// Every byte of the archive, and no end marker.
		const start = JSON.parse(
			decoder.decode(
				(await nc.request('$JS.API.STREAM.RESTORE.WHOLE', await readFile(join(dir, 'backup.json')), {timeout: 10_000}))
					.data,
			),
		) as {deliver_subject: string};
		const archive = await readFile(join(dir, serverArchiveFile));
		for (let at = 0; at < archive.length; at += 64 * 1024)
			await nc.request(start.deliver_subject, archive.subarray(at, at + 64 * 1024), {timeout: 10_000});
		const restoredWithoutEnd = await appears(nc, 'WHOLE');
		observed('restore without the end marker', restoredWithoutEnd ? 'restores the whole archive' : 'waits for it');
		assert.equal(restoredWithoutEnd, serverAtLeast(2, 12));
		// Before 2.12 the end marker still completes it; either way WHOLE goes before nats-dr's turn.
		if (!restoredWithoutEnd) await nc.request(start.deliver_subject, new Uint8Array(), {timeout: 30_000});
		await waitFor(async () => appears(nc, 'WHOLE'), {what: 'WHOLE restored'});
		await jsm.streams.delete('WHOLE');

		await feature('restore', async () => {
			const sidecar = join(dir, 'nats-dr.json');
			const recorded = JSON.parse(await readFile(sidecar, 'utf8')) as {archive: {xxh3: string}};
			recorded.archive.xxh3 = '0'.repeat(16);
			await writeFile(sidecar, JSON.stringify(recorded));
			const result = await runCli(['restore', dir, '--yes', ...cliConnection(cluster)]);
			assert.equal(result.code, 1, result.stdout + result.stderr);
			assert.match(result.stderr, /XXH3-64 differs[\s\S]*The upload stopped before its last chunk/);
			assert.equal(await appears(nc, 'WHOLE'), false);
		});
	});

	test('memory-storage streams: refused before 2.15 (nats-dr says why); from 2.15 backed up and restored', async () => {
		await addStream(nc, {name: 'VOLATILE', storage: 'memory' as never}, 120);
		const end = await rawSnapshot('VOLATILE', {}, {ack: true});
		observed('snapshot of a memory stream', end.status.startsWith('refused') ? end.status : 'allowed');
		const dir = join(scratch, 'volatile');
		await feature('backup', async () => {
			const result = await runCli(['backup', 'VOLATILE', dir, '--no-progress', ...cliConnection(cluster)]);
			if (!serverAtLeast(2, 15)) {
				assert.match(end.status, /^refused 10064/);
				assert.equal(result.code, 1, result.stdout);
				assert.match(result.stderr, /memory-storage stream, and nats-server before 2\.15 cannot snapshot those/);
				return;
			}

			assert.equal(result.code, 0, result.stderr + result.stdout);
			await (await nc.jetstreamManager()).streams.delete('VOLATILE');
			const restore = await runCli(['restore', dir, '--yes', '--no-progress', ...cliConnection(cluster)]);
			assert.equal(restore.code, 0, restore.stderr + restore.stdout);
			const state = await restoredState(nc, 'VOLATILE');
			assert.equal(state.messages, 120);
		});
	});

	test("mirror promotion: removing a mirror's configuration with STREAM.UPDATE is allowed from 2.12, refused before", async () => {
		await addStream(nc, {name: 'MIRROR', subjects: [], mirror: {name: 'ORDERS'}} as never);
		const jsm = await nc.jetstreamManager();
		const config = (await jsm.streams.info('MIRROR')).config as unknown as Record<string, unknown>;
		delete config['mirror'];
		config['subjects'] = ['PROMOTED.>'];
		const reply = JSON.parse(
			decoder.decode(
				(await nc.request('$JS.API.STREAM.UPDATE.MIRROR', encoder.encode(JSON.stringify(config)), {timeout: 10_000}))
					.data,
			),
		) as {
			error?: {err_code: number; description: string};
			config?: {mirror?: unknown};
		};
		const refusal = reply.error ? `refused ${reply.error.err_code} "${reply.error.description}"` : undefined;
		observed('STREAM.UPDATE removing mirror', refusal ?? 'allowed');
		await feature('mirror promotion', async () => {
			if (serverAtLeast(2, 12)) {
				assert.equal(refusal, undefined);
				assert.equal(reply.config?.mirror, undefined);
				return {supported: true};
			}

			assert.ok(refusal, 'older servers refuse to change a mirror configuration');
			return {supported: false, note: `server ${refusal}`};
		});
	});
});

/**
 * Whether the stream shows up within 2 s: a server that restores an upload as it reads it has it
 * moments after the last byte, and the others drop an upload 5 s after its last chunk.
 */
async function appears(nc: NatsConnection, stream: string): Promise<boolean> {
	const jsm = await nc.jetstreamManager();
	try {
		return await waitFor(
			async () =>
				jsm.streams.info(stream).then(
					() => true,
					() => false,
				),
			{what: `stream ${stream}`, timeoutMs: 2000},
		);
	} catch {
		return false;
	}
}
