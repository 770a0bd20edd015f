/**
 * Verifies a `stream.tar.s2` in one streaming pass: every S2 chunk's CRC, the tar structure, and the
 * snapshot's own contents (§6.4 of the protocol notes). Problems come back as sentences for the
 * operator; only an abort, or an error that is not about the file, throws.
 */

import {createHash, type Hash} from 'node:crypto';
import {createReadStream} from 'node:fs';
import {xxh3} from '@node-rs/xxhash';
import {AbortedError, throwIfAborted} from '../errors.js';
import {S2Decoder} from './s2-decode.js';
import {S2FormatError} from './s2-frames.js';
import {SnapshotContents, wantsContent} from './snapshot-contents.js';
import {type TarEntry, TarFormatError, TarWalker} from './tar-walk.js';

/** nats-server 2.15 archives (ADR-63) start their decompressed bytes with this magic instead of a tar. */
const natsArc1Magic = Buffer.from('NATSARC1', 'latin1');
// Big reads let most S2 chunks (1 MiB by default) arrive in one slice, which the decoder reads in place.
const readSliceBytes = 1 << 20;

export type ArchiveFormat = 'tar' | 'natsarc1' | 'unknown';

export type ArchiveProgress = {compressedBytes: number; uncompressedBytes: number};

export type ArchiveReport = {
	ok: boolean;
	problems: string[];
	/** Worth telling the operator, but the archive is still restorable. */
	warnings: string[];
	compressedBytes: number;
	uncompressedBytes: number;
	format: ArchiveFormat;
	/** From meta.inf. */
	streamName?: string;
	/** Whether meta.sum matches meta.inf; absent when either is missing. */
	metaSumOk?: boolean;
	/** Consumer names from the obs/<name>/ entries, sorted. */
	consumers: string[];
	messageBlocks: number;
	/** Present only when the server failed in the middle of the snapshot. */
	errorsTxt?: string;
	entries: number;
	/** Hex SHA-256 of the whole file, when requested and the file was read to its end. */
	sha256?: string;
	/** Hex XXH3-64 of the whole file (as `xxhsum -H3` prints it), when requested and read to its end. */
	xxh3?: string;
};

export type VerifyArchiveOptions = {
	signal?: AbortSignal;
	onProgress?: (progress: ArchiveProgress) => void;
	/** Hash the file in the same pass, so a checksum comparison costs no second read. */
	sha256?: boolean;
	/** The same with XXH3-64, what nats-dr records since SHA-256 cost 2/3 of the in-line verification. */
	xxh3?: boolean;
};

export async function verifyArchive(path: string, options: VerifyArchiveOptions = {}): Promise<ArchiveReport> {
	const {signal, onProgress} = options;
	throwIfAborted(signal);
	const verifier = new ArchiveVerifier({sha256: options.sha256, xxh3: options.xxh3, path});
	try {
		for await (const data of createReadStream(path, {highWaterMark: readSliceBytes, signal})) {
			verifier.push(data as Buffer);
			onProgress?.(verifier.progress);
			if (verifier.failed) break;
		}
	} catch (error) {
		if (signal?.aborted) throw new AbortedError();
		verifier.stop(describeFailure(error, path));
	}

	const report = verifier.finish();
	onProgress?.(verifier.progress);
	return report;
}

/**
 * The checks of `verifyArchive` over bytes pushed as they come, so a backup verifies its archive
 * while receiving it instead of reading it back: the chunks pass through memory anyway.
 */
export class ArchiveVerifier {
	readonly #path: string;
	readonly #decoder = new S2Decoder();
	readonly #contents = new SnapshotContents();
	readonly #tar = new TarWalker({wantContent: wantsContent});
	readonly #hash: Hash | undefined;
	readonly #xxh3: xxh3.Xxh3 | undefined;
	readonly #addEntry: (entry: TarEntry) => void;
	// The first 8 decompressed bytes (which may straddle blocks) tell a NATSARC1 archive from a tar.
	readonly #head = new Uint8Array(natsArc1Magic.length);
	#headFill = 0;
	#kind: 'tar' | 'natsarc1' | undefined;
	#failure: string | undefined;
	#notTar = false;

	constructor(options: {sha256?: boolean | undefined; xxh3?: boolean | undefined; path?: string} = {}) {
		this.#path = options.path ?? 'stream.tar.s2';
		this.#hash = options.sha256 ? createHash('sha256') : undefined;
		this.#xxh3 = options.xxh3 ? xxh3.Xxh3.withSeed() : undefined;
		this.#addEntry = this.#contents.add.bind(this.#contents);
	}

	get failed(): boolean {
		return this.#failure !== undefined;
	}

	get progress(): ArchiveProgress {
		return {compressedBytes: this.#decoder.compressedBytes, uncompressedBytes: this.#decoder.uncompressedBytes};
	}

	/** The next bytes of the archive, split anywhere. After the first problem the rest is ignored. */
	push(data: Uint8Array): void {
		if (this.#failure !== undefined) return;
		this.#hash?.update(data);
		this.#xxh3?.update(data);
		const decoder = this.#decoder;
		try {
			decoder.write(data);
			for (let block = decoder.read(); block !== undefined; block = decoder.read()) this.#block(block);
		} catch (error) {
			this.#fail(error);
		}
	}

	/** Ends the archive early with a problem of the caller's, such as a read error. */
	stop(problem: string): void {
		this.#failure ??= problem;
	}

	/** Call once, after the last byte. */
	finish(): ArchiveReport {
		const decoder = this.#decoder;
		let complete = false;
		if (this.#failure === undefined) {
			try {
				decoder.end();
				if (this.#kind === undefined && this.#headFill > 0) {
					this.#kind = 'tar';
					this.#tar.push(this.#head.subarray(0, this.#headFill), this.#addEntry);
				}

				if (this.#kind === 'tar') this.#tar.end();
				complete = true;
			} catch (error) {
				this.#fail(error);
			}
		}

		const problems: string[] = [];
		const warnings: string[] = [];
		if (complete && decoder.uncompressedBytes === 0)
			problems.push('the archive holds no data: the backup that wrote it did not finish');
		if (this.#notTar) {
			problems.push(
				'the archive is neither a tar stream nor a NATSARC1 archive: it is not a nats-server stream snapshot',
			);
		} else if (this.#failure !== undefined) {
			problems.push(this.#failure);
		}

		const kind = this.#kind;
		const format: ArchiveFormat =
			kind === 'natsarc1' ? 'natsarc1' : kind === 'tar' && !this.#notTar ? 'tar' : 'unknown';
		const contents = this.#contents;
		const report: ArchiveReport = {
			ok: false,
			problems,
			warnings,
			compressedBytes: decoder.compressedBytes,
			uncompressedBytes: decoder.uncompressedBytes,
			format,
			consumers: [...contents.consumers].sort(),
			messageBlocks: contents.messageBlocks,
			entries: contents.entries,
		};
		if (format === 'natsarc1') {
			warnings.push(
				'the archive is in the NATSARC1 format: only nats-server 2.15 or later can restore it, and its contents were not inspected',
			);
		} else if (format === 'tar') {
			const findings = contents.inspect(complete);
			problems.push(...findings.problems);
			warnings.push(...findings.warnings);
			if (findings.streamName !== undefined) report.streamName = findings.streamName;
			if (findings.metaSumOk !== undefined) report.metaSumOk = findings.metaSumOk;
			if (findings.errorsTxt !== undefined) report.errorsTxt = findings.errorsTxt;
		}

		if (this.#hash && complete) report.sha256 = this.#hash.digest('hex');
		if (this.#xxh3 && complete) report.xxh3 = this.#xxh3.digest().toString(16).padStart(16, '0');
		report.ok = problems.length === 0;
		return report;
	}

	#block(block: Uint8Array): void {
		if (this.#kind === undefined) {
			const head = this.#head;
			const take = Math.min(head.length - this.#headFill, block.length);
			head.set(block.subarray(0, take), this.#headFill);
			this.#headFill += take;
			if (this.#headFill < head.length) return;
			block = block.subarray(take);
			this.#kind = natsArc1Magic.equals(head) ? 'natsarc1' : 'tar';
			if (this.#kind === 'tar') this.#tar.push(head, this.#addEntry);
		}

		if (this.#kind === 'tar') this.#tar.push(block, this.#addEntry);
	}

	#fail(error: unknown): void {
		this.#failure = describeFailure(error, this.#path);
		this.#notTar = error instanceof TarFormatError && error.kind === 'corrupt' && error.offset === 0;
	}
}

function describeFailure(error: unknown, path: string): string {
	if (error instanceof S2FormatError) {
		switch (error.kind) {
			case 'truncated': {
				return `archive is truncated: S2 stream ended inside a chunk at byte ${error.offset}`;
			}

			case 'crc-mismatch': {
				return `CRC mismatch in chunk at byte ${error.offset}: the archive is corrupt`;
			}

			case 'missing-stream-identifier':
			case 'bad-stream-identifier': {
				return `the file is not an S2 stream (${error.detail}): it is not a nats-server backup archive`;
			}

			case 'unsupported-chunk':
			case 'corrupt-chunk': {
				return `corrupt S2 chunk at byte ${error.offset} (${error.detail}): the archive is corrupt`;
			}
		}
	}

	if (error instanceof TarFormatError) {
		return error.kind === 'truncated'
			? `archive is truncated: ${error.message}`
			: `the tar stream inside the archive is corrupt: ${error.message}`;
	}

	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	if (code === 'ENOENT') return `the archive ${path} does not exist`;
	if (typeof code === 'string') return `cannot read the archive ${path}: ${(error as Error).message}`;
	throw error;
}
