/**
 * `nats-dr restore DIR`: one stream backup, or every stream of an account backup. Pre-flight
 * findings and a summary first, confirmation by name, natscli's log lines around the engine, then
 * the restored stream as the server shows it. Every restore and refusal goes to the audit log.
 */
import {basename} from 'node:path';
import {findBackups, BackupDirError} from '../../core/archive/backup-dir.js';
import {parseSize} from '../../core/backup/size.js';
import type {Session} from '../../core/connection/session.js';
import {parseDuration} from '../../core/duration.js';
import {DrError, exitCodes, UsageError, type ExitCode} from '../../core/errors.js';
import {formatBytes, formatCount as number, formatSeconds as seconds} from '../../core/format.js';
import {accountRestoreCommand, streamRestoreCommand} from '../../core/nats-command.js';
import {
	restorePlanned,
	restorePlannedAccount,
	restoreRecord as record,
	type RestoreSettings,
} from '../../operations/restore.js';
import {overridesProblem, type RestoreOverrides} from '../../core/restore/overrides.js';
import {
	planAccountRestore,
	planStreamRestore,
	refusedOnlyForExisting,
	type PlanOptions,
	type StreamRestorePlan,
} from '../../core/restore/plan.js';
import type {PreflightFinding} from '../../core/restore/preflight.js';
import {checkConcurrency} from '../../core/restore/account.js';
import {maxWindow, RestoreError, type StreamRestoreResult} from '../../core/restore/restore.js';
import {confirmByName} from '../confirm.js';
import type {CommandContext} from '../context.js';
import {checkArgs, type Flags} from '../flags.js';
import {restorePrinter, type RestorePrinter} from '../restore-progress.js';

type Run = {
	context: CommandContext;
	session: Session;
	dir: string;
	overrides: RestoreOverrides;
	settings: RestoreSettings;
	printer: RestorePrinter;
};

export async function restore(context: CommandContext): Promise<ExitCode> {
	const {invocation, out, io} = context;
	checkArgs('restore', invocation.args);
	const dir = invocation.args[0]!;
	const {flags} = invocation;
	const overrides = overridesFrom(flags);
	const settings: RestoreSettings = {};
	if (flags.chunkSize !== undefined)
		settings.chunkSize = positive(parseSize(flags.chunkSize, '--chunk-size'), '--chunk-size');
	if (flags.window !== undefined) settings.window = windowSize(flags.window);
	if (flags.settleTimeout !== undefined)
		settings.settleTimeoutMs = parseDuration(flags.settleTimeout, '--settle-timeout');
	if (flags.concurrency !== undefined) checkConcurrency(flags.concurrency);
	let found;
	try {
		found = await findBackups(dir);
	} catch (error) {
		if (!(error instanceof BackupDirError)) throw error;
		const refusal = new DrError(`restore refused: ${error.message}; nothing was sent, no stream was created`, {
			hint:
				error.hint ?? 'point at a directory written by `nats stream backup`, `nats account backup` or `nats-dr backup`',
		});
		await context.audit(record(dir, overrides, 'refused', refusal.message));
		throw refusal;
	}

	if (found.layout === 'stream' && flags.concurrency !== undefined) {
		throw new UsageError(
			'--concurrency works only for an account backup directory',
			`${dir} holds one stream's backup: drop --concurrency`,
		);
	}

	const live = Boolean(io.stdout.isTTY) && flags.progress && !flags.plain && !out.json && !io.env['ACCESSIBLE'];
	const printer = restorePrinter(out, {live, ascii: flags.ascii});
	const session = await context.connect();
	try {
		const run: Run = {context, session, dir, overrides, settings, printer};
		return found.layout === 'stream' ? await restoreOne(run) : await restoreAll(run);
	} finally {
		printer.clear();
		await session.close();
	}
}

function overridesFrom(flags: Flags): RestoreOverrides {
	const overrides: RestoreOverrides = {};
	if (flags.replicas !== undefined) overrides.replicas = flags.replicas;
	if (flags.cluster !== undefined) overrides.cluster = flags.cluster;
	if (flags.tag.length > 0) overrides.tags = flags.tag;
	if (!flags.placement) overrides.dropPlacement = true;
	const problem = overridesProblem(overrides);
	if (problem) throw new UsageError(problem);
	return overrides;
}

function positive(value: number, flag: string): number {
	if (!Number.isInteger(value) || value < 1) throw new UsageError(`${flag} needs a whole number above 0, not ${value}`);
	return value;
}

function windowSize(value: number): number {
	if (!Number.isInteger(value) || value < 1 || value > maxWindow) {
		throw new UsageError(
			`--window needs a whole number from 1 to ${maxWindow}, not ${value}`,
			`the upload holds window × chunk size in memory (at most ${maxWindow} MiB with 1 MiB chunks)`,
		);
	}

	return value;
}

async function restoreOne(run: Run): Promise<ExitCode> {
	const {context, session, dir, overrides, printer} = run;
	const {
		out,
		invocation: {flags},
		signal,
	} = context;
	const plan = await preflight(run, 'the backup', async options => planStreamRestore(session, dir, options));
	printFindings(context, plan.findings);
	if (flags.skipExisting && refusedOnlyForExisting(plan)) {
		out.log(`Stream "${plan.stream}" exists already: skipped (--skip-existing)`);
		await context.audit(
			record(dir, overrides, 'refused', `stream ${plan.stream} exists already: skipped (--skip-existing)`, plan.stream),
		);
		if (out.json) out.printJson({ok: true, streams: [{stream: plan.stream, dir, status: 'skipped'}]});
		return exitCodes.ok;
	}

	if (plan.refused) return refuse(run, plan.stream, plan.findings);
	printSummary(run, [plan]);
	await confirmed(run, plan.stream, async () => confirmByName(plan.stream, 'stream', {flags, io: context.io, signal}));
	out.log(`Equivalent: ${streamRestoreCommand(dir, overrides)}`);
	out.log(`Starting restore of Stream "${plan.stream}" from file "${dir}"\n`);
	let result: StreamRestoreResult;
	try {
		result = await restorePlanned(session, plan, run.settings, {
			signal,
			audit: context.audit,
			onProgress: printer.onProgress,
		});
	} catch (error) {
		printer.clear();
		if (!(error instanceof RestoreError)) throw error;
		return context.out.fail(error, {
			stream: plan.stream,
			dir,
			stage: error.stage,
			target_state: error.targetState.kind,
		});
	}

	printRestored(run, result);
	if (out.json) out.printJson({ok: true, findings: plan.findings, streams: [resultJson(result)]});
	return exitCodes.ok;
}

async function restoreAll(run: Run): Promise<ExitCode> {
	const {context, session, dir, overrides, printer} = run;
	const {
		out,
		invocation: {flags},
		signal,
	} = context;
	const plan = await preflight(run, 'the backups', async options =>
		planAccountRestore(session, dir, {...options, skipExisting: flags.skipExisting}),
	);
	for (const stream of [...plan.streams, ...plan.skipped]) {
		out.log(`${stream.stream}${basename(stream.dir) === stream.stream ? '' : ` (directory ${basename(stream.dir)})`}:`);
		printFindings(
			context,
			stream.findings.filter(finding => !(plan.skipped.includes(stream) && finding.check === 'exists')),
		);
	}

	printFindings(context, plan.findings);
	if (plan.refused) {
		return refuse(run, basename(dir), [...plan.findings, ...plan.streams.flatMap(stream => stream.findings)]);
	}

	if (plan.streams.length === 0) {
		out.log(`Every stream in ${dir} exists already: nothing to restore`);
		await context.audit(
			record(dir, overrides, 'refused', 'every stream exists already (--skip-existing): nothing to restore'),
		);
		if (out.json)
			out.printJson({
				ok: true,
				streams: plan.skipped.map(stream => ({stream: stream.stream, dir: stream.dir, status: 'skipped'})),
			});
		return exitCodes.ok;
	}

	const total = plan.streams.reduce((sum, stream) => sum + (stream.backup?.archiveBytes ?? 0), 0);
	out.log(
		`Restoring backup of all ${plan.streams.length} streams in directory "${dir}" (${plan.streams.map(stream => stream.stream).join(', ')}; ${formatBytes(total)})`,
	);
	printSummary(run, plan.streams);
	const name = basename(dir);
	await confirmed(run, name, async () => confirmByName(name, 'backup directory', {flags, io: context.io, signal}));
	out.log(`Equivalent: ${accountRestoreCommand(dir, overrides)}`);
	const result = await restorePlannedAccount(
		session,
		plan,
		{...run.settings, concurrency: flags.concurrency},
		{
			signal,
			audit: context.audit,
			onProgress(event) {
				if (event.phase === 'start')
					printer.log(`Starting restore of Stream "${event.stream}" from file "${event.dir}"\n`);
				printer.onProgress(event);
			},
			onStreamResult(stream) {
				if (stream.status === 'restored') {
					printRestored(run, stream.result);
				} else if (stream.status === 'failed') {
					printer.clear();
					out.log(
						`restore for ${stream.stream} failed: ${stream.error.message}${stream.error.hint ? `\n  try: ${stream.error.hint}` : ''}`,
					);
				}
			},
		},
	);
	const count = (status: string): number => result.streams.filter(stream => stream.status === status).length;
	const counts = `${count('restored')} of ${result.streams.length} streams restored, ${count('failed')} failed, ${count('skipped')} skipped (existing)${result.aborted ? `, ${count('not-started')} not started (interrupted)` : ''}`;
	out.log(`Restored from ${dir}: ${counts}`);
	const streamsJson = result.streams.map(stream =>
		stream.status === 'restored'
			? resultJson(stream.result)
			: stream.status === 'failed'
				? {
						stream: stream.stream,
						dir: stream.dir,
						status: 'failed',
						stage: stream.error.stage,
						error: stream.error.message,
						target_state: stream.error.targetState.kind,
					}
				: {stream: stream.stream, dir: stream.dir, status: stream.status},
	);
	if (result.aborted || result.failed > 0) {
		const failed = result.streams.filter(stream => stream.status === 'failed').map(stream => stream.stream);
		const error = new DrError(
			`${result.aborted ? 'account restore interrupted' : 'account restore incomplete'}: ${counts}${failed.length > 0 ? ` (failed: ${failed.join(', ')})` : ''}`,
			{
				exitCode: result.aborted ? exitCodes.aborted : exitCodes.failed,
				hint: "see each stream's line above for its state; fix the cause, then rerun with --skip-existing to restore the rest",
			},
		);
		return context.out.fail(error, {streams: streamsJson});
	}

	if (out.json) out.printJson({ok: true, findings: plan.findings, streams: streamsJson});
	return exitCodes.ok;
}

/** The pre-flight of both restores: announced, each check on the live line while it runs, the line cleared once done. */
async function preflight<Plan>(run: Run, what: string, plan: (options: PlanOptions) => Promise<Plan>): Promise<Plan> {
	const {context, dir, overrides, printer} = run;
	context.out.log(`Checking ${what} in ${dir}`);
	const planned = await plan({
		overrides,
		verify: context.invocation.flags.verify,
		signal: context.signal,
		onCheck: printer.checking,
	});
	printer.clear();
	return planned;
}

async function refuse(run: Run, subject: string, findings: PreflightFinding[]): Promise<ExitCode> {
	const refusals = [
		...new Set(findings.filter(finding => finding.level === 'refusal').map(finding => finding.message)),
	];
	const hint = findings.find(finding => finding.level === 'refusal' && finding.hint)?.hint;
	const error = new DrError(
		`restore of ${subject} refused: ${refusals.join('; ')}; nothing was sent, no stream was created`,
		hint ? {hint} : {},
	);
	await run.context.audit(record(run.dir, run.overrides, 'refused', error.message, subject));
	return run.context.out.fail(error, {refused: true, findings});
}

/** Confirmation failures are refusals too, and audited as such. */
async function confirmed(run: Run, subject: string, ask: () => Promise<void>): Promise<void> {
	try {
		await ask();
	} catch (error) {
		const result = (error as DrError).exitCode === exitCodes.aborted ? 'aborted' : 'refused';
		await run.context.audit(record(run.dir, run.overrides, result, (error as Error).message, subject));
		throw error;
	}
}

const marks = {ok: ['✔', 'ok'], warning: ['!', '!'], refusal: ['✖', 'x']} as const;

function printFindings(context: CommandContext, findings: PreflightFinding[]): void {
	const {
		out,
		invocation: {flags},
	} = context;
	for (const finding of findings) {
		const mark = marks[finding.level][flags.ascii ? 1 : 0];
		out.log(`  ${mark} ${finding.level === 'refusal' ? 'REFUSED: ' : ''}${finding.message}`);
		if (finding.hint && finding.level !== 'ok') out.log(`      try: ${finding.hint}`);
	}
}

function printSummary(run: Run, plans: StreamRestorePlan[]): void {
	const {
		context: {out},
		session,
		dir,
	} = run;
	const info = session.nc.info;
	const where = info?.cluster ? `cluster ${info.cluster}` : 'a standalone server';
	out.log('');
	out.log(`Source: ${dir}`);
	out.log(
		`Target: ${session.settings.servers.join(',')} (server ${info?.server_name ?? '?'} ${info?.version ?? ''}, ${where})`,
	);
	for (const plan of plans) {
		const state = plan.backup?.state ?? {};
		const placement = plan.placement
			? `placement ${[plan.placement.cluster ? `cluster ${plan.placement.cluster}` : '', plan.placement.tags.length > 0 ? `tags ${plan.placement.tags.join(',')}` : ''].filter(Boolean).join(' ')}`
			: 'no placement';
		const consumers = Array.isArray(plan.expected.consumers)
			? plan.expected.consumers.join(', ') || 'none'
			: `${state.consumer_count ?? '?'} (not verified)`;
		out.log(
			`Stream: ${plan.stream}: ${number(state.messages)} messages (${formatBytes(state.bytes ?? 0)}), archive ${formatBytes(plan.backup?.archiveBytes ?? 0)}, consumers ${consumers}, R${plan.replicas}, ${placement}`,
		);
	}

	out.log('');
}

function printRestored(run: Run, result: StreamRestoreResult): void {
	const {
		printer,
		context: {out},
	} = run;
	printer.clear();
	out.log(`Restored stream "${result.stream}" in ${Math.round(result.totalMs / 1000)}s`);
	out.log(
		`  the server took the request in ${seconds(result.requestMs)}, uploaded ${formatBytes(result.bytes)} in ${result.chunks} chunks in ${seconds(result.uploadMs)} (${formatBytes(result.bytes / Math.max(0.001, result.uploadMs / 1000))}/s), server restore ${seconds(result.serverMs)}, settled in ${seconds(result.settleMs)}`,
	);
	if (result.removedByLimits) out.log(`  ${result.removedByLimits.words}`);
	for (const short of result.notRestored)
		out.log(`  not restored: ${short}; a snapshot holds only the file-backed consumers of the server that took it`);
	out.log('');
	const {info, consumers} = result;
	const state = info.state ?? {};
	out.log(`Information for Stream ${result.stream}`);
	out.log(`             Messages: ${number(state.messages)}`);
	out.log(`                Bytes: ${formatBytes(state.bytes ?? 0)}`);
	out.log(`       First Sequence: ${number(state.first_seq)}`);
	out.log(`        Last Sequence: ${number(state.last_seq)}`);
	const deleted = (state as {num_deleted?: number}).num_deleted;
	if (deleted) out.log(`     Deleted Messages: ${number(deleted)}`);
	out.log(`             Replicas: ${info.config.num_replicas ?? 1}${replicaWords(info)}`);
	out.log(
		`            Consumers: ${consumers.length === 0 ? 'none' : consumers.map(consumer => `${consumer.name} (delivered ${consumer.delivered}, ack floor ${consumer.ackFloor})`).join(', ')}`,
	);
	out.log('');
}

function replicaWords(info: StreamRestoreResult['info']): string {
	const {cluster} = info;
	if (!cluster?.leader) return '';
	const replicas = (cluster.replicas ?? []).map(
		replica =>
			`${replica.name}${replica.current ? ' current' : ` behind${replica.lag ? ` (lag ${replica.lag})` : ''}`}`,
	);
	return `: leader ${cluster.leader}${replicas.length > 0 ? `, ${replicas.join(', ')}` : ''}${cluster.name ? ` in cluster ${cluster.name}` : ''}`;
}

function resultJson(result: StreamRestoreResult): Record<string, unknown> {
	const {info} = result;
	const state = (info.state ?? {}) as Record<string, unknown>;
	return {
		stream: result.stream,
		dir: result.dir,
		status: 'restored',
		messages: state['messages'] ?? 0,
		bytes: state['bytes'] ?? 0,
		first_seq: state['first_seq'] ?? 0,
		last_seq: state['last_seq'] ?? 0,
		num_deleted: state['num_deleted'] ?? 0,
		consumers: result.consumers.map(consumer => ({
			name: consumer.name,
			delivered: consumer.delivered,
			ack_floor: consumer.ackFloor,
		})),
		removed_by_limits: result.removedByLimits ?? null,
		not_restored: result.notRestored,
		replicas: info.config.num_replicas ?? 1,
		cluster: info.cluster?.name ?? null,
		leader: info.cluster?.leader ?? null,
		peers: (info.cluster?.replicas ?? []).map(replica => ({
			name: replica.name,
			current: replica.current ?? false,
			lag: replica.lag ?? 0,
		})),
		placement: info.config.placement ?? null,
		archive_bytes: result.bytes,
		chunks: result.chunks,
		chunk_size: result.chunkSize,
		window: result.window,
		upload_server: result.uploadServer ?? null,
		request_ms: result.requestMs,
		upload_ms: result.uploadMs,
		server_ms: result.serverMs,
		settle_ms: result.settleMs,
		total_ms: result.totalMs,
	};
}
