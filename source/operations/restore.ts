/**
 * Restores, for both faces: a planned stream restore (the plan is `core/restore/plan.ts`, drawn by the
 * face for the operator to confirm) or a planned account restore, each stream with its audit record;
 * refusals before anything was sent get theirs through `restoreRefusal`.
 */
import type {AuditRecord} from '../core/audit.js';
import {exitCodes} from '../core/errors.js';
import {formatCount, formatSeconds} from '../core/format.js';
import {streamRestoreCommand} from '../core/nats-command.js';
import {restoreAccount, type AccountRestoreResult, type AccountStreamResult} from '../core/restore/account.js';
import type {RestoreOverrides} from '../core/restore/overrides.js';
import type {AccountRestorePlan, StreamRestorePlan} from '../core/restore/plan.js';
import {
	RestoreError,
	restoreStream,
	type RestoreProgress,
	type RunOptions,
	type StreamRestoreResult,
} from '../core/restore/restore.js';
import type {RestoreConnection} from '../core/restore/target-facts.js';
import type {Audit} from './audit-trail.js';

/** How the upload runs: chunk size, window, settle timeout. */
export type RestoreSettings = Omit<RunOptions, 'signal' | 'onProgress'>;

export type RestoreHooks = {signal: AbortSignal; audit: Audit; onProgress?: (event: RestoreProgress) => void};

/** Restores the planned stream; a failure is audited, then thrown. */
export async function restorePlanned(
	connection: RestoreConnection,
	plan: StreamRestorePlan,
	settings: RestoreSettings,
	{audit, signal, onProgress}: RestoreHooks,
): Promise<StreamRestoreResult> {
	let result: StreamRestoreResult;
	try {
		result = await restoreStream(plan, {...settings, connection, signal, ...(onProgress ? {onProgress} : {})});
	} catch (error) {
		await audit(
			error instanceof RestoreError
				? failureRecord(plan.dir, plan.overrides, error)
				: restoreRecord(
						plan.dir,
						plan.overrides,
						signal.aborted ? 'aborted' : 'failed',
						(error as Error).message,
						plan.stream,
					),
		);
		throw error;
	}

	await audit(successRecord(result, plan.overrides));
	return result;
}

/** Restores every planned stream of an account backup, auditing each stream's result in the order they end. */
export async function restorePlannedAccount(
	connection: RestoreConnection,
	plan: AccountRestorePlan,
	settings: RestoreSettings & {concurrency?: number | undefined},
	{audit, signal, onProgress, onStreamResult}: RestoreHooks & {onStreamResult?: (result: AccountStreamResult) => void},
): Promise<AccountRestoreResult> {
	const {concurrency, ...run} = settings;
	let audits: Promise<unknown> = Promise.resolve();
	const result = await restoreAccount(plan, {
		...run,
		...(concurrency === undefined ? {} : {concurrency}),
		...(onProgress ? {onProgress} : {}),
		connection,
		signal,
		onStreamResult(stream) {
			onStreamResult?.(stream);
			// Every stream of one account restore was planned with the same overrides.
			const overrides = plan.streams.find(planned => planned.dir === stream.dir)?.overrides ?? {};
			const record =
				stream.status === 'restored'
					? successRecord(stream.result, overrides)
					: stream.status === 'failed'
						? failureRecord(stream.dir, overrides, stream.error)
						: undefined;
			if (record) audits = audits.then(async () => audit(record));
		},
	});
	await audits;
	return result;
}

/** A restore that was refused or stopped before anything was sent: one record, subject the stream or the directory. */
export function restoreRecord(
	dir: string,
	overrides: RestoreOverrides,
	result: AuditRecord['result'],
	detail: string,
	subject = dir,
): AuditRecord {
	return {
		action: 'restore',
		subject,
		result,
		detail,
		parameters: parameters(dir, overrides),
		nats: streamRestoreCommand(dir, overrides),
	};
}

function successRecord(result: StreamRestoreResult, overrides: RestoreOverrides): AuditRecord {
	const state = result.info.state ?? {};
	const removed = result.removedByLimits ? `; ${result.removedByLimits.words}` : '';
	const detail = `restored ${formatCount(state.messages)} messages (seq ${formatCount(state.first_seq)}-${formatCount(state.last_seq)}), ${result.consumers.length} consumers, R${result.info.config.num_replicas ?? 1}, in ${formatSeconds(result.totalMs)}${removed}`;
	return {
		...restoreRecord(result.dir, overrides, 'ok', detail, result.stream),
		parameters: {...parameters(result.dir, overrides), chunk_size: result.chunkSize, window: result.window},
	};
}

function failureRecord(dir: string, overrides: RestoreOverrides, error: RestoreError): AuditRecord {
	const result = error.exitCode === exitCodes.aborted ? 'aborted' : 'failed';
	return restoreRecord(dir, overrides, result, error.message, error.stream);
}

/** snake_case, like every other parameter in the audit log. */
function parameters(dir: string, overrides: RestoreOverrides): Record<string, unknown> {
	return {
		dir,
		...(overrides.replicas === undefined ? {} : {replicas: overrides.replicas}),
		...(overrides.cluster === undefined ? {} : {cluster: overrides.cluster}),
		...(overrides.tags ? {tags: overrides.tags} : {}),
		...(overrides.dropPlacement ? {no_placement: true} : {}),
	};
}
