/**
 * Writes snapshot chunks to a file as they arrive. Chunks queue in memory only while a write is in
 * flight, and go out together in one `writev`, so a fast link costs few system calls; past a limit
 * the sink reports a backlog, which holds back acks until the disk catches up.
 */
import {open, unlink, type FileHandle} from 'node:fs/promises';
import {DrError} from '../errors.js';
import type {ChunkSink} from './snapshot.js';

/** Above this much unwritten data the server is slowed down through withheld acks. */
const backlogLimit = 32 << 20;

export class ArchiveFile implements ChunkSink {
	readonly path: string;
	/** Bytes handed to `write`, written or not. */
	bytes = 0;
	onDrain: (() => void) | undefined;
	onError: ((error: Error) => void) | undefined;

	readonly #handle: FileHandle;
	#queue: Uint8Array[] = [];
	#queuedBytes = 0;
	#flushing: Promise<void> | undefined;
	#failure: Error | undefined;

	private constructor(path: string, handle: FileHandle) {
		this.path = path;
		this.#handle = handle;
	}

	/** Creates the file; it must not exist yet. */
	static async create(path: string): Promise<ArchiveFile> {
		return new ArchiveFile(path, await open(path, 'wx'));
	}

	get backlogged(): boolean {
		return this.#queuedBytes > backlogLimit;
	}

	write(chunk: Uint8Array): void {
		this.bytes += chunk.length;
		if (this.#failure) return;
		this.#queue.push(chunk);
		this.#queuedBytes += chunk.length;
		this.#flushing ??= this.#flush();
	}

	/** Writes what is queued, syncs the file to disk and closes it. */
	async close(): Promise<void> {
		try {
			await this.#flushing;
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
		await this.#handle.close().catch(() => undefined);
		await unlink(this.path).catch(() => undefined);
	}

	async #flush(): Promise<void> {
		try {
			while (this.#queue.length > 0 && !this.#failure) {
				const batch = this.#queue;
				const size = this.#queuedBytes;
				this.#queue = [];
				const {bytesWritten} = await this.#handle.writev(batch);
				if (bytesWritten !== size) throw new Error(`short write: ${bytesWritten} of ${size} bytes`);
				this.#queuedBytes -= size;
				if (!this.backlogged) this.onDrain?.();
			}
		} catch (error) {
			this.#failure = new DrError(`cannot write ${this.path}: ${(error as Error).message}`, {
				hint: 'check the free space and the permissions of the backup directory',
				cause: error,
			});
			this.#queue = [];
			this.onError?.(this.#failure);
		} finally {
			this.#flushing = undefined;
		}
	}
}
