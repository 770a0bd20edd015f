/**
 * An account restore: every stream backup under one directory, several at a time. A failed stream
 * does not stop the others; an abort does: the streams in flight end with their own outcome (each
 * says what it left behind), and the streams not yet started say so.
 */
import {exitCodes, UsageError} from '../errors.js';
import {planAccountRestore, type AccountRestorePlan} from './plan.js';
import {RestoreError, runRestore, untouched, type RestoreOptions, type StreamRestoreResult} from './restore.js';

/**
 * Streams restored at once. Each restore spends most of its time waiting: for the new stream group
 * to elect a leader, for the server's final reply, for the replicas to catch up (docs/performance.md).
 */
export const defaultRestoreConcurrency = 4;
const maxConcurrency = 64;

export function checkConcurrency(concurrency: number): number {
	if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > maxConcurrency) {
		throw new UsageError(`--concurrency ${concurrency} is out of range`, `use 1 to ${maxConcurrency}; ${defaultRestoreConcurrency} is the default`);
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
	options: RestoreOptions & {skipExisting?: boolean; concurrency?: number; onStreamResult?: (result: AccountStreamResult) => void},
): Promise<AccountRestoreResult> {
	const concurrency = checkConcurrency(options.concurrency ?? defaultRestoreConcurrency);

	const plan = typeof source === 'string' ? await planAccountRestore(options.connection, source, options) : source;
	if (plan.refused) {
		const refusals = [...plan.findings, ...plan.streams.flatMap(stream => stream.findings)].filter(finding => finding.level === 'refusal');
		throw new RestoreError(plan.root, 'preflight', `account restore refused: ${[...new Set(refusals.map(finding => finding.message))].join('; ')}`, untouched);
	}

	const skipped: AccountStreamResult[] = plan.skipped.map(stream => ({stream: stream.stream, dir: stream.dir, status: 'skipped'}));
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
					result = {stream: stream.stream, dir: stream.dir, status: 'restored', result: await runRestore(stream, options)};
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
