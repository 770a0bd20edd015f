/**
 * Writes snapshot chunks to a file as they arrive. Each chunk is copied into a reusable 1 MiB slab
 * and released at once: nats.js hands out a fresh buffer per message, and holding those until the
 * disk took them kept them alive long enough to be promoted, so garbage piled up to twice the
 * backlog (measured: RSS 160 MiB against 90 MiB for a drain). The copy costs far less than that.
 * Slabs go out together in one `writev`, and what was written is passed on from the same slab (to
 * the verifier); after each write it reports how far the disk got, so the acks of chunks more than
 * the backlog limit ahead of it wait.
 */
import {open, unlink, type FileHandle} from 'node:fs/promises';
import {DrError} from '../errors.js';
import type {ChunkSink} from './snapshot.js';

const slabSize = 1 << 20;
/**
 * For archives expected to be smaller: an account backup of a thousand small streams allocated a
 * 1 MiB slab for each, and collecting them cost more CPU than the rest of the client's work.
 */
const smallSlabSize = 64 << 10;
/**
 * Above this much unwritten data the server is slowed down through withheld acks. 8 MiB let a
 * 512 MiB backup of 64 KiB messages peak at 104-117 MiB RSS; at 4 MiB it stayed at 96-100 MiB, no
 * slower (nine runs each, docs/performance.md).
 */
const unwrittenLimit = 4 << 20;
/** Past this, withheld acks did not slow the server enough (an old server, a slow disk): the backup stops. */
const overflowLimit = 64 << 20;
/**
 * Emptied slabs kept for reuse: enough for a full backlog plus the server's 8 MiB window, so a slow
 * disk does not turn slabs into garbage that only a full collection would return.
 */
const spareSlabs = 16;
/**
 * Written data is synced in the background every this many bytes, so the final fsync finds little
 * left to write back: measured 0.23 s for a 534 MiB archive synced only at the end.
 */
const syncEveryBytes = 32 << 20;

type Slab = {buffer: Buffer; fill: number; written: number};

export class ArchiveFile implements ChunkSink {
	readonly path: string;
	/** Bytes handed to `write`, written or not. */
	bytes = 0;
	readonly backlogLimit = unwrittenLimit;
	onDrain: (() => void) | undefined;
	onError: ((error: Error) => void) | undefined;

	readonly #handle: FileHandle;
	/** Full slabs waiting for the disk, oldest first; the last one may still be filling. */
	readonly #slabs: Slab[] = [];
	readonly #spare: Buffer[] = [];
	#writtenBytes = 0;
	#flushing: Promise<void> | undefined;
	#syncing: Promise<void> | undefined;
	#syncedUpTo = 0;
	#failure: Error | undefined;
	readonly #onWritten: ((bytes: Uint8Array) => void) | undefined;
	readonly #slabSize: number;

	private constructor(
		path: string,
		handle: FileHandle,
		onWritten: ((bytes: Uint8Array) => void) | undefined,
		slabBytes: number,
	) {
		this.path = path;
		this.#handle = handle;
		this.#onWritten = onWritten;
		this.#slabSize = slabBytes;
	}

	/**
	 * Creates the file; it must not exist yet. `onWritten` sees every byte, in order, once the file
	 * took it; the view is only valid during the call. `expectedBytes`, the stream's size when known,
	 * lets a small archive take a small slab.
	 */
	static async create(
		path: string,
		onWritten?: (bytes: Uint8Array) => void,
		{expectedBytes}: {expectedBytes?: number | undefined} = {},
	): Promise<ArchiveFile> {
		const slabBytes = expectedBytes !== undefined && expectedBytes < smallSlabSize ? smallSlabSize : slabSize;
		return new ArchiveFile(path, await open(path, 'wx'), onWritten, slabBytes);
	}

	get writtenBytes(): number {
		return this.#writtenBytes;
	}

	get overflowing(): boolean {
		return this.#pendingBytes > overflowLimit;
	}

	get #pendingBytes(): number {
		return this.bytes - this.#writtenBytes;
	}

	write(chunk: Uint8Array): void {
		if (this.#failure) return;
		let at = 0;
		while (at < chunk.length) {
			let slab = this.#slabs.at(-1);
			if (slab === undefined || slab.fill === this.#slabSize) {
				slab = {buffer: this.#spare.pop() ?? Buffer.allocUnsafeSlow(this.#slabSize), fill: 0, written: 0};
				this.#slabs.push(slab);
			}

			const take = Math.min(this.#slabSize - slab.fill, chunk.length - at);
			slab.buffer.set(chunk.subarray(at, at + take), slab.fill);
			slab.fill += take;
			at += take;
		}

		this.bytes += chunk.length;
		this.#flushing ??= this.#flush();
	}

	/** Resolves once everything handed to `write` so far is written (not yet synced). */
	async flushed(): Promise<void> {
		await this.#flushing;
		if (this.#failure) throw this.#failure;
	}

	/** Writes what is queued, syncs the file to disk and closes it. */
	async close(): Promise<void> {
		try {
			await this.#flushing;
			await this.#syncing;
			if (this.#failure) throw this.#failure;
			await this.#handle.sync();
		} finally {
			await this.#handle.close();
		}
	}

	/** Closes and removes the file, for a backup that will not be completed. */
	async discard(): Promise<void> {
		this.#failure ??= new Error('discarded');
		await this.#flushing;
		await this.#syncing;
		await this.#handle.close().catch(() => undefined);
		await unlink(this.path).catch(() => undefined);
	}

	async #flush(): Promise<void> {
		try {
			while (!this.#failure) {
				// Everything not yet written, the filling slab's tail included; later chunks land beyond it.
				const parts = this.#slabs
					.filter(slab => slab.fill > slab.written)
					.map(slab => {
						const part = slab.buffer.subarray(slab.written, slab.fill);
						slab.written = slab.fill;
						return part;
					});
				if (parts.length === 0) break;
				const size = parts.reduce((total, part) => total + part.length, 0);
				const {bytesWritten} = await this.#handle.writev(parts);
				if (bytesWritten !== size) throw new Error(`short write: ${bytesWritten} of ${size} bytes`);
				this.#writtenBytes += size;
				if (this.#onWritten) for (const part of parts) this.#onWritten(part);
				this.#recycle();
				this.#syncInBackground();
				this.onDrain?.();
			}
		} catch (error) {
			this.#fail(error);
		} finally {
			this.#flushing = undefined;
		}
	}

	#syncInBackground(): void {
		if (this.#syncing || this.#writtenBytes - this.#syncedUpTo < syncEveryBytes) return;
		const upTo = this.#writtenBytes;
		this.#syncing = this.#handle
			.datasync()
			.then(() => {
				this.#syncedUpTo = upTo;
			})
			// Linux may report a failed write-back once only, so a later fsync would not see it again.
			.catch((error: unknown) => this.#fail(error))
			.finally(() => {
				this.#syncing = undefined;
			});
	}

	#fail(error: unknown): void {
		if (this.#failure) return;
		this.#failure = new DrError(`cannot write ${this.path}: ${(error as Error).message}`, {
			hint: 'check the free space and the permissions of the backup directory',
			cause: error,
		});
		this.#slabs.length = 0;
		this.onError?.(this.#failure);
	}

	/** Full slabs that are written are free again; the last one keeps filling. */
	#recycle(): void {
		while (this.#slabs.length > 1 && this.#slabs[0]!.written === this.#slabSize) {
			const {buffer} = this.#slabs.shift()!;
			if (this.#spare.length < spareSlabs) this.#spare.push(buffer);
		}
	}
}
