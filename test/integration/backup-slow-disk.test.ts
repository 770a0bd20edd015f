/**
 * A slow disk must slow the snapshot down, not fill memory: the receiving side writes into a sink
 * that drains at a fixed rate (a throttled write stream), and the unwritten bytes must stay bounded.
 * nats-server before 2.10.12 sends a chunk every 10 ms even without acks, so below that floor the
 * backup has to stop with a clear error instead; newer servers wait for the acks.
 */
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';
import type {NatsConnection} from 'nats';
import {smallerChunkAfter} from '../../source/core/backup/backup-stream.js';
import {
	afterGivenUpSnapshot,
	receiveSnapshot,
	SnapshotOverflowError,
	type ChunkSink,
	type SnapshotTotals,
} from '../../source/core/backup/snapshot.js';
import {DrError} from '../../source/core/errors.js';
import {serverAtLeast, TestCluster} from '../helpers/nats-server.js';
import {addStream, appConnection, fillRandom} from '../helpers/streams.js';

const unwrittenLimit = 8 << 20;
/** Below the 48 MiB stream, so that an old server's unacked sends reach it. */
const overflowLimit = 24 << 20;
/**
 * What may wait for the disk: the limit plus what the server has in flight when the acks stop. Up to
 * 2.10.11 and from 2.12.5 that is its 8 MiB window and a chunk. 2.10.12 to 2.12.4 (2.11 too) send up
 * to 8 MiB more: every ack that finds the window open leaves a wake-up token (a channel of 8 MiB /
 * chunk size places), and once the window is full the sender spends each token on a chunk without
 * looking at the window again (jetstream_api.go, streamSnapshot); 2.10.27 held 23 MiB with this limit.
 */
const staleWakeUps = serverAtLeast(2, 10, 12) && !serverAtLeast(2, 12, 5);
const mostUnwritten = unwrittenLimit + (9 << 20) + (staleWakeUps ? 8 << 20 : 0);

/** Takes chunks at once and "writes" them at `bytesPerSecond`, keeping them in memory meanwhile. */
class ThrottledSink implements ChunkSink {
	onDrain: (() => void) | undefined;
	onError: ((error: Error) => void) | undefined;
	readonly backlogLimit = unwrittenLimit;
	pendingBytes = 0;
	mostPending = 0;
	writtenBytes = 0;
	readonly #queue: Uint8Array[] = [];
	readonly #timer: NodeJS.Timeout;

	constructor(bytesPerSecond: number) {
		const tickMs = 10;
		this.#timer = setInterval(() => {
			let budget = (bytesPerSecond * tickMs) / 1000;
			while (budget > 0 && this.#queue.length > 0) {
				const chunk = this.#queue[0]!;
				const take = Math.min(budget, chunk.length);
				budget -= take;
				this.pendingBytes -= take;
				this.writtenBytes += take;
				if (take === chunk.length) this.#queue.shift();
				else this.#queue[0] = chunk.subarray(take);
			}

			this.onDrain?.();
		}, tickMs);
	}

	get overflowing(): boolean {
		return this.pendingBytes > overflowLimit;
	}

	write(chunk: Uint8Array): void {
		this.#queue.push(chunk);
		this.pendingBytes += chunk.length;
		this.mostPending = Math.max(this.mostPending, this.pendingBytes);
	}

	stop(): void {
		clearInterval(this.#timer);
	}
}

describe('a backup to a slow disk', () => {
	let server: TestCluster;
	let nc: NatsConnection;

	before(async () => {
		server = await TestCluster.start();
		nc = await appConnection(server);
		await addStream(nc, {name: 'SLOW'});
		await fillRandom(nc, 'SLOW.data', 48);
	});

	after(async () => {
		await nc?.close();
		await server?.stopAll();
	});

	async function snapshotInto(sink: ThrottledSink, chunkSize: number, ownConnection: boolean): Promise<unknown> {
		try {
			// A test before may have given up a snapshot that an old server still finishes.
			return await afterGivenUpSnapshot(
				async () =>
					receiveSnapshot(
						{nc, prefix: '$JS.API', timeoutMs: 10_000},
						{
							stream: 'SLOW',
							consumers: false,
							check: false,
							chunkSize,
							idleTimeoutMs: 30_000,
							requestTimeoutMs: 10_000,
							inboxPrefix: undefined,
							signal: undefined,
							ownConnection,
						},
						sink,
						{onReply() {}, onChunk() {}},
					),
				undefined,
			);
		} catch (error) {
			return error;
		} finally {
			sink.stop();
		}
	}

	for (const [receiver, ownConnection] of [
		['own', true],
		['nats.js', false],
	] as const) {
		test(`withheld acks keep the unwritten data near the backlog limit when the disk keeps up with the server's floor (received by ${receiver})`, async t => {
			// 64 KiB chunks: an old server's unacked floor is 6.25 MiB/s, under this disk's 24 MiB/s.
			const sink = new ThrottledSink(24 << 20);
			const outcome = await snapshotInto(sink, 64 * 1024, ownConnection);
			t.diagnostic(`most unwritten: ${sink.mostPending} bytes`);
			assert.ok(!(outcome instanceof Error), String(outcome));
			assert.equal((outcome as SnapshotTotals).receiver, receiver);
			assert.ok(
				sink.writtenBytes + sink.pendingBytes > 48 << 20,
				`the whole stream arrived (${sink.writtenBytes + sink.pendingBytes} bytes)`,
			);
			assert.ok(sink.mostPending <= mostUnwritten, `at most ${sink.mostPending} bytes waited for the disk`);
		});

		test(`a disk slower than the server's floor stops the backup with a clear error before memory runs away (received by ${receiver})`, async t => {
			// 1 MiB chunks: an old server sends 100 MiB/s without acks, far above this disk's 4 MiB/s.
			const sink = new ThrottledSink(4 << 20);
			const outcome = await snapshotInto(sink, 1 << 20, ownConnection);
			t.diagnostic(`most unwritten: ${sink.mostPending} bytes`);
			assert.ok(sink.mostPending <= overflowLimit + (1 << 20), `at most ${sink.mostPending} bytes waited for the disk`);
			// Servers from 2.10.12 on wait for the acks, so there the backup completes, slowly.
			if (!(outcome instanceof Error)) {
				assert.ok(sink.mostPending <= mostUnwritten, `at most ${sink.mostPending} bytes waited for the disk`);
			} else {
				assert.ok(outcome instanceof DrError);
				assert.match(outcome.message, /the backup disk is slower than the server sends the snapshot of SLOW/);
				assert.match(outcome.hint ?? '', /a smaller --chunk-size/);
			}
		});
	}

	test('after the disk fell behind 1 MiB chunks, the snapshot taken again in the smaller ones arrives whole', async () => {
		const first = await snapshotInto(new ThrottledSink(4 << 20), 1 << 20, true);
		// Servers from 2.10.12 on wait for the acks: nothing to take again.
		if (!(first instanceof Error)) return;
		assert.ok(first instanceof SnapshotOverflowError, String(first));
		const smaller = smallerChunkAfter(first, {asked: undefined, chunkSize: 1 << 20});
		assert.equal(smaller, 128 * 1024);
		// Right away, as backupStream does, waiting only while the server lets go of the given-up one.
		const sink = new ThrottledSink(1 << 30);
		const second = await snapshotInto(sink, smaller, true);
		assert.ok(!(second instanceof Error), String(second));
		assert.ok(
			sink.writtenBytes + sink.pendingBytes > 48 << 20,
			`the whole stream arrived (${sink.writtenBytes + sink.pendingBytes} bytes)`,
		);
	});
});
