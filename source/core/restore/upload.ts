/**
 * The restore upload: `stream.tar.s2` in chunks, each a request to the restore's deliver subject.
 * jsm.go waits for each reply before sending the next; round trips, not the server, then set the
 * pace (protocol doc §4.6). Here a window of chunks is in flight on the one connection, which the
 * server handles in order, and every reply is still checked. The file is read as a stream, and each
 * chunk read goes through the verifier too, while the server works on it: one read serves both.
 */
import {createReadStream} from 'node:fs';
import {ErrorCode, Events, type NatsConnection} from 'nats';
import {AbortedError, DrError} from '../errors.js';

export type UploadOptions = {
	chunkSize: number;
	/** The archive's size when planned: a small one is read into a buffer of its size, not of a chunk's. */
	archiveBytes: number;
	/** Chunks in flight at once; 1 is jsm.go's stop-and-wait. */
	window: number;
	/** A chunk without a reply for this long means the restoring server is gone. */
	chunkTimeoutMs: number;
	/** When the server started waiting for data: its 5 s stall timer runs from here. */
	startedAt: number;
	signal?: AbortSignal;
	/** After each acknowledged chunk: bytes and chunks the server has taken so far. */
	onAck?: (bytes: number, chunks: number) => void;
	/** Sees every chunk once it is sent; the upload stops reading at its first problem. */
	verifier?: {push(data: Uint8Array): void; readonly failed: boolean};
	/**
	 * Asked once the verifier has seen the whole archive, before the last chunk goes out: problems keep
	 * it back. nats-server from 2.12 restores an archive it has read to the end without waiting for the end
	 * marker, so an archive found wrong only as a whole (its recorded checksum) must not reach its end.
	 */
	verdictBeforeLastChunk?: () => string[];
};

export type UploadResult = {bytes: number; chunks: number};

/** The server drops a restore after 5 s without data; a gap this long on our side explains a 503. */
const stallSuspectMs = 4000;
/** How long after the server began to wait the first chunk may still be sent again when nobody heard it. */
const firstChunkRetryMs = 3000;

export async function uploadArchive(
	nc: NatsConnection,
	subject: string,
	path: string,
	options: UploadOptions,
): Promise<UploadResult> {
	const {chunkSize, window, chunkTimeoutMs, signal, onAck, verifier} = options;
	const stop = stopOnDisconnectOrAbort(nc, signal, 'during the upload');
	const inFlight: Array<Promise<DrError | undefined>> = [];
	let bytes = 0;
	let chunks = 0;
	let sent = 0;
	let lastSendAt = options.startedAt;
	/**
	 * `previousSentAt`: when the chunk before was handed to the client. The server cannot have waited
	 * longer between the two than from then to this chunk's failure; the request itself may leave the
	 * socket much later than it was made (a process stopped by SIGSTOP sends it only on SIGCONT).
	 */
	const send = async (data: Buffer, index: number, previousSentAt: number): Promise<DrError | undefined> => {
		for (;;) {
			try {
				const reply = await nc.request(subject, data, {timeout: chunkTimeoutMs});
				const problem = chunkReplyProblem(reply.data);
				if (problem) return new DrError(`the server refused chunk ${index} of the upload: ${problem}`);
				bytes += data.length;
				chunks++;
				onAck?.(bytes, chunks);
				return undefined;
			} catch (error) {
				// Across a gateway the restoring server's subscription may not have reached this client's
				// server yet, so the first chunk finds nobody; it is sent alone, and again while the
				// server's 5 s stall timer leaves room.
				const unheard = (error as {code?: string}).code === ErrorCode.NoResponders;
				if (!(unheard && index === 1 && performance.now() - options.startedAt < firstChunkRetryMs) || signal?.aborted)
					return chunkError(error, index, performance.now() - previousSentAt, chunkTimeoutMs);
				await new Promise(resolve => setTimeout(resolve, 100));
			}
		}
	};

	const settleOldest = async (): Promise<void> => {
		const failure = await Promise.race([inFlight.shift()!, stop.stopped]);
		if (failure) throw failure;
	};

	const sendNext = async (data: Buffer): Promise<void> => {
		while (inFlight.length >= window) await settleOldest();
		const now = performance.now();
		inFlight.push(send(data, ++sent, lastSendAt));
		lastSendAt = now;
		if (sent === 1) await settleOldest();
	};

	try {
		// One chunk is read ahead, so the last one is known as the last before it is sent.
		let held: Buffer | undefined;
		// Every read allocates a buffer of this size: 1 MiB per read for a thousand small archives made
		// the collector the account restore's largest cost.
		const readSize = Math.max(1, Math.min(chunkSize, options.archiveBytes));
		for await (const data of createReadStream(path, {highWaterMark: readSize})) {
			if (held) {
				await sendNext(held);
				verifier?.push(held);
				if (verifier?.failed) {
					held = undefined;
					break;
				}
			}

			held = data as Buffer;
		}

		if (held) {
			verifier?.push(held);
			const sound = !verifier?.failed && (options.verdictBeforeLastChunk?.() ?? []).length === 0;
			if (sound) await sendNext(held);
		}

		while (inFlight.length > 0) await settleOldest();
	} catch (error) {
		if (error instanceof DrError) throw error;
		throw new DrError(`cannot read ${path} during the upload: ${(error as Error).message}`, {cause: error});
	} finally {
		stop.dispose();
	}

	return {bytes, chunks};
}

/** Pure: the server's complaint in a chunk reply, as jsm.go IsErrorResponse reads it; undefined when the chunk was taken. */
export function chunkReplyProblem(data: Uint8Array): string | undefined {
	if (data.length === 0) return undefined;
	const text = new TextDecoder().decode(data).trim();
	if (text.startsWith('-ERR'))
		return text
			.slice(4)
			.trim()
			.replace(/^'(.*)'$/, '$1');
	if (!text.startsWith('{')) return undefined;
	try {
		const {error} = JSON.parse(text) as {error?: {code?: number; err_code?: number; description?: string}};
		if (!error) return undefined;
		return `${error.description ?? 'unknown error'}${error.code ? ` (${error.code}${error.err_code ? `/${error.err_code}` : ''})` : ''}`;
	} catch {
		return undefined;
	}
}

function chunkError(error: unknown, index: number, gapMs: number, timeoutMs: number): DrError {
	const code = (error as {code?: string}).code;
	if (code === ErrorCode.NoResponders) {
		return gapMs > stallSuspectMs
			? new DrError(
					`the server abandoned the restore (stalled > 5 s): chunk ${index} was refused ${(gapMs / 1000).toFixed(1)} s after the one before was sent`,
				)
			: new DrError(
					`the server abandoned the restore: nothing receives chunk ${index} any more (the restoring server stopped, or lost its route to the server this client is connected to)`,
				);
	}

	if (code === ErrorCode.Timeout) {
		return new DrError(
			`no reply to chunk ${index} of the upload within ${Math.round(timeoutMs / 1000)} s: the restoring server stopped answering`,
			{
				hint: 'if the link to the server is slow rather than the server gone, retry with a smaller --window or --chunk-size',
			},
		);
	}

	if (code === ErrorCode.ConnectionClosed) return new DrError('the connection was closed during the upload');
	return new DrError(`chunk ${index} of the upload failed: ${(error as Error).message}`, {cause: error});
}

/**
 * A promise that rejects when the operator aborts or the connection drops. A dropped connection
 * ends the restore on the server too (it stalls), so waiting for the chunk timeout would only delay
 * the news.
 */
export function stopOnDisconnectOrAbort(
	nc: NatsConnection,
	signal: AbortSignal | undefined,
	during: string,
): {stopped: Promise<never>; dispose: () => void} {
	let reject: (error: DrError) => void = () => undefined;
	const stopped = new Promise<never>((_resolve, fail) => {
		reject = fail;
	});
	// Nobody may be awaiting it at the moment it fires.
	stopped.catch(() => undefined);
	const onAbort = (): void => reject(new AbortedError());
	signal?.addEventListener('abort', onAbort, {once: true});
	if (signal?.aborted) onAbort();
	const server = nc.info?.server_name ?? 'the server';
	const status = nc.status() as AsyncIterable<{type: string}> & {stop?: () => void};
	void (async () => {
		for await (const event of status) {
			if (event.type === Events.Disconnect) reject(new DrError(`lost the connection to ${server} ${during}`));
		}
	})();
	return {
		stopped,
		dispose() {
			signal?.removeEventListener('abort', onAbort);
			status.stop?.();
		},
	};
}
