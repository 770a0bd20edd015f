/**
 * `nats-dr backup STREAM DIR` and `nats-dr backup --all DIR`: natscli's log lines around the
 * engine, a live line on a terminal or periodic lines in logs, an audit record per stream.
 */
import {join} from 'node:path';
import {
	backupAccount,
	type AccountBackupResult,
	type AccountProgress,
	type StreamOutcome,
} from '../../core/backup/backup-account.js';
import {BackupRefusedError} from '../../core/backup/backup-files.js';
import {
	backupStream,
	type BackupOptions,
	type BackupProgress,
	type BackupResult,
} from '../../core/backup/backup-stream.js';
import {parseSize} from '../../core/backup/size.js';
import {defaultStateDir} from '../../core/diagnosis/inventory.js';
import {recordInventory} from '../../core/diagnosis/record-inventory.js';
import {parseDuration} from '../../core/duration.js';
import {AbortedError, DrError, exitCodes, UsageError, type ExitCode} from '../../core/errors.js';
import {streamNameProblem} from '../../core/stream-name.js';
import {formatBytes} from '../../core/format.js';
import type {AuditRecord} from '../../core/audit.js';
import type {JsApi} from '../../core/jsapi.js';
import type {CommandContext} from '../context.js';
import {checkArgs} from '../flags.js';
import {ProgressLine} from '../progress-line.js';
import {accountLine, healthCheckLine, PeriodicReporter, periodicLine, receivedLine, startLine} from './backup-lines.js';

export async function backup(context: CommandContext): Promise<ExitCode> {
	const {invocation} = context;
	const {flags, args} = invocation;
	if (flags.all && args.length > 1)
		throw new UsageError('with --all, give only DIR: every stream is backed up', 'usage: nats-dr backup --all DIR');
	if (flags.all && args.length === 0) throw new UsageError('missing DIR', 'usage: nats-dr backup --all DIR');
	if (flags.concurrency !== undefined && !flags.all)
		throw new UsageError('--concurrency works only with --all', 'one stream is one snapshot: drop --concurrency');
	checkArgs('backup', args, flags.all ? 1 : 2);
	const nameProblem = flags.all ? undefined : streamNameProblem(args[0]!);
	if (nameProblem)
		throw new UsageError(`${nameProblem}; nothing was written`, 'pass the name as `nats stream ls` shows it');
	const options: BackupOptions = {
		consumers: flags.consumers,
		check: flags.check,
		force: flags.force,
		signal: context.signal,
	};
	if (flags.chunkSize !== undefined) options.chunkSize = parseSize(flags.chunkSize, '--chunk-size');
	if (flags.idleTimeout !== undefined) options.idleTimeoutMs = parseDuration(flags.idleTimeout, '--idle-timeout');
	const session = await context.connect();
	const view = new ProgressView(context);
	try {
		options.inboxPrefix = session.settings.inboxPrefix;
		options.onStart = start => {
			view.say(startLine(start.stream, start.expectedBytes));
			for (const notice of start.notices) view.say(notice);
		};

		// With --all several streams run at once: one view for the account instead of per-stream bars.
		if (!flags.all) options.onProgress = progress => view.progress(progress);
		if (flags.check) view.say(`${healthCheckLine}\n`);
		const code = flags.all
			? await backupAll(context, session.js, args[0]!, options, view)
			: await backupOne(context, session.js, args[0]!, args[1]!, options, view);
		// What the account held at backup time helps a later diagnosis name what a dead node took with it.
		const problem = await recordInventory(session, defaultStateDir(context.io.env));
		if (problem) context.out.warn(problem);
		return code;
	} finally {
		view.clear();
		await session.close();
	}
}

async function backupOne(
	context: CommandContext,
	js: JsApi,
	stream: string,
	dir: string,
	options: BackupOptions,
	view: ProgressView,
): Promise<ExitCode> {
	const {out} = context;
	let result: BackupResult;
	try {
		result = await backupStream(js, stream, dir, options);
	} catch (error) {
		view.clear();
		await context.audit(failureRecord(stream, dir, options, error));
		throw error;
	}

	view.done(result);
	await context.audit(successRecord(result, options));
	if (out.json) out.printJson({ok: true, ...resultJson(result)});
	return exitCodes.ok;
}

async function backupAll(
	context: CommandContext,
	js: JsApi,
	dir: string,
	options: BackupOptions,
	view: ProgressView,
): Promise<ExitCode> {
	const {out} = context;
	let result: AccountBackupResult;
	// Chained, so the log keeps the streams' order.
	let audits: Promise<unknown> = Promise.resolve();
	try {
		result = await backupAccount(js, dir, {
			...options,
			...(context.invocation.flags.concurrency === undefined
				? {}
				: {concurrency: context.invocation.flags.concurrency}),
			onAccountProgress: progress => view.account(progress),
			onStream(_stream, index, total) {
				if (index === 0) view.say(`Performing backup of all ${total} streams to ${dir}\n`);
			},
			onOutcome(outcome) {
				if (outcome.status === 'ok') {
					view.done(outcome.result);
					audits = audits.then(async () => context.audit(successRecord(outcome.result, options)));
				} else {
					view.clear();
					out.warn(`Backup of ${outcome.stream} failed: ${outcome.error.message}`);
					audits = audits.then(async () =>
						context.audit(failureRecord(outcome.stream, join(dir, outcome.stream), options, outcome.error)),
					);
				}
			},
		});
	} catch (error) {
		await audits;
		await context.audit({...failureRecord(dir, dir, options, error), nats: accountEquivalent(dir, options)});
		throw error;
	}

	await audits;
	const {streams, ok, warnings, failed} = result;
	const summary =
		streams.length === 0
			? 'the account has no streams: nothing to back up'
			: `backed up ${ok} of ${streams.length} streams to ${dir}: ${warnings} skipped with warnings, ${failed} failed`;
	await context.audit({
		action: 'backup',
		subject: dir,
		result: failed > 0 ? 'failed' : 'ok',
		detail: summary,
		parameters: parameters(dir, options),
		nats: accountEquivalent(dir, options),
	});
	printProblems(
		context,
		'Backup Warnings: ',
		streams.filter(outcome => outcome.status === 'warning'),
	);
	printProblems(
		context,
		'Backup failures: ',
		streams.filter(outcome => outcome.status === 'failed'),
	);
	out.log(`${summary[0]!.toUpperCase()}${summary.slice(1)}`);
	if (out.json) {
		out.printJson({
			ok: failed === 0,
			dir,
			streams: streams.map(outcome =>
				outcome.status === 'ok'
					? {status: 'ok', ...resultJson(outcome.result)}
					: {
							status: outcome.status,
							stream: outcome.stream,
							error: outcome.error.message,
							...(outcome.error.hint ? {hint: outcome.error.hint} : {}),
						},
			),
			summary: {ok, warnings, failed},
		});
	}

	return failed > 0 ? exitCodes.failed : exitCodes.ok;
}

function printProblems(context: CommandContext, title: string, outcomes: StreamOutcome[]): void {
	if (outcomes.length === 0) return;
	context.out.log(title);
	for (const outcome of outcomes)
		if (outcome.status !== 'ok') context.out.log(`  ${outcome.stream}: ${outcome.error.message}`);
}

/** A live line on a terminal; natscli-style log lines every few seconds anywhere else. */
class ProgressView {
	readonly #context: CommandContext;
	readonly #line: ProgressLine | undefined;
	#periodic: PeriodicReporter | undefined;
	#stream = '';

	constructor(context: CommandContext) {
		const {
			io,
			out,
			invocation: {flags},
		} = context;
		this.#context = context;
		const live = Boolean(io.stdout.isTTY) && flags.progress && !flags.plain && !out.json && !io.env['ACCESSIBLE'];
		if (live) {
			this.#line = new ProgressLine(text => io.stdout.write(out.scrub(text)), {
				columns: () => io.stdout.columns || 80,
				ascii: flags.ascii,
			});
		}
	}

	say(text: string): void {
		this.clear();
		this.#context.out.log(text);
	}

	progress(progress: BackupProgress): void {
		if (progress.stream !== this.#stream) {
			this.#stream = progress.stream;
			this.#periodic = new PeriodicReporter(performance.now());
		}

		if (this.#line) {
			const verifying = progress.phase === 'verify';
			this.#line.update({
				label: verifying ? `verifying ${progress.stream}` : progress.stream,
				fraction: verifying ? progress.verifiedBytes / Math.max(1, progress.compressedBytes) : progress.fraction,
				doneBytes: verifying ? progress.verifiedBytes : progress.uncompressedBytes,
				totalBytes: verifying ? progress.compressedBytes : progress.totalBytes,
				bytesPerSecond: verifying ? 0 : progress.bytesPerSecond,
				etaMs: verifying ? undefined : progress.etaMs,
			});
		} else if (progress.phase === 'transfer' && this.#periodic?.due(progress.fraction, performance.now())) {
			this.#context.out.log(periodicLine(progress));
		}
	}

	account(progress: AccountProgress): void {
		if (this.#line) {
			this.#line.update({
				label: `${progress.done}/${progress.streams} streams${progress.inFlight.length > 0 ? ` (${progress.inFlight.join(', ')})` : ''}`,
				fraction:
					progress.expectedBytes > 0
						? Math.min(0.99, progress.bytes / progress.expectedBytes)
						: progress.done / Math.max(1, progress.streams),
				doneBytes: progress.bytes,
				totalBytes: progress.expectedBytes,
				bytesPerSecond: progress.bytesPerSecond,
				etaMs: progress.etaMs,
			});
			return;
		}

		this.#periodic ??= new PeriodicReporter(performance.now());
		if (this.#periodic.due(progress.done / Math.max(1, progress.streams), performance.now()))
			this.#context.out.log(accountLine(progress));
	}

	done(result: BackupResult): void {
		this.say(
			receivedLine(result.stream, {
				compressedBytes: result.archiveBytes,
				uncompressedBytes: result.uncompressedBytes,
				chunks: result.chunks,
				ms: result.transferMs,
			}),
		);
		const consumers = result.consumers.included
			? `, consumers: ${result.consumers.inArchive.join(', ') || 'none'}`
			: ', without consumers';
		this.#context.out.log(
			`Verified the backup of "${result.stream}" in ${result.dir} (S2 checksums, tar, meta.sum${consumers})${result.replaced ? ', replacing the earlier one' : ''}`,
		);
		for (const warning of result.warnings) this.#context.out.warn(warning);
	}

	clear(): void {
		this.#line?.clear();
	}
}

function natsEquivalent(stream: string, dir: string, options: BackupOptions): string {
	return ['nats stream backup', stream, dir, ...natsFlags(options)].join(' ');
}

/** `-f` because nats-dr does not ask first, while `nats account backup` would. */
function accountEquivalent(dir: string, options: BackupOptions): string {
	return ['nats account backup', dir, '-f', ...natsFlags(options)].join(' ');
}

function natsFlags(options: BackupOptions): string[] {
	return [
		...(options.consumers === false ? ['--no-consumers'] : []),
		...(options.check ? ['--check'] : []),
		...(options.chunkSize === undefined ? [] : [`--chunk-size ${options.chunkSize}`]),
	];
}

function parameters(dir: string, options: BackupOptions): Record<string, unknown> {
	return {
		dir,
		consumers: options.consumers !== false,
		check: options.check === true,
		chunk_size: options.chunkSize ?? null,
		force: options.force === true,
	};
}

function successRecord(result: BackupResult, options: BackupOptions): AuditRecord {
	return {
		action: 'backup',
		subject: result.stream,
		result: 'ok',
		detail: `${result.state.messages ?? 0} messages in a ${formatBytes(result.archiveBytes)} archive in ${result.dir}, verified${result.replaced ? ', replacing an earlier backup' : ''}`,
		parameters: {...parameters(result.dir, options), sha256: result.sha256},
		nats: natsEquivalent(result.stream, result.dir, options),
	};
}

function failureRecord(stream: string, dir: string, options: BackupOptions, error: unknown): AuditRecord {
	const result = error instanceof AbortedError ? 'aborted' : error instanceof BackupRefusedError ? 'refused' : 'failed';
	return {
		action: 'backup',
		subject: stream,
		result,
		detail: error instanceof DrError ? error.message : String(error),
		parameters: parameters(dir, options),
		nats: natsEquivalent(stream, dir, options),
	};
}

function resultJson(result: BackupResult): Record<string, unknown> {
	return {
		stream: result.stream,
		dir: result.dir,
		replaced: result.replaced,
		messages: result.state.messages ?? null,
		first_seq: result.state.first_seq ?? null,
		last_seq: result.state.last_seq ?? null,
		stream_bytes: result.state.bytes ?? null,
		archive_bytes: result.archiveBytes,
		uncompressed_bytes: result.uncompressedBytes,
		chunks: result.chunks,
		transfer_ms: Math.round(result.transferMs),
		verify_ms: Math.round(result.verifyMs),
		sync_ms: Math.round(result.syncMs),
		sha256: result.sha256,
		consumers: {
			included: result.consumers.included,
			expected: result.consumers.expected,
			in_archive: result.consumers.inArchive,
			missing: result.consumers.missing,
		},
		server_version: result.serverVersion ?? null,
		warnings: result.warnings,
	};
}
