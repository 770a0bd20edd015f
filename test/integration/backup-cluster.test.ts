/**
 * Backups from a real 3-node cluster (R1 and R3 streams with consumers), restored with the raw
 * protocol into an empty server, and a backup during which the stream's leader steps down.
 */
import assert from 'node:assert/strict';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, test} from 'node:test';
import {connect, type NatsConnection} from 'nats';
import {verifyBackupDir} from '../../source/core/archive/verify-backup.js';
import {backupStream} from '../../source/core/backup/backup-stream.js';
import {receiveSnapshot, type ChunkSink} from '../../source/core/backup/snapshot.js';
import {consumersNamedInArchive} from '../helpers/backup-files.js';
import {parseJson, runCli} from '../helpers/cli.js';
import {appUser, TestCluster, waitFor} from '../helpers/nats-server.js';
import {restoreRaw, streamFacts, type StreamFacts} from '../helpers/restore-raw.js';
import {addFixtureConsumers, addStream, appConnection, cliConnection, fillRandom} from '../helpers/streams.js';

describe('backup from a 3-node cluster', () => {
	let cluster: TestCluster;
	let target: TestCluster;
	let nc: NatsConnection;
	let targetNc: NatsConnection;
	let scratch: string;
	const original: Record<string, StreamFacts> = {};

	before(async () => {
		[cluster, target] = await Promise.all([TestCluster.start({nodes: 3}), TestCluster.start()]);
		scratch = await mkdtemp(join(tmpdir(), 'nats-dr-backup-cluster-'));
		nc = await appConnection(cluster);
		targetNc = await appConnection(target);
		await addStream(nc, {name: 'LOGS', num_replicas: 1}, 1000);
		await addStream(nc, {name: 'EVENTS', num_replicas: 3}, 2000);
		for (const stream of ['LOGS', 'EVENTS']) {
			await addFixtureConsumers(nc, stream);
			original[stream] = await streamFacts(nc, stream, 2);
		}

		await addStream(nc, {name: 'BIG', num_replicas: 3});
		await fillRandom(nc, 'BIG.data', 48);
		original['BIG'] = await streamFacts(nc, 'BIG');
	});

	after(async () => {
		await nc?.close();
		await targetNc?.close();
		await Promise.all([cluster?.stopAll(), target?.stopAll()]);
		if (scratch) await rm(scratch, {recursive: true, force: true});
	});

	/** Restores into the empty standalone server, as R1: a standalone server refuses R3 only after the upload (§10). */
	async function restoredFacts(dir: string, stream: string, consumers: number): Promise<StreamFacts> {
		await restoreRaw(targetNc, dir, {replicas: 1});
		try {
			return await streamFacts(targetNc, stream, consumers);
		} finally {
			await (await targetNc.jetstreamManager()).streams.delete(stream);
		}
	}

	for (const stream of ['LOGS', 'EVENTS']) {
		test(`${stream} (${stream === 'LOGS' ? 'R1' : 'R3'}) with its consumers restores into an empty server with the same messages and consumer state`, async () => {
			const dir = join(scratch, stream);
			const result = await runCli([
				'backup',
				stream,
				dir,
				'--json',
				...cliConnection(cluster, {sys: false}),
				'--audit-log',
				join(scratch, 'audit.log'),
			]);
			assert.equal(result.code, 0, result.stderr);
			assert.deepEqual(parseJson(result).consumers.in_archive, consumersNamedInArchive(['MONITOR', 'PROCESSOR']));
			assert.deepEqual(await restoredFacts(dir, stream, 2), original[stream]);
		});
	}

	test('EVENTS (R3) with --no-consumers restores its messages and no consumers', async () => {
		const dir = join(scratch, 'EVENTS-no-consumers');
		const result = await runCli([
			'backup',
			'EVENTS',
			dir,
			'--no-consumers',
			...cliConnection(cluster, {sys: false}),
			'--audit-log',
			join(scratch, 'audit.log'),
		]);
		assert.equal(result.code, 0, result.stderr);
		assert.deepEqual(await restoredFacts(dir, 'EVENTS', 0), {...original['EVENTS'], consumers: {}});
	});

	test("the snapshot arrives on a connection to the stream leader's server, not through the server connected to", async () => {
		const leader = (await (await nc.jetstreamManager()).streams.info('BIG')).cluster!.leader!;
		const other = cluster.running().find(node => node.name !== leader)!;
		const there = await connect({servers: other.url, user: appUser.user, pass: appUser.password});
		try {
			const receive = async (named: string) => {
				const sink: ChunkSink & {bytes: number} = {
					bytes: 0,
					write(chunk) {
						this.bytes += chunk.length;
					},
					// Nothing waits for a disk here: every chunk is acked at once.
					writtenBytes: 0,
					backlogLimit: Number.POSITIVE_INFINITY,
					overflowing: false,
					onDrain: undefined,
					onError: undefined,
				};
				const request = {stream: 'BIG', consumers: false, check: false, chunkSize: 1 << 20, idleTimeoutMs: 30_000};
				const totals = await receiveSnapshot(
					{nc: there, prefix: '$JS.API', timeoutMs: 10_000},
					{...request, requestTimeoutMs: 10_000, inboxPrefix: undefined, signal: undefined, leader: named},
					sink,
					{onReply() {}, onChunk() {}},
				);
				assert.ok(sink.bytes > 48 << 20, `the whole snapshot arrived (${sink.bytes} bytes)`);
				return totals;
			};

			const direct = await receive(leader);
			assert.equal(direct.receiver, 'own');
			assert.equal(direct.server, leader);
			// A leader no advertised server answers as: the connected server sends the snapshot, as before.
			assert.equal((await receive('nowhere')).server, other.name);
		} finally {
			await there.close();
		}
	});

	test('the stream leader stepping down mid-transfer: nats-server 2.9.10 finishes the snapshot from the old leader', async () => {
		const dir = join(scratch, 'BIG');
		const jsm = await nc.jetstreamManager();
		const before = (await jsm.streams.info('BIG')).cluster?.leader;
		let stepDown: Promise<unknown> | undefined;
		let steppedDownMidTransfer = false;
		let transferring = true;
		const result = await backupStream({nc, prefix: '$JS.API', timeoutMs: 5000}, 'BIG', dir, {
			// The smallest chunks and a step-down asked for with the snapshot's reply, before the first
			// chunk: received on its own connection the transfer is fast, and the step-down must be
			// answered before it ends (measured: about 0.3 s against 0.5-0.9 s).
			chunkSize: 1024,
			onStart() {
				stepDown = nc.request('$JS.API.STREAM.LEADER.STEPDOWN.BIG', undefined, {timeout: 5000}).then(() => {
					steppedDownMidTransfer = transferring;
				});
			},
			onProgress(progress) {
				transferring &&= progress.phase === 'transfer';
			},
		});
		await stepDown;
		assert.ok(steppedDownMidTransfer, 'the step-down was answered before the last chunk arrived');
		const leader = await waitFor(
			async () => {
				const now = (await jsm.streams.info('BIG')).cluster?.leader;
				return now !== undefined && now !== before && now;
			},
			{what: 'a new leader for BIG'},
		);
		assert.notEqual(leader, before);
		assert.equal(result.state.messages, original['BIG']!.messages);
		assert.equal((await verifyBackupDir(dir)).ok, true);
		assert.deepEqual(await restoredFacts(dir, 'BIG', 0), original['BIG']);
	});
});
