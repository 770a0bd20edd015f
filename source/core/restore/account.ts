/**
 * An account restore: every stream backup under one directory, several at a time. A failed stream
 * does not stop the others; an abort does: the streams in flight end with their own outcome (each
 * says what it left behind), and the streams not yet started say so.
 */
import {exitCodes, UsageError} from '../errors.js';
import {planAccountRestore, type AccountRestorePlan} from './plan.js';
import {RestoreError, runRestore, untouched, type RestoreOptions, type StreamRestoreResult} from './restore.js';

/**
 * Streams restored at once. Each restore spends most of its time waiting (for the new stream group to
 * elect a leader, the server's final reply, the replicas), so more at once help: 60 small streams took
 * 3.2-5.1 s at 4, 2.8-3.4 s at 8 and 2.1-3.5 s at 16 (`nats account restore`: 2.7-2.9 s). Each
 * stream may hold its upload window (8 MiB by default) of the archive in memory, hence the bound.
 */
export const defaultRestoreConcurrency = 8;
export const maxRestoreConcurrency = 16;

export function checkConcurrency(concurrency: number): number {
	if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > maxRestoreConcurrency) {
		throw new UsageError(
			`--concurrency ${concurrency} is out of range`,
			`use 1 to ${maxRestoreConcurrency}; ${defaultRestoreConcurrency} is the default (each stream in flight may hold 8 MiB of its archive in memory)`,
		);
	}

	return concurrency;
}

export type AccountStreamResult =
	| {stream: string; dir: string; status: 'restored'; result: StreamRestoreResult}
	| {stream: string; dir: string; status: 'failed'; error: RestoreError}
	| {stream: string; dir: string; status: 'skipped' | 'not-started'};

export type AccountRestoreResult = {root: string; streams: AccountStreamResult[]; aborted: boolean; failed: number};

export async function restoreAccount(
	source: string | AccountRestorePlan,
	options: RestoreOptions & {
		skipExisting?: boolean;
		concurrency?: number;
		onStreamResult?: (result: AccountStreamResult) => void;
	},
): Promise<AccountRestoreResult> {
	const concurrency = checkConcurrency(options.concurrency ?? defaultRestoreConcurrency);

	const plan = typeof source === 'string' ? await planAccountRestore(options.connection, source, options) : source;
	if (plan.refused) {
		const refusals = [...plan.findings, ...plan.streams.flatMap(stream => stream.findings)].filter(
			finding => finding.level === 'refusal',
		);
		throw new RestoreError(
			plan.root,
			'preflight',
			`account restore refused: ${[...new Set(refusals.map(finding => finding.message))].join('; ')}`,
			untouched,
		);
	}

	const skipped: AccountStreamResult[] = plan.skipped.map(stream => ({
		stream: stream.stream,
		dir: stream.dir,
		status: 'skipped',
	}));
	const results: AccountStreamResult[] = [];
	let next = 0;
	let aborted = false;
	const worker = async (): Promise<void> => {
		while (next < plan.streams.length) {
			const index = next++;
			const stream = plan.streams[index]!;
			let result: AccountStreamResult;
			if (aborted || options.signal?.aborted) {
				aborted = true;
				result = {stream: stream.stream, dir: stream.dir, status: 'not-started'};
			} else {
				try {
					result = {
						stream: stream.stream,
						dir: stream.dir,
						status: 'restored',
						result: await runRestore(stream, options),
					};
				} catch (error) {
					if (!(error instanceof RestoreError)) throw error;
					result = {stream: stream.stream, dir: stream.dir, status: 'failed', error};
					if (error.exitCode === exitCodes.aborted) aborted = true;
				}
			}

			results[index] = result;
			options.onStreamResult?.(result);
		}
	};

	// Every worker runs to its end, so no upload is still going when this returns or throws.
	const ends = await Promise.allSettled(Array.from({length: Math.min(concurrency, plan.streams.length)}, worker));
	const crash = ends.find(end => end.status === 'rejected');
	if (crash) throw crash.reason;
	const streams = [...skipped, ...results];
	return {root: plan.root, streams, aborted, failed: streams.filter(stream => stream.status === 'failed').length};
}
