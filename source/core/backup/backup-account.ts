/**
 * Every stream of the account, one subdirectory each, named by the stream (natscli's account
 * layout, protocol doc §6.3), several streams at a time. One stream's failure does not stop the
 * others; memory streams are warnings, as in natscli, because the server cannot snapshot them at
 * all. Each stream keeps `backupStream`'s guarantees: on a failure or an abort its directory gets
 * no half-written files, and an abort waits until every stream in flight has cleaned up.
 */
import {join} from 'node:path';
import {allowConcurrentStreams} from '../abort-listeners.js';
import {listInfos, listStreamNames, type StreamInfoReply} from '../diagnosis/streams.js';
import {AbortedError, DrError, UsageError} from '../errors.js';
import type {JsApi} from '../jsapi.js';
import {BackupRefusedError, makeDirectory} from './backup-files.js';
import {InFlightBudget} from './in-flight-budget.js';
import {backupStream, type BackupOptions, type BackupResult} from './backup-stream.js';
import {RateMeter} from './progress.js';

/**
 * Streams backed up at once, at most, when they are small enough to fit the budget together. A small
 * stream's time is mostly round trips and fsyncs, which overlap: 1,000 streams of 10 messages took
 * 12.7 s at 4, 9.1 s at 16, 8.0 s at 32; on a disk that had not just lost thousands of files,
 * 2.72 s at 32, 2.44 s at 64, 2.59 s at 128 (docs/performance.md).
 */
export const defaultConcurrency = 64;
export const maxConcurrency = 64;

export type StreamOutcome =
	| {stream: string; status: 'ok'; result: BackupResult}
	| {stream: string; status: 'warning'; error: DrError}
	| {stream: string; status: 'failed'; error: DrError};

export type AccountBackupResult = {
	dir: string;
	/** By stream name, whatever order they finished in. */
	streams: StreamOutcome[];
	ok: number;
	warnings: number;
	failed: number;
};

/** The whole account's progress, one object updated in place: copy the fields you keep. */
export type AccountProgress = {
	streams: number;
	/** Streams finished, whatever their outcome. */
	done: number;
	failed: number;
	/** Being backed up right now, in the order they started. */
	inFlight: string[];
	/** Uncompressed bytes received, finished streams and those in flight. */
	bytes: number;
	/** The started streams' sizes, plus their average for each stream not started yet. */
	expectedBytes: number;
	bytesPerSecond: number;
	etaMs: number | undefined;
	elapsedMs: number;
};

export type AccountBackupOptions = BackupOptions & {
	/** Only these streams, in this order (the wizard's selection); every stream of the account when absent. */
	streams?: string[] | undefined;
	/** Streams backed up at once, at most (default 64); big streams are bounded by their bytes in flight too. */
	concurrency?: number;
	/** After every change: throttle in the consumer. */
	onAccountProgress?: (progress: AccountProgress) => void;
	/** Before each stream, with its place in the account. */
	onStream?: (stream: string, index: number, total: number) => void;
	onOutcome?: (outcome: StreamOutcome) => void;
};

export async function backupAccount(
	js: JsApi,
	dir: string,
	options: AccountBackupOptions = {},
): Promise<AccountBackupResult> {
	const concurrency = options.concurrency ?? defaultConcurrency;
	if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > maxConcurrency) {
		throw new UsageError(
			`--concurrency ${concurrency} is out of range`,
			`use 1 to ${maxConcurrency}: more snapshots at once can outgrow what the server buffers for one connection`,
		);
	}

	// Paged past 256 streams: natscli once backed up only the first page (natscli#541).
	const names = options.streams ?? (await listStreamNames(js)).sort();
	// A selection asks each of its streams: the listing pages through the whole account.
	const infos = options.streams ? new Map<string, StreamInfoReply>() : await listedInfos(js, names.length);
	await makeDirectory(dir);
	allowConcurrentStreams(options.signal, concurrency);

	const tracker = new AccountTracker(names.length, options.onAccountProgress);
	const outcomes: StreamOutcome[] = [];
	const running = new Set<Promise<void>>();
	const budget = new InFlightBudget(concurrency);
	let aborted = false;
	for (const [index, stream] of names.entries()) {
		const info = infos.get(stream);
		const cost = InFlightBudget.cost(info?.state?.bytes);
		while (!budget.admits(cost)) await Promise.race(running);
		if (aborted || options.signal?.aborted) break;
		budget.take(cost);
		options.onStream?.(stream, index, names.length);
		tracker.started(stream);
		const task = backupOne(js, stream, dir, {
			...options,
			info,
			onStart(start) {
				tracker.sized(start.expectedBytes);
				options.onStart?.(start);
			},
			onProgress(progress) {
				tracker.progress(stream, progress.uncompressedBytes);
				options.onProgress?.(progress);
			},
		}).then(outcome => {
			running.delete(task);
			budget.release(cost);
			if (outcome === undefined) {
				aborted = true;
				return;
			}

			outcomes[index] = outcome;
			tracker.finished(stream, outcome);
			options.onOutcome?.(outcome);
		});
		running.add(task);
	}

	// Every stream started runs to its end, so nothing is left writing when this returns or throws.
	await Promise.all(running);
	if (aborted || options.signal?.aborted) throw new AbortedError();
	const result: AccountBackupResult = {dir, streams: outcomes, ok: 0, warnings: 0, failed: 0};
	for (const outcome of outcomes)
		result[outcome.status === 'ok' ? 'ok' : outcome.status === 'warning' ? 'warnings' : 'failed']++;
	return result;
}

/**
 * Every stream's info from STREAM.LIST, 256 a page, instead of a STREAM.INFO each. A page that does
 * not answer (a dead node can stall it) leaves its streams to ask for themselves.
 */
async function listedInfos(js: JsApi, total: number): Promise<Map<string, StreamInfoReply>> {
	const listing = total === 0 ? undefined : await listInfos(js, total, js.timeoutMs);
	return new Map(listing?.infos.map(info => [info.config.name, info]));
}

/** Undefined when the operator aborted: the stream's files are cleaned up by then. */
async function backupOne(
	js: JsApi,
	stream: string,
	dir: string,
	options: BackupOptions,
): Promise<StreamOutcome | undefined> {
	// Stream names may not hold dots, but old servers allowed path separators (nats-server#3199).
	if (/[/\\]/.test(stream) || stream === '..') {
		return {
			stream,
			status: 'failed',
			error: new BackupRefusedError('unsafe-name', `the stream name "${stream}" cannot be a directory name`),
		};
	}

	try {
		return {stream, status: 'ok', result: await backupStream(js, stream, join(dir, stream), options)};
	} catch (error) {
		if (error instanceof AbortedError || options.signal?.aborted) return undefined;
		if (error instanceof BackupRefusedError && error.reason === 'memory-storage')
			return {stream, status: 'warning', error};
		return {
			stream,
			status: 'failed',
			error:
				error instanceof DrError ? error : new DrError(`unexpected error: ${(error as Error).message}`, {cause: error}),
		};
	}
}

class AccountTracker {
	readonly #progress: AccountProgress;
	readonly #onProgress: ((progress: AccountProgress) => void) | undefined;
	readonly #meter: RateMeter;
	readonly #started: number;
	readonly #live = new Map<string, number>();
	#finishedBytes = 0;
	#sizedBytes = 0;
	#sized = 0;

	constructor(streams: number, onProgress: ((progress: AccountProgress) => void) | undefined) {
		this.#started = performance.now();
		this.#meter = new RateMeter(0, this.#started);
		this.#onProgress = onProgress;
		this.#progress = {
			streams,
			done: 0,
			failed: 0,
			inFlight: [],
			bytes: 0,
			expectedBytes: 0,
			bytesPerSecond: 0,
			etaMs: undefined,
			elapsedMs: 0,
		};
	}

	started(stream: string): void {
		this.#live.set(stream, 0);
		this.#report();
	}

	sized(expectedBytes: number): void {
		this.#sizedBytes += expectedBytes;
		this.#sized++;
		this.#report();
	}

	progress(stream: string, bytes: number): void {
		this.#live.set(stream, bytes);
		this.#report();
	}

	finished(stream: string, outcome: StreamOutcome): void {
		this.#live.delete(stream);
		if (outcome.status === 'ok') this.#finishedBytes += outcome.result.uncompressedBytes;
		this.#progress.done++;
		if (outcome.status === 'failed') this.#progress.failed++;
		this.#report();
	}

	#report(): void {
		if (!this.#onProgress) return;
		const progress = this.#progress;
		const now = performance.now();
		let live = 0;
		for (const bytes of this.#live.values()) live += bytes;
		progress.bytes = this.#finishedBytes + live;
		progress.inFlight = [...this.#live.keys()];
		const unsized = progress.streams - this.#sized;
		progress.expectedBytes = this.#sizedBytes + (this.#sized === 0 ? 0 : (this.#sizedBytes / this.#sized) * unsized);
		this.#meter.update(progress.bytes, now);
		progress.bytesPerSecond = this.#meter.bytesPerSecond;
		progress.etaMs =
			progress.bytesPerSecond > 0 && progress.expectedBytes > 0
				? Math.max(0, ((progress.expectedBytes - progress.bytes) * 1000) / progress.bytesPerSecond)
				: undefined;
		progress.elapsedMs = now - this.#started;
		this.#onProgress(progress);
	}
}
