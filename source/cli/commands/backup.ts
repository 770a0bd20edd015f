/**
 * `nats-dr backup STREAM DIR` and `nats-dr backup --all DIR`: natscli's log lines around the
 * engine, a live line on a terminal or periodic lines in logs, an audit record per stream.
 */
import type {AccountProgress, StreamOutcome} from '../../core/backup/backup-account.js';
import type {BackupProgress, BackupResult} from '../../core/backup/backup-stream.js';
import {parseSize} from '../../core/backup/size.js';
import {backupFigures} from '../../core/transfer-figures.js';
import {defaultStateDir} from '../../core/diagnosis/inventory.js';
import {recordInventory} from '../../core/diagnosis/record-inventory.js';
import {parseDuration} from '../../core/duration.js';
import {exitCodes, UsageError, type ExitCode} from '../../core/errors.js';
import {streamNameProblem} from '../../core/stream-name.js';
import type {JsApi} from '../../core/jsapi.js';
import {
	backupOneStream,
	backupStreams,
	backupSummary,
	type BackupHooks,
	type BackupSettings,
} from '../../operations/backup.js';
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
	const settings: BackupSettings = {consumers: flags.consumers, check: flags.check, force: flags.force};
	if (flags.chunkSize !== undefined) settings.chunkSize = parseSize(flags.chunkSize, '--chunk-size');
	if (flags.idleTimeout !== undefined) settings.idleTimeoutMs = parseDuration(flags.idleTimeout, '--idle-timeout');
	const session = await context.connect();
	const view = new ProgressView(context);
	// An account backup says what holds for every stream once, not once per stream.
	const saidForAccount = new Set<string>();
	try {
		settings.inboxPrefix = session.settings.inboxPrefix;
		const hooks: BackupHooks = {
			signal: context.signal,
			audit: context.audit,
			onStart(start) {
				view.say(startLine(start.stream, start.expectedBytes));
				for (const {text, forAccount} of start.notices) {
					if (!flags.all) view.say(text);
					else if (!saidForAccount.has(forAccount)) {
						saidForAccount.add(forAccount);
						view.say(forAccount);
					}
				}
			},
		};
		// What the account held at backup time helps a later diagnosis name what a dead node took with
		// it. Read while the snapshot runs, not after it: it is not on the backup's critical path.
		const inventory = recordInventory(session, defaultStateDir(context.io.env)).catch(
			(error: unknown) => `the inventory was not updated: ${(error as Error).message}`,
		);
		if (flags.check) view.say(`${healthCheckLine}\n`);
		const code = flags.all
			? await backupAll(context, session.js, args[0]!, settings, hooks, view)
			: await backupOne(context, session.js, [args[0]!, args[1]!], settings, hooks, view);
		const problem = await inventory;
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
	[stream, dir]: [string, string],
	settings: BackupSettings,
	hooks: BackupHooks,
	view: ProgressView,
): Promise<ExitCode> {
	const {out} = context;
	let result: BackupResult;
	try {
		result = await backupOneStream(js, stream, dir, settings, {
			...hooks,
			onProgress: progress => view.progress(progress),
		});
	} catch (error) {
		view.clear();
		throw error;
	}

	view.done(result);
	if (out.json) out.printJson({ok: true, ...resultJson(result)});
	return exitCodes.ok;
}

async function backupAll(
	context: CommandContext,
	js: JsApi,
	dir: string,
	settings: BackupSettings,
	hooks: BackupHooks,
	view: ProgressView,
): Promise<ExitCode> {
	const {out} = context;
	const result = await backupStreams(
		js,
		dir,
		undefined,
		{...settings, concurrency: context.invocation.flags.concurrency},
		{
			...hooks,
			// Several streams run at once: one view for the account instead of per-stream bars.
			onAccountProgress: progress => view.account(progress),
			onStream(_stream, index, total) {
				if (index === 0) view.say(`Performing backup of all ${total} streams to ${dir}\n`);
			},
			onOutcome(outcome) {
				if (outcome.status === 'ok') {
					view.done(outcome.result);
				} else {
					view.clear();
					out.warn(`Backup of ${outcome.stream} failed: ${outcome.error.message}`);
				}
			},
		},
	);
	const {streams, ok, warnings, failed} = result;
	const summary = backupSummary(result);
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
			const label = progress.phase === 'verify' ? `verifying ${progress.stream}` : progress.stream;
			this.#line.update({label, ...backupFigures(progress)});
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
		this.#context.out.log(
			`Verified the backup of "${result.stream}" in ${result.dir} (${checksDone(result)})${result.replaced ? ', replacing the earlier one' : ''}`,
		);
		for (const warning of result.warnings) this.#context.out.warn(warning);
	}

	clear(): void {
		this.#line?.clear();
	}
}

/** What the verification looked at: a NATSARC1 archive's contents it cannot read, so it names no consumers there. */
function checksDone({archiveFormat, consumers}: BackupResult): string {
	if (archiveFormat === 'natsarc1')
		return `S2 checksums; the NATSARC1 contents are not inspected${consumers.included ? '' : ', without consumers'}`;
	return `S2 checksums, tar, meta.sum${consumers.included ? `, consumers: ${consumers.inArchive.join(', ') || 'none'}` : ', without consumers'}`;
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
		archive_format: result.archiveFormat,
		uncompressed_bytes: result.uncompressedBytes,
		chunks: result.chunks,
		transfer_ms: Math.round(result.transferMs),
		verify_ms: Math.round(result.verifyMs),
		sync_ms: Math.round(result.syncMs),
		xxh3: result.xxh3,
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
