/**
 * A full S2 decompressor: Snappy's block format plus S2's repeat-offset copies, behind a framed-stream
 * decoder that checks every chunk's CRC. Memory stays bounded by one chunk (S2 blocks are at most
 * 4 MiB) whatever the archive size, and the output buffer is reused from block to block.
 */

import {maskedCrc32c} from './crc32c.js';
import {
	checkBlockLength,
	checkChunkHeader,
	checksumSize,
	chunkHeaderSize,
	chunkTypes,
	parseStreamIdentifier,
	readBlockLength,
	S2FormatError,
	type StreamFlavor,
	truncatedError,
} from './s2-frames.js';

// Below these sizes a plain loop beats the call overhead of set()/copyWithin().
const shortLiteral = 16;
const shortCopy = 32;

function corrupt(offset: number, detail: string): S2FormatError {
	return new S2FormatError('corrupt-chunk', offset, `corrupt block: ${detail}`);
}

/**
 * Decodes the tagged elements of one block, `src[start, end)` (after the length varint), into
 * `dst[0, length)`. `chunkOffset` only locates errors.
 */
export function decodeS2Block(
	src: Uint8Array,
	start: number,
	end: number,
	dst: Uint8Array,
	length: number,
	chunkOffset: number,
): void {
	let s = start;
	let d = 0;
	// S2 lets a copy reuse the previous copy's offset; there is none before the first copy.
	let offset = 0;
	while (s < end) {
		const tag = src[s]!;
		let n: number;
		switch (tag & 3) {
			case 0: {
				n = tag >>> 2;
				if (n < 60) {
					s++;
				} else {
					const extraBytes = n - 59;
					if (s + 1 + extraBytes > end) throw corrupt(chunkOffset, 'literal length runs past the block');
					n = src[s + 1]!;
					if (extraBytes > 1) n |= src[s + 2]! << 8;
					if (extraBytes > 2) n |= src[s + 3]! << 16;
					if (extraBytes > 3) n = (n | (src[s + 4]! << 24)) >>> 0;
					s += 1 + extraBytes;
				}

				n += 1;
				if (n > length - d || n > end - s) throw corrupt(chunkOffset, `literal of ${n} bytes runs past the block`);
				if (n < shortLiteral) {
					for (let k = 0; k < n; k++) dst[d + k] = src[s + k]!;
				} else {
					dst.set(src.subarray(s, s + n), d);
				}

				d += n;
				s += n;
				continue;
			}

			case 1: {
				if (s + 2 > end) throw corrupt(chunkOffset, 'copy tag runs past the block');
				n = (tag >>> 2) & 7;
				const tagOffset = ((tag & 0xe0) << 3) | src[s + 1]!;
				s += 2;
				if (tagOffset === 0) {
					// Repeat: lengths 5-7 announce 1-3 extra length bytes, so long runs stay cheap.
					if (n === 5) {
						if (s + 1 > end) throw corrupt(chunkOffset, 'repeat length runs past the block');
						n = src[s]! + 4;
						s += 1;
					} else if (n === 6) {
						if (s + 2 > end) throw corrupt(chunkOffset, 'repeat length runs past the block');
						n = (src[s]! | (src[s + 1]! << 8)) + (1 << 8);
						s += 2;
					} else if (n === 7) {
						if (s + 3 > end) throw corrupt(chunkOffset, 'repeat length runs past the block');
						n = (src[s]! | (src[s + 1]! << 8) | (src[s + 2]! << 16)) + (1 << 16);
						s += 3;
					}
				} else {
					offset = tagOffset;
				}

				n += 4;
				break;
			}

			case 2: {
				if (s + 3 > end) throw corrupt(chunkOffset, 'copy tag runs past the block');
				n = 1 + (tag >>> 2);
				offset = src[s + 1]! | (src[s + 2]! << 8);
				s += 3;
				break;
			}

			default: {
				if (s + 5 > end) throw corrupt(chunkOffset, 'copy tag runs past the block');
				n = 1 + (tag >>> 2);
				offset = (src[s + 1]! | (src[s + 2]! << 8) | (src[s + 3]! << 16) | (src[s + 4]! << 24)) >>> 0;
				s += 5;
			}
		}

		if (offset <= 0 || offset > d) throw corrupt(chunkOffset, `copy offset ${offset} points before the block start`);
		if (n > length - d) throw corrupt(chunkOffset, `copy of ${n} bytes runs past the block`);
		d = copyMatch(dst, d, offset, n);
	}

	if (d !== length) throw corrupt(chunkOffset, `decoded ${d} bytes, the header announced ${length}`);
}

/** Copies `n` bytes from `offset` back; the ranges may overlap, which repeats the last `offset` bytes. */
function copyMatch(dst: Uint8Array, d: number, offset: number, n: number): number {
	const from = d - offset;
	if (n <= shortCopy) {
		for (let k = 0; k < n; k++) dst[d + k] = dst[from + k]!;
		return d + n;
	}

	if (offset >= n) {
		dst.copyWithin(d, from, from + n);
		return d + n;
	}

	// The output from `from` on is periodic, so each pass may copy everything written so far.
	const stop = d + n;
	while (d < stop) {
		const span = Math.min(d - from, stop - d);
		dst.copyWithin(d, from, from + span);
		d += span;
	}

	return d;
}

/**
 * Pull-style framed decoder: `write()` a slice of the compressed stream (split anywhere), then call
 * `read()` until it returns undefined. A returned block is only valid until the next `read()` or
 * `write()`, because the buffers behind it are reused.
 */
export class S2Decoder {
	uncompressedBytes = 0;
	flavor: StreamFlavor | undefined;

	#input: Uint8Array = new Uint8Array(0);
	#position = 0;
	#inputStart = 0;
	readonly #header = new Uint8Array(chunkHeaderSize);
	#headerFill = 0;
	#inBody = false;
	#type = 0;
	#chunkOffset = 0;
	#chunkLength = 0;
	#bodyFill = 0;
	#body = new Uint8Array(0);
	#output = new Uint8Array(0);

	get compressedBytes(): number {
		return this.#inputStart + this.#position;
	}

	write(data: Uint8Array): void {
		if (this.#position < this.#input.length)
			throw new Error('S2Decoder.write() called before read() consumed the previous slice');
		this.#inputStart += this.#input.length;
		this.#input = data;
		this.#position = 0;
	}

	read(): Uint8Array | undefined {
		const input = this.#input;
		while (this.#position < input.length) {
			if (!this.#inBody) {
				this.#readHeader(input);
				continue;
			}

			const available = input.length - this.#position;
			const missing = this.#chunkLength - this.#bodyFill;
			if (!isDataChunk(this.#type) && this.#type !== chunkTypes.streamIdentifier) {
				const skip = Math.min(missing, available);
				this.#position += skip;
				this.#bodyFill += skip;
				if (skip === missing) this.#inBody = false;
				continue;
			}

			let body: Uint8Array;
			if (this.#bodyFill === 0 && available >= missing) {
				// The whole chunk lies in this slice: decode straight from it, no copy.
				body = input.subarray(this.#position, this.#position + missing);
				this.#position += missing;
			} else {
				const take = Math.min(missing, available);
				if (this.#body.length < this.#chunkLength) this.#body = new Uint8Array(this.#chunkLength);
				this.#body.set(input.subarray(this.#position, this.#position + take), this.#bodyFill);
				this.#position += take;
				this.#bodyFill += take;
				if (take < missing) continue;
				body = this.#body.subarray(0, this.#chunkLength);
			}

			this.#inBody = false;
			const block = this.#finishChunk(body);
			if (block !== undefined && block.length > 0) return block;
		}

		return undefined;
	}

	/** S2 has no end marker: only a cut inside a chunk is detectable here; the tar layer catches the rest. */
	end(): void {
		if (this.#inBody) {
			throw truncatedError(this.#chunkOffset, chunkHeaderSize + this.#bodyFill, chunkHeaderSize + this.#chunkLength);
		}

		if (this.#headerFill > 0)
			throw truncatedError(this.compressedBytes - this.#headerFill, this.#headerFill, chunkHeaderSize);
	}

	#readHeader(input: Uint8Array): void {
		const take = Math.min(chunkHeaderSize - this.#headerFill, input.length - this.#position);
		this.#header.set(input.subarray(this.#position, this.#position + take), this.#headerFill);
		this.#headerFill += take;
		this.#position += take;
		if (this.#headerFill < chunkHeaderSize) return;
		const header = this.#header;
		this.#headerFill = 0;
		this.#type = header[0]!;
		this.#chunkLength = header[1]! | (header[2]! << 8) | (header[3]! << 16);
		this.#chunkOffset = this.compressedBytes - chunkHeaderSize;
		checkChunkHeader(this.#type, this.#chunkLength, this.#chunkOffset, this.flavor);
		this.#bodyFill = 0;
		this.#inBody = this.#chunkLength > 0;
	}

	#finishChunk(body: Uint8Array): Uint8Array | undefined {
		const offset = this.#chunkOffset;
		if (this.#type === chunkTypes.streamIdentifier) {
			this.flavor = parseStreamIdentifier(body, offset);
			return undefined;
		}

		const expectedCrc = (body[0]! | (body[1]! << 8) | (body[2]! << 16) | (body[3]! << 24)) >>> 0;
		let block: Uint8Array;
		if (this.#type === chunkTypes.compressed) {
			const {length, varintBytes} = readBlockLength(body, checksumSize, body.length, offset);
			checkBlockLength(length, this.flavor!, offset);
			if (this.#output.length < length) this.#output = new Uint8Array(length);
			decodeS2Block(body, checksumSize + varintBytes, body.length, this.#output, length, offset);
			block = this.#output.subarray(0, length);
		} else {
			block = body.subarray(checksumSize);
		}

		if (maskedCrc32c(block) !== expectedCrc) {
			throw new S2FormatError('crc-mismatch', offset, 'CRC mismatch: the data does not match its checksum');
		}

		this.uncompressedBytes += block.length;
		return block;
	}
}

function isDataChunk(type: number): boolean {
	return type === chunkTypes.compressed || type === chunkTypes.uncompressed;
}

/**
 * Decodes a compressed byte stream block by block. Each yielded block is only valid until the
 * generator resumes; pass your own `decoder` to watch its byte counters while iterating.
 */
export async function* decodeS2Stream(
	source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
	decoder = new S2Decoder(),
): AsyncGenerator<Uint8Array, void, undefined> {
	for await (const data of source) {
		decoder.write(data);
		for (let block = decoder.read(); block !== undefined; block = decoder.read()) yield block;
	}

	decoder.end();
}
