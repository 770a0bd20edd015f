/**
 * Verifies a `stream.tar.s2` in one streaming pass: every S2 chunk's CRC, the tar structure, and the
 * snapshot's own contents (§6.4 of the protocol notes). Problems come back as sentences for the
 * operator; only an abort, or an error that is not about the file, throws.
 */

import {createHash} from 'node:crypto';
import {createReadStream} from 'node:fs';
import {AbortedError, throwIfAborted} from '../errors.js';
import {decodeS2Stream, S2Decoder} from './s2-decode.js';
import {S2FormatError} from './s2-frames.js';
import {SnapshotContents, wantsContent} from './snapshot-contents.js';
import {TarFormatError, TarWalker} from './tar-walk.js';

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
};

export type VerifyArchiveOptions = {
	signal?: AbortSignal;
	onProgress?: (progress: ArchiveProgress) => void;
	/** Hash the file in the same pass, so a checksum comparison costs no second read. */
	sha256?: boolean;
};

export async function verifyArchive(path: string, options: VerifyArchiveOptions = {}): Promise<ArchiveReport> {
	const {signal, onProgress} = options;
	throwIfAborted(signal);
	const decoder = new S2Decoder();
	const contents = new SnapshotContents();
	const tar = new TarWalker({wantContent: wantsContent});
	const hash = options.sha256 ? createHash('sha256') : undefined;
	const addEntry = contents.add.bind(contents);
	const progress = (): void => onProgress?.({compressedBytes: decoder.compressedBytes, uncompressedBytes: decoder.uncompressedBytes});

	async function * readFile(): AsyncGenerator<Uint8Array> {
		for await (const data of createReadStream(path, {highWaterMark: readSliceBytes, signal})) {
			hash?.update(data as Buffer);
			yield data as Buffer;
			progress();
		}
	}

	// The first 8 decompressed bytes (which may straddle blocks) tell a NATSARC1 archive from a tar.
	const head = new Uint8Array(natsArc1Magic.length);
	let headFill = 0;
	let kind: 'tar' | 'natsarc1' | undefined;
	let complete = false;
	let failure: string | undefined;
	let notTar = false;
	try {
		for await (let block of decodeS2Stream(readFile(), decoder)) {
			if (kind === undefined) {
				const take = Math.min(head.length - headFill, block.length);
				head.set(block.subarray(0, take), headFill);
				headFill += take;
				if (headFill < head.length) continue;
				block = block.subarray(take);
				kind = natsArc1Magic.equals(head) ? 'natsarc1' : 'tar';
				if (kind === 'tar') tar.push(head, addEntry);
			}

			if (kind === 'tar') tar.push(block, addEntry);
		}

		if (kind === undefined && headFill > 0) {
			kind = 'tar';
			tar.push(head.subarray(0, headFill), addEntry);
		}

		if (kind === 'tar') tar.end();
		complete = true;
	} catch (error) {
		if (signal?.aborted) throw new AbortedError();
		failure = describeFailure(error, path);
		notTar = error instanceof TarFormatError && error.kind === 'corrupt' && error.offset === 0;
	}

	progress();
	const problems: string[] = [];
	const warnings: string[] = [];
	if (complete && decoder.uncompressedBytes === 0) problems.push('the archive holds no data: the backup that wrote it did not finish');
	if (notTar) {
		problems.push('the archive is neither a tar stream nor a NATSARC1 archive: it is not a nats-server stream snapshot');
	} else if (failure !== undefined) {
		problems.push(failure);
	}

	const format: ArchiveFormat = kind === 'natsarc1' ? 'natsarc1' : (kind === 'tar' && !notTar ? 'tar' : 'unknown');
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
		warnings.push('the archive is in the NATSARC1 format: only nats-server 2.15 or later can restore it, and its contents were not inspected');
	} else if (format === 'tar') {
		const findings = contents.inspect(complete);
		problems.push(...findings.problems);
		warnings.push(...findings.warnings);
		if (findings.streamName !== undefined) report.streamName = findings.streamName;
		if (findings.metaSumOk !== undefined) report.metaSumOk = findings.metaSumOk;
		if (findings.errorsTxt !== undefined) report.errorsTxt = findings.errorsTxt;
	}

	if (hash && complete) report.sha256 = hash.digest('hex');
	report.ok = problems.length === 0;
	return report;
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
