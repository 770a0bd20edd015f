/**
 * An account restore: every stream backup under one directory, one after the other. A failed
 * stream does not stop the others; an abort does, and the streams not yet started say so.
 */
import {exitCodes} from '../errors.js';
import {planAccountRestore, type AccountRestorePlan} from './plan.js';
import {RestoreError, runRestore, untouched, type RestoreOptions, type StreamRestoreResult} from './restore.js';

export type AccountStreamResult =
	| {stream: string; dir: string; status: 'restored'; result: StreamRestoreResult}
	| {stream: string; dir: string; status: 'failed'; error: RestoreError}
	| {stream: string; dir: string; status: 'skipped' | 'not-started'};

export type AccountRestoreResult = {root: string; streams: AccountStreamResult[]; aborted: boolean; failed: number};

export async function restoreAccount(
	source: string | AccountRestorePlan,
	options: RestoreOptions & {skipExisting?: boolean; onStreamResult?: (result: AccountStreamResult) => void},
): Promise<AccountRestoreResult> {
	const plan = typeof source === 'string' ? await planAccountRestore(options.connection, source, options) : source;
	if (plan.refused) {
		const refusals = [...plan.findings, ...plan.streams.flatMap(stream => stream.findings)].filter(finding => finding.level === 'refusal');
		throw new RestoreError(plan.root, 'preflight', `account restore refused: ${[...new Set(refusals.map(finding => finding.message))].join('; ')}`, untouched);
	}

	const streams: AccountStreamResult[] = plan.skipped.map(skipped => ({stream: skipped.stream, dir: skipped.dir, status: 'skipped'}));
	let aborted = false;
	for (const stream of plan.streams) {
		let result: AccountStreamResult;
		if (aborted) {
			result = {stream: stream.stream, dir: stream.dir, status: 'not-started'};
		} else {
			try {
				result = {stream: stream.stream, dir: stream.dir, status: 'restored', result: await runRestore(stream, options)};
			} catch (error) {
				if (!(error instanceof RestoreError)) throw error;
				result = {stream: stream.stream, dir: stream.dir, status: 'failed', error};
				aborted = error.exitCode === exitCodes.aborted;
			}
		}

		streams.push(result);
		options.onStreamResult?.(result);
	}

	return {root: plan.root, streams, aborted, failed: streams.filter(stream => stream.status === 'failed').length};
}
