/**
 * The S2 framing format (the Snappy framing format with an "S2sTwO" identifier and 4 MiB blocks), as
 * nats-server writes `stream.tar.s2`. This module holds the framing rules shared with the decoder and
 * a counter that reads only chunk headers, so a live backup can show "uncompressed bytes so far" at
 * network speed without decompressing anything.
 */

export const chunkHeaderSize = 4;
export const checksumSize = 4;
export const chunkTypes = {
	compressed: 0x00,
	uncompressed: 0x01,
	streamIdentifier: 0xff,
} as const;

/** S2 writers never emit a bigger block; the decoder relies on it to bound its buffers. */
const maxS2BlockSize = 4 << 20;
/** A Snappy-framed stream (also accepted by `s2.NewReader`) is limited to 64 KiB blocks. */
const maxSnappyBlockSize = 64 << 10;
/** Worst case of a block stored as one literal: varint length plus a 5-byte literal tag. */
const maxBlockEncodingOverhead = 10;

export type StreamFlavor = 's2' | 'snappy';

export type S2ErrorKind =
	| 'truncated'
	| 'crc-mismatch'
	| 'missing-stream-identifier'
	| 'bad-stream-identifier'
	| 'unsupported-chunk'
	| 'corrupt-chunk';

/** A framing or block error, located by the offset of the chunk's header in the compressed stream. */
export class S2FormatError extends Error {
	readonly kind: S2ErrorKind;
	readonly offset: number;
	readonly detail: string;

	constructor(kind: S2ErrorKind, offset: number, detail: string) {
		super(`S2 chunk at byte ${offset}: ${detail}`);
		this.name = 'S2FormatError';
		this.kind = kind;
		this.offset = offset;
		this.detail = detail;
	}
}

function maxBlockSize(flavor: StreamFlavor): number {
	return flavor === 's2' ? maxS2BlockSize : maxSnappyBlockSize;
}

/**
 * Rejects a chunk header before its body is read, so a corrupt length never makes us wait for or
 * buffer megabytes that cannot be valid.
 */
export function checkChunkHeader(type: number, length: number, offset: number, flavor: StreamFlavor | undefined): void {
	if (flavor === undefined && type !== chunkTypes.streamIdentifier) {
		throw new S2FormatError(
			'missing-stream-identifier',
			offset,
			`expected the stream identifier chunk, found chunk type 0x${hex(type)}`,
		);
	}

	const limit = maxBlockSize(flavor ?? 's2');
	switch (type) {
		case chunkTypes.streamIdentifier: {
			if (length !== 6)
				throw new S2FormatError(
					'bad-stream-identifier',
					offset,
					`stream identifier chunk has length ${length}, expected 6`,
				);
			return;
		}

		case chunkTypes.compressed: {
			if (length < checksumSize + 1 || length - checksumSize > limit + maxBlockEncodingOverhead) {
				throw new S2FormatError('corrupt-chunk', offset, `compressed chunk has impossible length ${length}`);
			}

			return;
		}

		case chunkTypes.uncompressed: {
			if (length < checksumSize || length - checksumSize > limit) {
				throw new S2FormatError('corrupt-chunk', offset, `uncompressed chunk has impossible length ${length}`);
			}

			return;
		}

		default: {
			// 0x02-0x7f are reserved and must not be skipped; 0x80-0xfe (padding, S2's index 0x99) may be.
			if (type < 0x80)
				throw new S2FormatError('unsupported-chunk', offset, `reserved unskippable chunk type 0x${hex(type)}`);
		}
	}
}

export function parseStreamIdentifier(body: Uint8Array, offset: number): StreamFlavor {
	const text = String.fromCharCode(...body.subarray(0, 6));
	if (text === 'S2sTwO') return 's2';
	if (text === 'sNaPpY') return 'snappy';
	throw new S2FormatError('bad-stream-identifier', offset, `unknown stream identifier ${JSON.stringify(text)}`);
}

/** The uncompressed length that starts every compressed block, as a little-endian base-128 varint. */
export function readBlockLength(
	data: Uint8Array,
	start: number,
	end: number,
	offset: number,
): {length: number; varintBytes: number} {
	let value = 0;
	for (let i = 0; i < 5 && start + i < end; i++) {
		const byte = data[start + i]!;
		value += (byte & 0x7f) * 2 ** (7 * i);
		if (byte < 0x80) {
			if (value > 0xff_ff_ff_ff) break;
			return {length: value, varintBytes: i + 1};
		}
	}

	throw new S2FormatError('corrupt-chunk', offset, 'compressed block has an invalid length header');
}

export function checkBlockLength(length: number, flavor: StreamFlavor, offset: number): void {
	if (length > maxBlockSize(flavor)) {
		throw new S2FormatError(
			'corrupt-chunk',
			offset,
			`block of ${length} bytes exceeds the ${maxBlockSize(flavor)}-byte limit`,
		);
	}
}

export function truncatedError(chunkOffset: number, received: number, expected: number): S2FormatError {
	return new S2FormatError(
		'truncated',
		chunkOffset,
		`stream ended inside the chunk (${received} of ${expected} bytes)`,
	);
}

function hex(byte: number): string {
	return byte.toString(16).padStart(2, '0');
}
