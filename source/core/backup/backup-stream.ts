/**
 * One stream's backup, end to end: checks, snapshot to a temporary archive, verification, then the
 * natscli files plus `nats-dr.json` moved into place. UI-free: callers get events and a result.
 */
import {archiveFileFor} from '../archive/backup-dir.js';
import {ArchiveVerifier, type ArchiveFormat, type ArchiveReport} from '../archive/verify-archive.js';
import {streamInfo, type StreamInfoReply} from '../diagnosis/streams.js';
import {AbortedError, DrError, throwIfAborted, UsageError} from '../errors.js';
import {formatBytes} from '../format.js';
import {jsRequest, type JsApi} from '../jsapi.js';
import {streamNameProblem} from '../stream-name.js';
import {ArchiveFile} from './archive-file.js';
import {
	backupPaths,
	BackupRefusedError,
	commitBackup,
	directoryError,
	existingBackup,
	leftoversWarning,
	prepareDirectory,
	removeTemporaries,
	writeFileSynced,
	type BackupPaths,
} from './backup-files.js';
import {RateMeter} from './progress.js';
import {backupJsonText} from './raw-json.js';
import {snapshotPausesEviction, snapshotsMemoryStreams, snapshotWaitsForAcks} from './server-version.js';
import {sidecarText} from './sidecar.js';
import {
	afterGivenUpSnapshot,
	receiveSnapshot,
	SnapshotOverflowError,
	type SnapshotReceiver,
	type SnapshotReply,
} from './snapshot.js';

/**
 * natscli asks for 128 KiB. Bigger chunks cost the server and the client less per byte: on 2.9 the
 * drain takes 2.0 s at 1 MiB where it takes 2.5 s at 128 KiB (docs/performance.md), and ≥2.14 clamps
 * to 1 MiB. But a server before 2.10.12 sends a chunk per 10 ms once its window is full, acked or
 * not: 100 MiB/s at 1 MiB. A connection of our own reads that as fast as it comes, and a disk slower
 * than it makes the backup start again in 128 KiB chunks (natscli's 12.5 MiB/s floor); through
 * nats.js, whose one connection several backups share and which a lag there would have cut off as a
 * slow consumer (seen with four concurrent backups on 2.9), old servers get 128 KiB from the start.
 * The archive's bytes do not depend on it: chunks are slices of the one S2 stream.
 */
const largeChunkSize = 1024 * 1024;
const compatibleChunkSize = 128 * 1024;
const defaultIdleTimeoutMs = 10_000;
const minChunkSize = 1024;
/** nats-server 2.14 clamps to this, and nats.js is untested with bigger messages (§11). */
const maxChunkSize = 1024 * 1024;
/**
 * Smaller streams are received through nats.js: opening a connection costs more than its copies.
 * Measured on 300 streams of 10 messages (`backup --all`): 2.7 and 4.7 s on connections of our own,
 * 1.9 and 2.6 s through nats.js.
 */
const ownConnectionFromBytes = 8 << 20;
/** A health check scans every block before the server replies. */
const checkRequestTimeoutMs = 60 * 60 * 1000;

export type BackupOptions = {
	/** Include the consumers (default true). */
	consumers?: boolean;
	/** Ask the server to verify the stream's blocks first (`jsck`); slow, and silent until done. */
	check?: boolean;
	chunkSize?: number;
	/** Fail when no data arrives for this long (default 10 s). */
	idleTimeoutMs?: number;
	/** Replace a backup already in the directory. */
	force?: boolean;
	/** The connection's inbox prefix, when its permissions allow only that. */
	inboxPrefix?: string | undefined;
	/**
	 * Receive the chunks on a connection of our own (the default for streams of 8 MiB and more):
	 * nats.js copies every chunk about twice (docs/performance.md). False keeps them on the nats.js
	 * connection, as when ours cannot connect.
	 */
	ownConnection?: boolean;
	/**
	 * The stream's info as the caller just listed it (an account backup pages STREAM.LIST once
	 * instead of asking each stream): no STREAM.INFO of its own, and no consumer list when it had none.
	 */
	info?: StreamInfoReply | undefined;
	signal?: AbortSignal | undefined;
	onStart?: (start: BackupStart) => void;
	/** Called for every chunk and every verified slice: throttle in the consumer. */
	onProgress?: (progress: BackupProgress) => void;
};

export type BackupStart = {
	stream: string;
	dir: string;
	/** The stream's message bytes when the snapshot started: the progress target. */
	expectedBytes: number;
	messages: number;
	serverVersion: string | undefined;
	check: boolean;
	/** What the operator should know before the transfer. */
	notices: BackupNotice[];
};

export type BackupNotice = {
	/** One sentence about this stream. */
	text: string;
	/** The same for every stream of an account backup, said once instead of once per stream. */
	forAccount: string;
};

function evictionNotice(version: string | undefined, stream: string): BackupNotice {
	const server = `nats-server ${version ?? ''}`;
	return {
		text: `${server} stops removing messages from ${stream} by its limits, age or acks until the backup ends, so the stream can grow past its limits meanwhile`,
		forAccount: `${server} stops removing messages from each stream by its limits, age or acks until that stream's backup ends, so streams can grow past their limits meanwhile`,
	};
}

/**
 * One object per backup, updated in place and passed to every `onProgress` call, so a fast transfer
 * allocates nothing per chunk: copy the fields you keep.
 */
export type BackupProgress = {
	stream: string;
	phase: 'transfer' | 'verify';
	/** Archive bytes received. */
	compressedBytes: number;
	/** What they decompress to, read from the S2 frame headers. */
	uncompressedBytes: number;
	chunks: number;
	/** The stream's message bytes when the snapshot started. */
	expectedBytes: number;
	/**
	 * What `uncompressedBytes` counts toward: the archive's size, estimated by the message bytes until
	 * the archive outgrows them (tar headers and index files), then growing with it. Never below the count.
	 */
	totalBytes: number;
	/** Uncompressed against expected, 0-1; the archive is a little larger than the messages, so it is capped. */
	fraction: number;
	elapsedMs: number;
	/** Uncompressed bytes per second, smoothed over the last seconds. */
	bytesPerSecond: number;
	etaMs: number | undefined;
	/** In the 'verify' phase: archive bytes checked so far, of `compressedBytes`. */
	verifiedBytes: number;
};

export type BackupResult = {
	stream: string;
	dir: string;
	/** An earlier backup in the directory was replaced. */
	replaced: boolean;
	archiveBytes: number;
	/** NATSARC1 (nats-server 2.15) is checked by its S2 checksums only: its contents are not looked into. */
	archiveFormat: ArchiveFormat;
	uncompressedBytes: number;
	chunks: number;
	/** Which client received the snapshot (docs/performance.md). */
	receiver: SnapshotReceiver;
	transferMs: number;
	/** Time spent verifying the chunks as they were written, within the transfer. */
	verifyMs: number;
	/** Flushing and fsyncing the archive, backup.json and nats-dr.json after the last chunk. */
	syncMs: number;
	/** XXH3-64 of the archive, hex, as nats-dr.json records it. */
	xxh3: string;
	/** The stream's state when the snapshot started, as backup.json records it. */
	state: SnapshotReply['state'];
	consumers: {included: boolean; expected: string[]; inArchive: string[]; missing: string[]};
	serverVersion: string | undefined;
	/** Worth telling, but the backup is complete and verified. */
	warnings: string[];
};

export async function backupStream(
	js: JsApi,
	stream: string,
	dir: string,
	options: BackupOptions = {},
): Promise<BackupResult> {
	const {consumers = true, check = false, force = false, signal} = options;
	const idleTimeoutMs = options.idleTimeoutMs ?? defaultIdleTimeoutMs;
	const asked = options.chunkSize;
	if (asked !== undefined && (!Number.isInteger(asked) || asked < minChunkSize || asked > maxChunkSize)) {
		throw new UsageError(
			`chunk size ${asked} is out of range`,
			'use 1KiB to 1MiB; the default is 1MiB, or 128KiB for small streams on servers before 2.10.12',
		);
	}

	if (!(idleTimeoutMs > 0)) throw new UsageError('the idle timeout must be positive', 'use a value like 10s');
	const nameProblem = streamNameProblem(stream);
	if (nameProblem) throw new UsageError(`${nameProblem}; nothing was written`);
	throwIfAborted(signal);
	// Both read-only, so they go out together. A consumer added since a listing that counted none
	// is still backed up; it only cannot be named as missing from the snapshot.
	const listsConsumers = consumers && (options.info?.state?.consumer_count ?? 1) > 0;
	const [info, expected] = await Promise.all([
		options.info ?? streamInfo(js, stream),
		listsConsumers ? consumerNames(js, stream) : [],
	]);
	if (info.config.storage === 'memory' && !snapshotsMemoryStreams(js.nc.info?.version)) {
		throw new BackupRefusedError(
			'memory-storage',
			`${stream} is a memory-storage stream, and nats-server before 2.15 cannot snapshot those: nothing was written`,
			'copy it into a file-storage stream with a mirror and back that up',
		);
	}

	// The environment's word is an escape hatch, should our connection not get through where nats.js does.
	const ownConnection =
		options.ownConnection ??
		(process.env['NATS_DR_SNAPSHOT_CONNECTION'] !== 'nats.js' && (info.state?.bytes ?? 0) >= ownConnectionFromBytes);
	// The connected server's version stands for the leader's, which answers the snapshot.
	const waitsForAcks = snapshotWaitsForAcks(js.nc.info?.version);
	let chunkSize = asked ?? (waitsForAcks || ownConnection ? largeChunkSize : compatibleChunkSize);
	const prepared = await prepareDirectory(dir, {stream, force});
	const paths = backupPaths(dir);
	let archive: ArchiveFile | undefined;
	const warnings: string[] = [];
	try {
		let receiving = await createArchive(paths, info.state?.bytes);
		archive = receiving.archive;
		const settings = (size: number): TransferSettings => ({
			...options,
			consumers,
			check,
			chunkSize: size,
			idleTimeoutMs,
			ownConnection,
			leader: info.cluster?.leader,
		});
		let transfer: Transfer;
		try {
			transfer = await transferSnapshot(js, stream, dir, archive, receiving.verifier, settings(chunkSize));
		} catch (error) {
			const smaller = smallerChunkAfter(error, {asked, chunkSize});
			if (smaller === undefined) throw error;
			await archive.discard();
			archive = undefined;
			receiving = await createArchive(paths, info.state?.bytes);
			archive = receiving.archive;
			warnings.push(
				`the backup disk fell behind the server's ${formatBytes(chunkSize)} chunks, which nats-server before 2.10.12 sends whether the client keeps up or not, so the snapshot was taken again in ${formatBytes(smaller)} chunks; pass --chunk-size 128KiB to start with those`,
			);
			chunkSize = smaller;
			const {archive: file, verifier: again} = receiving;
			transfer = await afterGivenUpSnapshot(
				async () => transferSnapshot(js, stream, dir, file, again, settings(smaller)),
				signal,
			);
		}

		const {verifier} = receiving;
		await archive.flushed();
		throwIfAborted(signal);
		const report = verifier.finish();
		transfer.progress.verifiedBytes = report.compressedBytes;
		// Now the archive's size is known: done and total are that one measure.
		transfer.progress.uncompressedBytes = report.uncompressedBytes;
		transfer.progress.totalBytes = report.uncompressedBytes;
		options.onProgress?.(transfer.progress);
		const inArchive = report.consumers;
		// A 2.15 NATSARC1 archive is not looked into, so no consumer can be called missing from it.
		const missing = report.format === 'natsarc1' ? [] : expected.filter(name => !inArchive.includes(name));
		const problems = [...report.problems];
		if (report.streamName !== undefined && report.streamName !== stream)
			problems.push(`the archive holds stream "${report.streamName}", not "${stream}"`);
		if (report.xxh3 === undefined && problems.length === 0) problems.push('the archive could not be read to its end');
		if (problems.length > 0 || report.xxh3 === undefined) {
			throw new DrError(`the backup of ${stream} failed verification, so it was not kept: ${problems.join('; ')}`, {
				hint: verificationHint(report),
			});
		}

		warnings.push(...report.warnings);
		const leftovers = leftoversWarning(dir, prepared.leftovers);
		if (leftovers) warnings.push(leftovers);
		if (missing.length > 0) {
			warnings.push(
				`the server left ${missing.length === 1 ? 'consumer' : 'consumers'} ${missing.join(', ')} out of the snapshot (it holds only file-backed consumers hosted on the stream leader): ${missing.length === 1 ? 'it' : 'they'} will not be restored`,
			);
		}

		const {reply} = transfer;
		const syncStarted = performance.now();
		// Three independent files: their fsyncs overlap instead of queueing one behind the other.
		await allSettled([
			archive.close(),
			writeFileSynced(paths.tempBackupJson, backupJsonText(reply.rawConfig, reply.rawState)),
			writeFileSynced(
				paths.tempSidecar,
				sidecarText({
					server: {version: js.nc.info?.version ?? null, name: js.nc.info?.server_name ?? null},
					stream,
					created: transfer.createdAt,
					transfer_ms: Math.round(transfer.transferMs),
					chunks: transfer.chunks,
					chunk_size: chunkSize,
					check,
					archive: {
						file: archiveFileFor(report.format),
						format: report.format,
						bytes: report.compressedBytes,
						uncompressed_bytes: report.uncompressedBytes,
						xxh3: report.xxh3,
					},
					stream_state: {
						messages: reply.state.messages ?? null,
						bytes: reply.state.bytes ?? null,
						first_seq: reply.state.first_seq ?? null,
						last_seq: reply.state.last_seq ?? null,
					},
					consumers: {included: consumers, expected, in_archive: inArchive, missing},
					verification: {ok: true, verified_at: new Date().toISOString(), problems: [], warnings},
				}),
			),
		]);
		const syncMs = performance.now() - syncStarted;
		throwIfAborted(signal);
		await commit(paths, stream, prepared.replacing, archiveFileFor(report.format));
		return {
			stream,
			dir,
			replaced: prepared.replacing,
			archiveBytes: report.compressedBytes,
			archiveFormat: report.format,
			uncompressedBytes: report.uncompressedBytes,
			chunks: transfer.chunks,
			receiver: transfer.receiver,
			transferMs: transfer.transferMs,
			verifyMs: receiving.verifyMs(),
			syncMs,
			xxh3: report.xxh3,
			state: reply.state,
			consumers: {included: consumers, expected, inArchive, missing},
			serverVersion: js.nc.info?.version,
			warnings,
		};
	} catch (error) {
		await archive?.discard();
		await removeTemporaries(paths, prepared);
		throw signal?.aborted ? new AbortedError() : error;
	}
}

/**
 * The chunk size to take the snapshot again with after the disk fell behind, or undefined to give
 * up: only when the size was ours to choose, since the smaller one's unacked floor suits a slower disk.
 */
export function smallerChunkAfter(
	error: unknown,
	{asked, chunkSize}: {asked: number | undefined; chunkSize: number},
): number | undefined {
	const fellBehind = error instanceof SnapshotOverflowError;
	return fellBehind && asked === undefined && chunkSize > compatibleChunkSize ? compatibleChunkSize : undefined;
}

type TransferSettings = BackupOptions & {
	/** The stream leader's server, where the connection of our own goes when it can. */
	leader: string | undefined;
	consumers: boolean;
	check: boolean;
	chunkSize: number;
	idleTimeoutMs: number;
	ownConnection: boolean;
};

type Receiving = {archive: ArchiveFile; verifier: ArchiveVerifier; verifyMs: () => number};

/** The temporary archive, verified as it is written, from the same memory: no second pass over the file. */
async function createArchive(paths: BackupPaths, expectedBytes: number | undefined): Promise<Receiving> {
	const verifier = new ArchiveVerifier({xxh3: true, path: paths.tempArchive});
	let verifyMs = 0;
	const archive = await ArchiveFile.create(
		paths.tempArchive,
		bytes => {
			const started = performance.now();
			verifier.push(bytes);
			verifyMs += performance.now() - started;
		},
		{expectedBytes},
	).catch(error => {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
			throw new DrError(
				`cannot write the backup to ${paths.dir}: the temporary file ${paths.tempArchive} exists already`,
				{hint: 'another backup into this directory may be running; retry, or choose another directory'},
			);
		}

		throw directoryError(paths.dir, error);
	});
	return {archive, verifier, verifyMs: () => verifyMs};
}

type Transfer = {
	reply: SnapshotReply;
	chunks: number;
	receiver: SnapshotReceiver;
	transferMs: number;
	createdAt: string;
	progress: BackupProgress;
};

async function transferSnapshot(
	js: JsApi,
	stream: string,
	dir: string,
	archive: ArchiveFile,
	verifier: ArchiveVerifier,
	options: TransferSettings,
): Promise<Transfer> {
	const {onProgress, onStart, check} = options;
	const started = performance.now();
	let meter: RateMeter | undefined;
	let reply: SnapshotReply | undefined;
	let createdAt = '';
	const progress: BackupProgress = {
		stream,
		phase: 'transfer',
		compressedBytes: 0,
		uncompressedBytes: 0,
		chunks: 0,
		expectedBytes: 0,
		totalBytes: 0,
		fraction: 0,
		elapsedMs: 0,
		bytesPerSecond: 0,
		etaMs: undefined,
		verifiedBytes: 0,
	};
	const report = (): void => {
		if (!meter || !onProgress) return;
		const now = performance.now();
		meter.update(progress.uncompressedBytes, now);
		progress.elapsedMs = now - started;
		progress.totalBytes = Math.max(progress.expectedBytes, progress.uncompressedBytes);
		progress.fraction = meter.fraction(progress.uncompressedBytes);
		progress.bytesPerSecond = meter.bytesPerSecond;
		progress.etaMs = meter.etaMs(progress.uncompressedBytes);
		onProgress(progress);
	};

	const totals = await receiveSnapshot(
		js,
		{
			stream,
			consumers: options.consumers,
			check,
			chunkSize: options.chunkSize,
			idleTimeoutMs: options.idleTimeoutMs,
			requestTimeoutMs: check ? Math.max(checkRequestTimeoutMs, js.timeoutMs) : js.timeoutMs,
			inboxPrefix: options.inboxPrefix,
			signal: options.signal,
			ownConnection: options.ownConnection,
			leader: options.leader,
		},
		archive,
		{
			onReply(snapshot) {
				reply = snapshot;
				createdAt = new Date().toISOString();
				const expectedBytes = snapshot.state.bytes ?? 0;
				progress.expectedBytes = expectedBytes;
				meter = new RateMeter(expectedBytes, performance.now());
				const version = js.nc.info?.version;
				const notices = snapshotPausesEviction(version) ? [evictionNotice(version, stream)] : [];
				onStart?.({
					stream,
					dir,
					expectedBytes,
					messages: snapshot.state.messages ?? 0,
					serverVersion: version,
					check,
					notices,
				});
				// Chunks can be handled before the reply's promise resolves: they count from here.
				if (progress.chunks > 0) report();
			},
			onChunk(bytes) {
				progress.chunks++;
				progress.compressedBytes += bytes;
				// A little behind the bytes received: the verifier counts what was written and decompressed.
				progress.uncompressedBytes = verifier.progress.uncompressedBytes;
				report();
			},
		},
	);
	if (!reply) throw new DrError(`the snapshot of ${stream} ended without the server's reply`);
	const transferMs = performance.now() - started;
	Object.assign(progress, {
		phase: 'verify',
		totalBytes: progress.uncompressedBytes,
		fraction: 1,
		etaMs: 0,
		elapsedMs: transferMs,
	});
	onProgress?.(progress);
	return {reply, chunks: totals.chunks, receiver: totals.receiver, transferMs, createdAt, progress};
}

async function commit(paths: BackupPaths, stream: string, replacing: boolean, archiveName: string): Promise<void> {
	// Another backup may have finished into the same directory meanwhile.
	if (!replacing && (await existingBackup(paths.dir)) !== undefined) {
		throw new BackupRefusedError(
			'backup-exists',
			`another backup was written to ${paths.dir} while this one of ${stream} ran: it was left as it is`,
			'pass --force to replace it, or choose another directory',
		);
	}

	try {
		await commitBackup(paths, {replacing, archiveName});
	} catch (error) {
		throw directoryError(paths.dir, error);
	}
}

/** Like Promise.all, but waits for every promise, so nothing is still writing when the cleanup runs. */
async function allSettled(promises: Array<Promise<unknown>>): Promise<void> {
	const failure = (await Promise.allSettled(promises)).find(result => result.status === 'rejected');
	if (failure) throw failure.reason;
}

function verificationHint(report: ArchiveReport): string {
	if (report.errorsTxt !== undefined)
		return "the server could not read its own copy of the stream: check the stream leader's disk and logs, or back up from another replica after a leader step-down";
	return 'take the backup again; if it fails the same way, check the backup disk';
}

type ConsumerNamesPage = {total: number; consumers: string[] | null};

/** Every consumer the API knows, to find those the snapshot leaves out (§10). */
async function consumerNames(js: JsApi, stream: string): Promise<string[]> {
	const names: string[] = [];
	for (;;) {
		const page = await jsRequest<ConsumerNamesPage>(js, `CONSUMER.NAMES.${stream}`, {offset: names.length});
		const got = page.consumers ?? [];
		names.push(...got);
		if (got.length === 0 || names.length >= page.total) return names.sort();
	}
}
