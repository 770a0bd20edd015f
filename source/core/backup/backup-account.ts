/**
 * Every stream of the account, one subdirectory each, named by the stream (natscli's account
 * layout, protocol doc §6.3). One stream's failure does not stop the others; memory streams are
 * warnings, as in natscli, because the server cannot snapshot them at all.
 */
import {join} from 'node:path';
import {listStreamNames} from '../diagnosis/streams.js';
import {AbortedError, DrError} from '../errors.js';
import type {JsApi} from '../jsapi.js';
import {BackupRefusedError, makeDirectory} from './backup-files.js';
import {backupStream, type BackupOptions, type BackupResult} from './backup-stream.js';

export type StreamOutcome =
	| {stream: string; status: 'ok'; result: BackupResult}
	| {stream: string; status: 'warning'; error: DrError}
	| {stream: string; status: 'failed'; error: DrError};

export type AccountBackupResult = {
	dir: string;
	/** In the order they were backed up (by name). */
	streams: StreamOutcome[];
	ok: number;
	warnings: number;
	failed: number;
};

export type AccountBackupOptions = BackupOptions & {
	/** Before each stream, with its place in the run. */
	onStream?: (stream: string, index: number, total: number) => void;
	onOutcome?: (outcome: StreamOutcome) => void;
};

export async function backupAccount(js: JsApi, dir: string, options: AccountBackupOptions = {}): Promise<AccountBackupResult> {
	// Paged past 256 streams: natscli once backed up only the first page (natscli#541).
	const names = (await listStreamNames(js)).sort();
	await makeDirectory(dir);

	const result: AccountBackupResult = {dir, streams: [], ok: 0, warnings: 0, failed: 0};
	for (const [index, stream] of names.entries()) {
		if (options.signal?.aborted) throw new AbortedError();
		options.onStream?.(stream, index, names.length);
		const outcome = await backupOne(js, stream, dir, options);
		result.streams.push(outcome);
		result[outcome.status === 'ok' ? 'ok' : outcome.status === 'warning' ? 'warnings' : 'failed']++;
		options.onOutcome?.(outcome);
	}

	return result;
}

async function backupOne(js: JsApi, stream: string, dir: string, options: BackupOptions): Promise<StreamOutcome> {
	// Stream names may not hold dots, but old servers allowed path separators (nats-server#3199).
	if (/[/\\]/.test(stream) || stream === '..') {
		return {stream, status: 'failed', error: new BackupRefusedError('unsafe-name', `the stream name "${stream}" cannot be a directory name`)};
	}

	try {
		return {stream, status: 'ok', result: await backupStream(js, stream, join(dir, stream), options)};
	} catch (error) {
		if (error instanceof AbortedError || options.signal?.aborted) throw new AbortedError();
		if (error instanceof BackupRefusedError && error.reason === 'memory-storage') return {stream, status: 'warning', error};
		return {stream, status: 'failed', error: error instanceof DrError ? error : new DrError(`unexpected error: ${(error as Error).message}`, {cause: error})};
	}
}
