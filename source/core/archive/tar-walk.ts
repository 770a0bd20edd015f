/**
 * A streaming tar walker (ustar, PAX and GNU long names) for the decompressed snapshot. File bodies
 * are skipped, never buffered, unless the caller asks for a small entry's content; memory use is one
 * 512-byte header plus those capped contents, whatever the archive size.
 */

const blockSize = 512;
const defaultMaxContentBytes = 1 << 20;
// PAX and GNU long-name records describe one name or size; anything bigger is corruption.
const maxMetaHeaderBytes = 1 << 20;
// Links, devices, directories and FIFOs have no body whatever their size field says (as Go's reader).
const headerOnlyTypes = new Set(['1', '2', '3', '4', '5', '6']);

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export type TarEntry = {
	name: string;
	size: number;
	type: TarEntryType;
	/** Offset of the entry's header in the tar stream. */
	offset: number;
	/** Only for entries the caller asked for; at most `maxContentBytes` long. */
	content?: Buffer;
	contentTruncated?: boolean;
};

export type TarWalkerOptions = {
	wantContent?: (name: string, size: number) => boolean;
	maxContentBytes?: number;
};

export type TarErrorKind = 'truncated' | 'corrupt';

export class TarFormatError extends Error {
	readonly kind: TarErrorKind;
	readonly offset: number;

	constructor(kind: TarErrorKind, offset: number, message: string) {
		super(message);
		this.name = 'TarFormatError';
		this.kind = kind;
		this.offset = offset;
	}
}

type Pending = {path?: string; size?: number};

type State = 'header' | 'body' | 'padding' | 'end';

/**
 * Push-style walker: `push()` decompressed bytes split anywhere; `onEntry` is called once an entry's
 * body has gone by, so requested content is complete. Call `end()` when the input ends.
 */
export class TarWalker {
	/** Tar bytes consumed so far. */
	bytes = 0;

	readonly #wantContent: (name: string, size: number) => boolean;
	readonly #maxContentBytes: number;
	#state: State = 'header';
	readonly #headerBlock = new Uint8Array(blockSize);
	#headerFill = 0;
	#sawZeroBlock = false;
	#entry: TarEntry | undefined;
	/** Set for PAX/GNU records, which describe the next entry instead of being one. */
	#metaType: string | undefined;
	#pending: Pending = {};
	#bodySize = 0;
	#remaining = 0;
	#padding = 0;
	#capture: Uint8Array | undefined;
	#captureFill = 0;

	constructor(options: TarWalkerOptions = {}) {
		this.#wantContent = options.wantContent ?? (() => false);
		this.#maxContentBytes = options.maxContentBytes ?? defaultMaxContentBytes;
	}

	/** True once the two zero blocks that close a tar have been read. */
	get finished(): boolean {
		return this.#state === 'end';
	}

	push(data: Uint8Array, onEntry: (entry: TarEntry) => void): void {
		const base = this.bytes;
		let i = 0;
		while (i < data.length) {
			switch (this.#state) {
				case 'header': {
					if (this.#headerFill === 0 && data.length - i >= blockSize) {
						this.#onHeader(data.subarray(i, i + blockSize), base + i, onEntry);
						i += blockSize;
						break;
					}

					const take = Math.min(blockSize - this.#headerFill, data.length - i);
					this.#headerBlock.set(data.subarray(i, i + take), this.#headerFill);
					this.#headerFill += take;
					i += take;
					if (this.#headerFill === blockSize) {
						this.#headerFill = 0;
						this.#onHeader(this.#headerBlock, base + i - blockSize, onEntry);
					}

					break;
				}

				case 'body': {
					const take = Math.min(this.#remaining, data.length - i);
					if (this.#capture && this.#captureFill < this.#capture.length) {
						const copy = Math.min(take, this.#capture.length - this.#captureFill);
						this.#capture.set(data.subarray(i, i + copy), this.#captureFill);
						this.#captureFill += copy;
					}

					i += take;
					this.#remaining -= take;
					if (this.#remaining === 0) this.#finishBody(onEntry);
					break;
				}

				case 'padding': {
					const take = Math.min(this.#padding, data.length - i);
					i += take;
					this.#padding -= take;
					if (this.#padding === 0) this.#state = 'header';
					break;
				}

				case 'end': {
					// Bytes after the end-of-archive marker belong to no entry (writers may pad to a record).
					i = data.length;
				}
			}
		}

		this.bytes = base + data.length;
	}

	end(): void {
		switch (this.#state) {
			case 'end': {
				return;
			}

			case 'header': {
				if (this.#headerFill > 0)
					throw new TarFormatError(
						'truncated',
						this.bytes - this.#headerFill,
						'the tar stream ends inside an entry header',
					);
				throw new TarFormatError(
					'truncated',
					this.bytes,
					this.#sawZeroBlock
						? 'the tar stream ends inside its end-of-archive marker'
						: 'the tar stream ends without its end-of-archive marker',
				);
			}

			case 'body': {
				const size = this.#entry?.size ?? 0;
				const name = this.#entry?.name ?? 'an extended header';
				throw new TarFormatError(
					'truncated',
					this.bytes,
					`the tar stream ends inside ${name} (${size - this.#remaining} of ${size} bytes)`,
				);
			}

			case 'padding': {
				throw new TarFormatError(
					'truncated',
					this.bytes,
					`the tar stream ends in the padding after ${this.#entry?.name ?? 'an extended header'}`,
				);
			}
		}
	}

	#onHeader(block: Uint8Array, offset: number, onEntry: (entry: TarEntry) => void): void {
		const checksum = headerChecksum(block);
		if (checksum.unsigned === 0) {
			// Empty block: the first half of the end-of-archive marker, or all of it.
			if (this.#sawZeroBlock) this.#state = 'end';
			this.#sawZeroBlock = true;
			return;
		}

		if (this.#sawZeroBlock)
			throw new TarFormatError('corrupt', offset, 'a tar header follows a lone end-of-archive block');
		const stored = parseOctal(block, 148, 8);
		if (stored === undefined || (stored !== checksum.unsigned && stored !== checksum.signed)) {
			throw new TarFormatError('corrupt', offset, `bad tar header checksum at byte ${offset}`);
		}

		const typeflag = block[156] === 0 ? '0' : String.fromCharCode(block[156]!);
		const size = parseNumeric(block, 124, 12);
		if (size === undefined)
			throw new TarFormatError('corrupt', offset, `unreadable size in the tar header at byte ${offset}`);
		if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
			if (size > maxMetaHeaderBytes)
				throw new TarFormatError('corrupt', offset, `extended tar header of ${size} bytes at byte ${offset}`);
			this.#metaType = typeflag;
			this.#entry = undefined;
			this.#startBody(size, new Uint8Array(size), onEntry);
			return;
		}

		const entry: TarEntry = {
			name: this.#pending.path ?? headerName(block),
			size: this.#pending.size ?? size,
			type: entryType(typeflag),
			offset,
		};
		this.#pending = {};
		this.#metaType = undefined;
		this.#entry = entry;
		const hasBody = !headerOnlyTypes.has(typeflag);
		const bodySize = hasBody ? entry.size : 0;
		// Even an empty body is handed over when asked for: an empty errors.txt still means a failure.
		const wanted = hasBody && this.#wantContent(entry.name, entry.size);
		if (wanted && entry.size > this.#maxContentBytes) entry.contentTruncated = true;
		this.#startBody(
			bodySize,
			wanted ? new Uint8Array(Math.min(entry.size, this.#maxContentBytes)) : undefined,
			onEntry,
		);
	}

	#startBody(size: number, capture: Uint8Array | undefined, onEntry: (entry: TarEntry) => void): void {
		this.#bodySize = size;
		this.#remaining = size;
		this.#capture = capture;
		this.#captureFill = 0;
		this.#state = 'body';
		if (size === 0) this.#finishBody(onEntry);
	}

	#finishBody(onEntry: (entry: TarEntry) => void): void {
		this.#padding = (blockSize - (this.#bodySize % blockSize)) % blockSize;
		this.#state = this.#padding > 0 ? 'padding' : 'header';
		const captured = this.#capture;
		this.#capture = undefined;
		if (this.#metaType !== undefined) {
			this.#applyMetaHeader(this.#metaType, captured ?? new Uint8Array(0));
			return;
		}

		const entry = this.#entry!;
		if (captured) entry.content = Buffer.from(captured.buffer, captured.byteOffset, captured.length);
		onEntry(entry);
	}

	#applyMetaHeader(type: string, body: Uint8Array): void {
		if (type === 'L') {
			this.#pending.path = cString(body, 0, body.length);
		} else if (type === 'x') {
			// Global ('g') records and long link names ('K') do not change what we report.
			const records = parsePaxRecords(body);
			if (records.path !== undefined) this.#pending.path = records.path;
			if (records.size !== undefined) this.#pending.size = records.size;
		}
	}
}

function headerChecksum(block: Uint8Array): {unsigned: number; signed: number} {
	let unsigned = 0;
	let signed = 0;
	for (let i = 0; i < blockSize; i++) {
		// The checksum field itself counts as eight spaces.
		const byte = i >= 148 && i < 156 ? 0x20 : block[i]!;
		unsigned += byte;
		signed += byte > 127 ? byte - 256 : byte;
	}

	// A zero block sums to 8 spaces; report it as 0 so callers can spot the end marker.
	return unsigned === 8 * 0x20 && isZero(block) ? {unsigned: 0, signed: 0} : {unsigned, signed};
}

function isZero(block: Uint8Array): boolean {
	for (let i = 0; i < blockSize; i++) if (block[i] !== 0) return false;
	return true;
}

function parseOctal(block: Uint8Array, start: number, length: number): number | undefined {
	let value = 0;
	let digits = 0;
	for (let i = start; i < start + length; i++) {
		const byte = block[i]!;
		if (byte === 0 || byte === 0x20) {
			if (digits > 0) break;
			continue;
		}

		if (byte < 0x30 || byte > 0x37) return undefined;
		value = value * 8 + (byte - 0x30);
		digits++;
	}

	return digits > 0 ? value : undefined;
}

/** Sizes over 8 GiB use GNU base-256: high bit set, then a big-endian number. */
function parseNumeric(block: Uint8Array, start: number, length: number): number | undefined {
	if ((block[start]! & 0x80) === 0) return parseOctal(block, start, length) ?? 0;
	let value = block[start]! & 0x7f;
	for (let i = start + 1; i < start + length; i++) value = value * 256 + block[i]!;
	return Number.isSafeInteger(value) ? value : undefined;
}

function headerName(block: Uint8Array): string {
	const name = cString(block, 0, 100);
	// Only POSIX ustar ("ustar\0") has a prefix field; GNU ("ustar  ") uses those bytes otherwise.
	const isPosixUstar = cString(block, 257, 6) === 'ustar' && block[262] === 0;
	const prefix = isPosixUstar ? cString(block, 345, 155) : '';
	return prefix ? `${prefix}/${name}` : name;
}

function cString(data: Uint8Array, start: number, length: number): string {
	let end = start;
	while (end < start + length && data[end] !== 0) end++;
	return Buffer.from(data.buffer, data.byteOffset + start, end - start).toString('utf8');
}

function entryType(typeflag: string): TarEntryType {
	switch (typeflag) {
		case '0':
		case '7': {
			return 'file';
		}

		case '1': {
			return 'hardlink';
		}

		case '2': {
			return 'symlink';
		}

		case '5': {
			return 'directory';
		}

		default: {
			return 'other';
		}
	}
}

/** PAX records read "<length> <key>=<value>\n", the length counting the whole record. */
function parsePaxRecords(body: Uint8Array): Pending {
	const result: Pending = {};
	const text = Buffer.from(body.buffer, body.byteOffset, body.length);
	let at = 0;
	while (at < text.length) {
		const space = text.indexOf(0x20, at);
		if (space < 0) break;
		const length = Number(text.toString('latin1', at, space));
		if (!Number.isInteger(length) || length <= space - at || at + length > text.length) break;
		const record = text.toString('utf8', space + 1, at + length - 1);
		const equals = record.indexOf('=');
		const key = record.slice(0, equals);
		const value = record.slice(equals + 1);
		if (key === 'path') result.path = value;
		if (key === 'size' && /^\d+$/.test(value)) result.size = Number(value);
		at += length;
	}

	return result;
}
