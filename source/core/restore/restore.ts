/**
 * Running a restore: the RESTORE request, the pipelined upload, the end marker, the server's final
 * reply, then the wait until the stream has settled. Progress goes out as phase events; every
 * failure says what went wrong and what state the target is left in.
 */
import {ErrorCode} from 'nats';
import {ArchiveVerifier, type ArchiveReport} from '../archive/verify-archive.js';
import {archiveAgainstBackup, recordedChecksum} from '../archive/verify-backup.js';
import {RateMeter} from '../backup/progress.js';
import {AbortedError, DrError, exitCodes, JsApiError} from '../errors.js';
import {decodeJson, hasAnswered, requestError} from '../jsapi.js';
import type {StreamInfoReply} from '../diagnosis/streams.js';
import {planStreamRestore, type PlanOptions, type StreamRestorePlan} from './plan.js';
import {waitSettled, type ConsumerSummary, type RemovedByLimits} from './settle.js';
import {describeTargetState, discardUnfinishedRestore, probeTarget, type TargetState} from './target-state.js';
import type {RestoreConnection} from './target-facts.js';
import {stopOnDisconnectOrAbort, uploadArchive} from './upload.js';
import {uploadConnection} from './upload-connection.js';

export type RestoreProgress =
	| {
			phase: 'start';
			stream: string;
			dir: string;
			archiveBytes: number;
			chunkSize: number;
			window: number;
			totalChunks: number;
	  }
	/** Waiting for the RESTORE reply; for R > 1 that includes the new group's leader election. */
	| {phase: 'request'; stream: string; replicas: number}
	| {
			phase: 'upload';
			stream: string;
			sentBytes: number;
			totalBytes: number;
			chunks: number;
			totalChunks: number;
			bytesPerSecond: number;
			etaMs: number | undefined;
			elapsedMs: number;
	  }
	/** The server unpacks and loads the data and tells nothing until it is done; repeated every second. */
	| {phase: 'restoring'; stream: string; chunks: number; uploadMs: number; elapsedMs: number}
	| {phase: 'settling'; stream: string; waitingFor: string[]; elapsedMs: number}
	| {phase: 'done'; stream: string; elapsedMs: number};

export type RunOptions = {
	/** Upload chunk size; capped at the server's max_payload. */
	chunkSize?: number;
	/** Chunks in flight; 1 is the official CLI's stop-and-wait. */
	window?: number;
	signal?: AbortSignal;
	onProgress?: (event: RestoreProgress) => void;
	/** For the RESTORE request, which clustered waits for a leader election: at least 30 s. */
	requestTimeoutMs?: number;
	chunkTimeoutMs?: number;
	/** For the server's final reply after the end marker: unpacking a big stream takes long. */
	finalTimeoutMs?: number;
	settleTimeoutMs?: number;
};

export type RestoreOptions = PlanOptions & RunOptions & {connection: RestoreConnection};

// Measured on 2.9.10 (protocol doc §4.6 and bench/restore.ts): bigger chunks beat more of them,
// and 8 MiB in flight keeps the server busy without holding much in memory.
export const defaultChunkSize = 1024 * 1024;
const defaultWindow = 8;
/** The upload holds window × chunk size in memory; beyond 64 the server, not the round trips, sets the pace. */
export const maxWindow = 64;
/** With a big max_payload the chunks are big too: the window shrinks to keep this bound. */
const maxInFlightBytes = 64 * 1024 * 1024;

export type StreamRestoreResult = {
	stream: string;
	dir: string;
	info: StreamInfoReply;
	consumers: ConsumerSummary[];
	/** backup.json's messages that the stream's own limits removed once restored. */
	removedByLimits: RemovedByLimits | undefined;
	/** What backup.json counts beyond what was restored, e.g. consumers a snapshot leaves out. */
	notRestored: string[];
	bytes: number;
	chunks: number;
	chunkSize: number;
	window: number;
	/** The server the chunks went to: the receiving one itself when it could be found and reached. */
	uploadServer: string | undefined;
	/** From the restore request to the server's go-ahead: for R>1, the new stream group electing its leader. */
	requestMs: number;
	uploadMs: number;
	serverMs: number;
	settleMs: number;
	totalMs: number;
};

export type RestoreStage = 'preflight' | 'request' | 'upload' | 'server' | 'settle';

/** A restore that did not complete, with the state the target is left in. */
export class RestoreError extends DrError {
	readonly stream: string;
	readonly stage: RestoreStage;
	readonly targetState: TargetState;

	constructor(
		stream: string,
		stage: RestoreStage,
		what: string,
		targetState: TargetState,
		options: {cause?: unknown; hint?: string} = {},
	) {
		const hint = [options.hint ?? (options.cause instanceof DrError ? options.cause.hint : undefined), targetState.hint]
			.filter(Boolean)
			.join('; ');
		super(`${what}; ${targetState.words}`, {
			exitCode: options.cause instanceof AbortedError ? exitCodes.aborted : exitCodes.failed,
			...(hint ? {hint} : {}),
			cause: options.cause,
		});
		this.name = 'RestoreError';
		this.stream = stream;
		this.stage = stage;
		this.targetState = targetState;
	}
}

export const untouched: TargetState = {kind: 'untouched', words: 'nothing was sent, no stream was created'};

export async function restoreStream(
	source: string | StreamRestorePlan,
	options: RestoreOptions,
): Promise<StreamRestoreResult> {
	const plan = typeof source === 'string' ? await planStreamRestore(options.connection, source, options) : source;
	if (plan.refused) {
		const refusals = plan.findings.filter(finding => finding.level === 'refusal').map(finding => finding.message);
		throw new RestoreError(
			plan.stream,
			'preflight',
			`restore of ${plan.stream} refused: ${refusals.join('; ')}`,
			untouched,
		);
	}

	return runRestore(plan, options);
}

/** The final reply of a restore is the one a stream create gets (jsm.go checks it the same way). */
const createResponseType = 'io.nats.jetstream.api.v1.stream_create_response';

type ServerReply = {
	type?: string;
	deliver_subject?: string;
	error?: {code: number; err_code?: number; description: string};
};

/** Runs a plan that passed its pre-flight checks. */
export async function runRestore(plan: StreamRestorePlan, options: RestoreOptions): Promise<StreamRestoreResult> {
	const {
		connection: {js},
		signal,
		onProgress,
	} = options;
	const {stream, backup} = plan;
	const nc = js.nc;
	const chunkSize = Math.max(
		1,
		Math.min(options.chunkSize ?? defaultChunkSize, nc.info?.max_payload ?? defaultChunkSize),
	);
	const window = Math.max(
		1,
		Math.min(options.window ?? defaultWindow, maxWindow, Math.floor(maxInFlightBytes / chunkSize)),
	);
	const totalBytes = backup!.archiveBytes;
	const started = performance.now();
	const elapsed = (): number => Math.round(performance.now() - started);
	onProgress?.({
		phase: 'start',
		stream,
		dir: plan.dir,
		archiveBytes: totalBytes,
		chunkSize,
		window,
		totalChunks: Math.max(1, Math.ceil(totalBytes / chunkSize)),
	});
	const fail = async (stage: RestoreStage, what: string, cause: unknown, hint?: string): Promise<never> => {
		const state = await probeTarget(js, stream);
		throw new RestoreError(
			stream,
			stage,
			what,
			describeTargetState(stream, stage, state, cause instanceof AbortedError),
			{cause, ...(hint ? {hint} : {})},
		);
	};

	// The request: clustered, the chosen peer answers only after the stream group elected a leader.
	onProgress?.({phase: 'request', stream, replicas: plan.replicas});
	const requestTimeoutMs = Math.max(options.requestTimeoutMs ?? 30_000, js.timeoutMs);
	const subject = `${js.prefix}.STREAM.RESTORE.${stream}`;
	let reply: ServerReply;
	try {
		const message = await untilAborted(
			nc.request(subject, new TextEncoder().encode(plan.body), {timeout: requestTimeoutMs}),
			signal,
		);
		reply = decodeJson<ServerReply>(message.data, subject);
	} catch (error) {
		if (error instanceof AbortedError)
			return fail('request', `restore of ${stream} interrupted while waiting for the server to accept it`, error);
		return fail(
			'request',
			`restore of ${stream} failed: ${requestError(error, subject, requestTimeoutMs, hasAnswered(nc)).message}`,
			error,
		);
	}

	if (reply.error) {
		const apiError = new JsApiError(subject, reply.error);
		throw new RestoreError(
			stream,
			'request',
			`the server refused the restore of ${stream}: ${reply.error.description}`,
			untouched,
			{cause: apiError, ...requestHint(reply.error)},
		);
	}

	if (!reply.deliver_subject)
		return fail('request', `the server's reply to the restore request of ${stream} has no deliver_subject`, undefined);

	// From here the server's 5 s stall timer runs: the upload starts at once.
	const uploadStarted = performance.now();
	const requestMs = Math.round(uploadStarted - started);
	const meter = new RateMeter(totalBytes, uploadStarted);
	// The archive is verified in the one read the upload makes; its last chunk waits for the verdict.
	const recorded = plan.verify ? recordedChecksum(backup!.sidecar) : undefined;
	const verifier = plan.verify
		? new ArchiveVerifier({
				sha256: recorded?.algorithm === 'sha256',
				xxh3: recorded?.algorithm === 'xxh3',
				path: backup!.archivePath,
			})
		: undefined;
	// Asked before the last chunk and again after the upload; the verifier finishes only once.
	let verdict: {report: ArchiveReport; problems: string[]} | undefined;
	const archiveVerdict = (verifying: ArchiveVerifier): {report: ArchiveReport; problems: string[]} => {
		if (verdict) return verdict;
		const report = verifying.finish();
		verdict = {report, problems: report.ok ? archiveAgainstBackup(backup!, report).problems : report.problems};
		return verdict;
	};
	const damaged = async (problems: string[]): Promise<never> => {
		const state = await discardUnfinishedRestore(js, stream);
		throw new RestoreError(
			stream,
			'upload',
			`the archive of ${stream} is damaged: ${problems.join('; ')}. The upload stopped before its last chunk, so the server restored none of it`,
			describeTargetState(stream, 'upload', state, false),
			{hint: 'restore another backup, or pass --no-verify to let the server judge this one'},
		);
	};

	const receiver = await uploadConnection(nc, options.connection.sys, {
		deliverSubject: reply.deliver_subject,
		archiveBytes: totalBytes,
		signal,
	});
	let upload;
	try {
		upload = await uploadArchive(receiver.nc, reply.deliver_subject, backup!.archivePath, {
			chunkSize,
			archiveBytes: totalBytes,
			window,
			chunkTimeoutMs: options.chunkTimeoutMs ?? 20_000,
			startedAt: uploadStarted,
			...(signal ? {signal} : {}),
			...(verifier ? {verifier, verdictBeforeLastChunk: () => archiveVerdict(verifier).problems} : {}),
			onAck(sentBytes, chunks) {
				const now = performance.now();
				meter.update(sentBytes, now);
				onProgress?.({
					phase: 'upload',
					stream,
					sentBytes,
					totalBytes,
					chunks,
					totalChunks: Math.max(1, Math.ceil(totalBytes / chunkSize)),
					bytesPerSecond: meter.bytesPerSecond,
					etaMs: meter.etaMs(sentBytes),
					elapsedMs: elapsed(),
				});
			},
		});
	} catch (error) {
		// A server that reads the upload as it comes (2.15) may refuse the damaged chunk itself.
		if (verifier?.failed && !(error instanceof AbortedError)) return damaged(archiveVerdict(verifier).problems);
		const what =
			error instanceof AbortedError
				? `restore of ${stream} interrupted during the upload`
				: `upload of ${stream} failed: ${(error as Error).message}`;
		return fail('upload', what, error);
	} finally {
		await receiver.close();
	}

	let expected = plan.expected;
	if (verifier) {
		const {report, problems} = archiveVerdict(verifier);
		if (problems.length > 0) return damaged(problems);
		// Only a whole tar names the consumers the server must show before the restore is done.
		if (report.format === 'tar') expected = {...expected, consumers: report.consumers};
	}

	const uploadMs = Math.round(performance.now() - uploadStarted);
	const serverStarted = performance.now();
	const tick = (): void =>
		onProgress?.({phase: 'restoring', stream, chunks: upload.chunks, uploadMs, elapsedMs: elapsed()});
	tick();
	const ticker = setInterval(tick, 1000);
	let final: ServerReply & StreamInfoReply;
	const finalTimeoutMs = options.finalTimeoutMs ?? 3_600_000;
	// A lost connection ends the wait at once: the reply could no longer reach this client anyway.
	const stop = stopOnDisconnectOrAbort(nc, signal, `after the last chunk, while the server restored ${stream}`);
	try {
		// The end marker: an empty chunk. The server now unpacks and loads everything before it answers.
		const message = await Promise.race([
			nc.request(reply.deliver_subject, new Uint8Array(), {timeout: finalTimeoutMs}),
			stop.stopped,
		]);
		final = decodeJson<ServerReply & StreamInfoReply>(message.data, reply.deliver_subject);
	} catch (error) {
		if (error instanceof AbortedError)
			return fail('server', `restore of ${stream} interrupted while the server was restoring it`, error);
		if (error instanceof DrError) return fail('server', `restore of ${stream} failed: ${error.message}`, error);
		if ((error as {code?: string}).code === ErrorCode.NoResponders) {
			return fail(
				'server',
				`the server restoring ${stream} went away after the last chunk: nothing receives the end of the upload any more (it stopped, or lost its route to the server this client is connected to)`,
				error,
			);
		}

		return fail(
			'server',
			`no final reply from the server for ${stream}: ${requestError(error, reply.deliver_subject, finalTimeoutMs).message}`,
			error,
		);
	} finally {
		stop.dispose();
		clearInterval(ticker);
	}

	if (final.error) {
		return fail(
			'server',
			`the server could not restore ${stream}: ${final.error.description}`,
			new JsApiError(subject, final.error),
			serverHint(final.error.description),
		);
	}

	if (final.type !== createResponseType)
		return fail(
			'server',
			`the server's final reply for ${stream} is a ${final.type ?? 'reply without a type'}, not a stream_create_response`,
			undefined,
		);

	const serverMs = Math.round(performance.now() - serverStarted);
	const settleStarted = performance.now();
	const settleTimeoutMs = options.settleTimeoutMs ?? 120_000;
	let settled;
	try {
		settled = await waitSettled(js, stream, expected, {
			timeoutMs: settleTimeoutMs,
			sys: options.connection.sys,
			...(signal ? {signal} : {}),
			onUpdate(state) {
				if (!state.done) onProgress?.({phase: 'settling', stream, waitingFor: state.waitingFor, elapsedMs: elapsed()});
			},
		});
	} catch (error) {
		if (error instanceof AbortedError)
			return fail('settle', `interrupted while waiting for ${stream} to settle after the server restored it`, error);
		return fail('settle', `${stream} was restored, but it does not answer: ${(error as Error).message}`, error);
	}

	if (!settled.state.done) {
		const state = await probeTarget(js, stream);
		throw new RestoreError(
			stream,
			'settle',
			`${stream} was restored, but after ${Math.round(settleTimeoutMs / 1000)}s it still waits for ${settled.state.waitingFor.join('; ')}`,
			describeTargetState(stream, 'settle', state, false),
		);
	}

	onProgress?.({phase: 'done', stream, elapsedMs: elapsed()});
	return {
		stream,
		dir: plan.dir,
		info: settled.info,
		consumers: settled.consumers,
		removedByLimits: settled.state.removedByLimits,
		notRestored: settled.state.softWaitingFor,
		bytes: upload.bytes,
		chunks: upload.chunks,
		chunkSize,
		window,
		uploadServer: receiver.server,
		requestMs,
		uploadMs,
		serverMs,
		settleMs: Math.round(performance.now() - settleStarted),
		totalMs: elapsed(),
	};
}

function requestHint(error: {err_code?: number; description: string}): {hint?: string} {
	if (error.err_code === 10005)
		return {
			hint: 'the placement cannot be met: --cluster/--tag replace it, --no-placement drops it, --replicas lowers the replica count',
		};
	if (error.err_code === 10130)
		return {hint: 'a stream (or an unfinished restore) has this name: delete it first (nats stream rm NAME)'};
	return {};
}

function serverHint(description: string): string | undefined {
	if (/replicas > 1 not supported/.test(description)) return 'pass --replicas 1 for a standalone server';
	if (/stream names do not match/.test(description)) return 'backup.json and the archive belong to different backups';
	return undefined;
}

/** Races a promise with the abort signal; the promise itself runs on and is ignored. */
async function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
	if (!signal) return promise;
	if (signal.aborted) throw new AbortedError();
	let onAbort: () => void = () => undefined;
	const aborted = new Promise<never>((_resolve, reject) => {
		onAbort = () => reject(new AbortedError());
		signal.addEventListener('abort', onAbort, {once: true});
	});
	try {
		return await Promise.race([promise, aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}
