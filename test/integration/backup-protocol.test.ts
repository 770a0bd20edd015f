/**
 * The snapshot protocol's edges that nats-server 2.9.10 cannot be made to show: a scripted server
 * answers under a JetStream API prefix of its own (as with a domain) on a real nats-server, so the
 * engine meets status headers, silence, chunks without a reply and an archive carrying errors.txt.
 */
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {mkdtemp, readdir, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, test} from 'node:test';
import {headers, type NatsConnection, type Subscription} from 'nats';
import {s2Stream} from '../helpers/s2-stream.js';
import {decodeS2Stream} from '../../source/core/archive/s2-decode.js';
import {backupStream, type BackupOptions} from '../../source/core/backup/backup-stream.js';
import {AbortedError, DrError} from '../../source/core/errors.js';
import type {JsApi} from '../../source/core/jsapi.js';
import {TestCluster} from '../helpers/nats-server.js';
import {appConnection} from '../helpers/streams.js';
import {fixturePath} from '../helpers/fixtures.js';

const fixtureDir = fixturePath('account/ORDERS/');
const fixtureJson = readFileSync(join(fixtureDir, 'backup.json'), 'utf8');
const fixtureArchive = readFileSync(join(fixtureDir, 'stream.tar.s2'));
const prefix = 'FAKE.API';

type Script = (
	deliver: string,
	publish: (data: Uint8Array, reply?: string, status?: [number, string]) => void,
) => Promise<void> | void;

describe('the snapshot protocol against a scripted server', () => {
	let cluster: TestCluster;
	let nc: NatsConnection;
	let api: JsApi;
	let scratch: string;
	let server: Subscription;
	let script: Script = () => undefined;
	let lastRequest: Record<string, unknown> = {};
	const acks: string[] = [];

	before(async () => {
		cluster = await TestCluster.start();
		nc = await appConnection(cluster);
		api = {nc, prefix, timeoutMs: 5000};
		scratch = await mkdtemp(join(tmpdir(), 'nats-dr-protocol-'));
		nc.subscribe('ACK.>', {callback: (_error, msg) => acks.push(msg.subject)});
		server = nc.subscribe(`${prefix}.>`, {
			callback(_error, msg) {
				const subject = msg.subject.slice(prefix.length + 1);
				if (subject === 'STREAM.INFO.ORDERS')
					msg.respond(
						JSON.stringify({config: {name: 'ORDERS', storage: 'file'}, state: {messages: 2995, bytes: 285_000}}),
					);
				else if (subject === 'CONSUMER.NAMES.ORDERS')
					msg.respond(JSON.stringify({total: 2, consumers: ['MONITOR', 'PROCESSOR']}));
				else if (subject === 'STREAM.SNAPSHOT.ORDERS') {
					lastRequest = msg.json();
					const deliver = lastRequest['deliver_subject'] as string;
					// The reply carries the fixture's config and state as the server wrote them, escapes included.
					msg.respond(
						`{"type":"io.nats.jetstream.api.v1.stream_snapshot_response",${fixtureJson.slice(fixtureJson.indexOf('"config"'))}`,
					);
					void script(deliver, (data, reply, status) =>
						nc.publish(deliver, data, {...(reply ? {reply} : {}), ...(status ? {headers: headers(...status)} : {})}),
					);
				}
			},
		});
		await nc.flush();
	});

	after(async () => {
		server?.unsubscribe();
		await nc?.close();
		await cluster?.stopAll();
		if (scratch) await rm(scratch, {recursive: true, force: true});
	});

	async function run(name: string, scenario: Script, options: BackupOptions = {}) {
		script = scenario;
		acks.length = 0;
		const dir = join(scratch, name);
		return {dir, result: backupStream(api, 'ORDERS', dir, {idleTimeoutMs: 2000, ...options})};
	}

	test("acks every chunk that has a reply, writes every chunk, and keeps the server's JSON byte for byte", async () => {
		const {dir, result} = await run(
			'whole',
			(_deliver, publish) => {
				const cut = [0, 40_000, 90_000, 120_000, fixtureArchive.length];
				for (let i = 1; i < cut.length; i++) {
					// The last chunk has no reply, as newer servers send it (§3.3): it must not be acked.
					publish(fixtureArchive.subarray(cut[i - 1], cut[i]), i < cut.length - 1 ? `ACK.ORDERS.x.${i}` : undefined);
				}

				publish(new Uint8Array(), undefined, [204, 'No Content']);
			},
			{check: true, consumers: true, chunkSize: 64 * 1024},
		);
		const backup = await result;
		assert.deepEqual(lastRequest, {deliver_subject: lastRequest['deliver_subject'], jsck: true, chunk_size: 65_536});
		assert.doesNotMatch(
			lastRequest['deliver_subject'] as string,
			new RegExp(`^${(nc as any).protocol.muxSubscriptions.baseInbox}`),
		);
		await nc.flush();
		assert.deepEqual(acks.sort(), ['ACK.ORDERS.x.1', 'ACK.ORDERS.x.2', 'ACK.ORDERS.x.3']);
		assert.equal(backup.chunks, 4);
		assert.deepEqual(await readFile(join(dir, 'stream.tar.s2')), fixtureArchive);
		assert.equal(await readFile(join(dir, 'backup.json'), 'utf8'), fixtureJson);
		assert.deepEqual(backup.consumers, {
			included: true,
			expected: ['MONITOR', 'PROCESSOR'],
			inArchive: ['MONITOR', 'PROCESSOR'],
			missing: [],
		});
	});

	test("a status header at the end fails the backup with the server's words, and keeps nothing", async () => {
		const {dir, result} = await run('status', (_deliver, publish) => {
			publish(fixtureArchive.subarray(0, 50_000), 'ACK.ORDERS.x.1');
			publish(new Uint8Array(), undefined, [408, 'No Flow Response']);
		});
		await assert.rejects(
			result,
			(error: unknown) =>
				error instanceof DrError &&
				/ended the snapshot of ORDERS with an error: 408 No Flow Response/.test(error.message),
		);
		assert.deepEqual(await readdir(dir).catch(() => []), []);
	});

	test('silence past the idle timeout fails the backup and says what to try', async () => {
		const {dir, result} = await run(
			'idle',
			(_deliver, publish) => {
				publish(fixtureArchive.subarray(0, 50_000), 'ACK.ORDERS.x.1');
			},
			{idleTimeoutMs: 300},
		);
		await assert.rejects(
			result,
			(error: unknown) =>
				error instanceof DrError &&
				/no snapshot data for ORDERS in 300ms/.test(error.message) &&
				/--idle-timeout/.test(error.hint ?? ''),
		);
		assert.deepEqual(await readdir(dir).catch(() => []), []);
	});

	test('errors.txt in a cleanly ended archive (how 2.9 reports a failure) fails verification, and nothing is kept', async () => {
		const archive = await withErrorsTxt(fixtureArchive, 'Could not read message block [1]: bad checksum');
		const {dir, result} = await run('errors-txt', (_deliver, publish) => {
			publish(archive, 'ACK.ORDERS.x.1');
			publish(new Uint8Array());
		});
		await assert.rejects(
			result,
			(error: unknown) =>
				error instanceof DrError &&
				/failed verification, so it was not kept: .*Could not read message block \[1\]/.test(error.message),
		);
		assert.deepEqual(await readdir(dir).catch(() => []), []);
	});

	test('an abort during the transfer rejects with AbortedError and removes the temporary files', async () => {
		const controller = new AbortController();
		const {dir, result} = await run(
			'abort',
			(_deliver, publish) => {
				publish(fixtureArchive.subarray(0, 50_000), 'ACK.ORDERS.x.1');
			},
			{signal: controller.signal, onProgress: () => controller.abort()},
		);
		await assert.rejects(result, AbortedError);
		assert.deepEqual(await readdir(dir).catch(() => []), []);
	});
});

/** The fixture's tar with an errors.txt entry appended, as nats-server 2.9 writes it, in fresh S2 framing. */
async function withErrorsTxt(archive: Buffer, text: string): Promise<Buffer> {
	const blocks: Buffer[] = [];
	for await (const block of decodeS2Stream([archive])) blocks.push(Buffer.from(block));
	const tar = Buffer.concat(blocks);
	const body = Buffer.from(text);
	const header = Buffer.alloc(512);
	header.write('errors.txt', 0);
	header.write('0000600\0', 100);
	header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
	header.write('0', 156);
	header.write('ustar\u000000', 257, 'latin1');
	header.fill(0x20, 148, 156);
	header.write(
		`${header
			.reduce((sum, byte) => sum + byte, 0)
			.toString(8)
			.padStart(6, '0')}\0 `,
		148,
	);
	const padding = Buffer.alloc((512 - (body.length % 512)) % 512);
	// Drop the two zero blocks that end the tar, append the entry, end it again.
	const data = Buffer.concat([tar.subarray(0, tar.length - 1024), header, body, padding, Buffer.alloc(1024)]);
	return s2Stream(data);
}
