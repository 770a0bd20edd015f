/**
 * Backups, for both faces: one stream into its own directory, or several streams (the wizard's
 * selection, or the whole account) one subdirectory each under a root, refusing names that cannot be
 * directory names. Every stream gets its audit record, and a whole-account backup one more for itself.
 */
import {join} from 'node:path';
import type {AuditRecord} from '../core/audit.js';
import {
	backupAccount,
	type AccountBackupOptions,
	type AccountBackupResult,
	type StreamOutcome,
} from '../core/backup/backup-account.js';
import {BackupRefusedError} from '../core/backup/backup-files.js';
import {backupStream, type BackupOptions, type BackupResult} from '../core/backup/backup-stream.js';
import {AbortedError, DrError} from '../core/errors.js';
import {formatBytes} from '../core/format.js';
import type {JsApi} from '../core/jsapi.js';
import {accountBackupCommand, streamBackupCommand} from '../core/nats-command.js';
import type {Audit} from './audit-trail.js';

/** How the snapshots are taken: the same for every stream of one run. */
export type BackupSettings = Omit<BackupOptions, 'signal' | 'onStart' | 'onProgress'>;

export type BackupHooks = Pick<BackupOptions, 'onStart' | 'onProgress'> & {signal: AbortSignal; audit: Audit};

/** One stream into `dir`, as `nats stream backup STREAM DIR` does; a failure is audited, then thrown. */
export async function backupOneStream(
	js: JsApi,
	stream: string,
	dir: string,
	settings: BackupSettings,
	{audit, ...hooks}: BackupHooks,
): Promise<BackupResult> {
	let result: BackupResult;
	try {
		result = await backupStream(js, stream, dir, {...settings, ...hooks});
	} catch (error) {
		await audit(failureRecord(stream, dir, settings, error));
		throw error;
	}

	await audit(successRecord(result, settings));
	return result;
}

export type StreamsBackupHooks = BackupHooks &
	Pick<AccountBackupOptions, 'onAccountProgress'> & {
		/** Before each stream, with its place in the run and the directory it goes to. */
		onStream?: (stream: string, index: number, total: number, dir: string) => void;
		/** Each stream's outcome as it finishes, with the directory it was written to (none for a refused name). */
		onOutcome?: (outcome: StreamOutcome, dir: string | undefined) => void;
	};

/**
 * Several streams under `root`, one subdirectory each, named by the stream (natscli's account layout);
 * every stream of the account when `streams` is undefined. One stream's failure does not stop the others.
 */
export async function backupStreams(
	js: JsApi,
	root: string,
	streams: string[] | undefined,
	settings: BackupSettings & {concurrency?: number | undefined},
	{audit, onOutcome, onStream, ...hooks}: StreamsBackupHooks,
): Promise<AccountBackupResult> {
	const {concurrency, ...snapshot} = settings;
	const account = streams === undefined;
	const inFlight = new Set<string>();
	// Chained, so the log keeps the order the streams finished in.
	let audits: Promise<unknown> = Promise.resolve();
	let result: AccountBackupResult;
	try {
		result = await backupAccount(js, root, {
			...snapshot,
			...hooks,
			...(concurrency === undefined ? {} : {concurrency}),
			streams,
			onStream(stream, index, total) {
				inFlight.add(stream);
				onStream?.(stream, index, total, join(root, stream));
			},
			onOutcome(outcome) {
				inFlight.delete(outcome.stream);
				const refusedName =
					outcome.status !== 'ok' &&
					outcome.error instanceof BackupRefusedError &&
					outcome.error.reason === 'unsafe-name';
				const dir = refusedName ? undefined : join(root, outcome.stream);
				onOutcome?.(outcome, dir);
				const record =
					outcome.status === 'ok'
						? successRecord(outcome.result, snapshot)
						: failureRecord(outcome.stream, dir ?? root, snapshot, outcome.error);
				audits = audits.then(async () => audit(record));
			},
		});
	} catch (error) {
		await audits;
		// The streams in flight left nothing in their directories; each says so in the log.
		for (const stream of inFlight) await audit(failureRecord(stream, join(root, stream), snapshot, error));
		if (account)
			await audit({...failureRecord(root, root, snapshot, error), nats: accountBackupCommand(root, snapshot)});
		throw error;
	}

	await audits;
	if (account) {
		await audit({
			action: 'backup',
			subject: root,
			result: result.failed > 0 ? 'failed' : 'ok',
			detail: backupSummary(result),
			parameters: parameters(root, snapshot),
			nats: accountBackupCommand(root, snapshot),
		});
	}

	return result;
}

/** One sentence for a run over several streams. */
export function backupSummary({streams, ok, warnings, failed, dir}: AccountBackupResult): string {
	return streams.length === 0
		? 'the account has no streams: nothing to back up'
		: `backed up ${ok} of ${streams.length} streams to ${dir}: ${warnings} skipped with warnings, ${failed} failed`;
}

function parameters(dir: string, settings: BackupSettings): Record<string, unknown> {
	return {
		dir,
		consumers: settings.consumers !== false,
		check: settings.check === true,
		chunk_size: settings.chunkSize ?? null,
		force: settings.force === true,
	};
}

function successRecord(result: BackupResult, settings: BackupSettings): AuditRecord {
	return {
		action: 'backup',
		subject: result.stream,
		result: 'ok',
		detail: `${result.state.messages ?? 0} messages in a ${formatBytes(result.archiveBytes)} archive in ${result.dir}, verified${result.replaced ? ', replacing an earlier backup' : ''}`,
		parameters: {...parameters(result.dir, settings), xxh3: result.xxh3},
		nats: streamBackupCommand(result.stream, result.dir, settings),
	};
}

function failureRecord(stream: string, dir: string, settings: BackupSettings, error: unknown): AuditRecord {
	const result = error instanceof AbortedError ? 'aborted' : error instanceof BackupRefusedError ? 'refused' : 'failed';
	return {
		action: 'backup',
		subject: stream,
		result,
		detail: error instanceof DrError ? error.message : String(error),
		parameters: parameters(dir, settings),
		nats: streamBackupCommand(stream, dir, settings),
	};
}
