/**
 * CRC-32C (Castagnoli), the checksum of the Snappy/S2 framing format. Slicing-by-8 tables, because a
 * byte-at-a-time loop caps verification well below disk speed on multi-GiB archives.
 */

const castagnoliReversed = 0x82_F6_3B_78;
const table = buildTable();

function buildTable(): Uint32Array {
	const t = new Uint32Array(8 * 256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ castagnoliReversed : c >>> 1;
		t[n] = c;
	}

	for (let n = 0; n < 256; n++) {
		for (let slice = 1; slice < 8; slice++) {
			const previous = t[((slice - 1) * 256) + n]!;
			t[(slice * 256) + n] = (previous >>> 8) ^ t[previous & 0xFF]!;
		}
	}

	return t;
}

/** CRC-32C of `data[start, end)`. */
export function crc32c(data: Uint8Array, start = 0, end = data.length): number {
	const t = table;
	let crc = ~0;
	let i = start;
	for (const stop = end - 8; i <= stop; i += 8) {
		crc ^= data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
		crc = t[1792 + (crc & 0xFF)]! ^ t[1536 + ((crc >>> 8) & 0xFF)]! ^ t[1280 + ((crc >>> 16) & 0xFF)]! ^ t[1024 + (crc >>> 24)]!
			^ t[768 + data[i + 4]!]! ^ t[512 + data[i + 5]!]! ^ t[256 + data[i + 6]!]! ^ t[data[i + 7]!]!;
	}

	for (; i < end; i++) crc = t[(crc ^ data[i]!) & 0xFF]! ^ (crc >>> 8);
	return ~crc >>> 0;
}

/**
 * The framing format stores CRCs "masked" so that a CRC computed over data that itself embeds CRCs
 * does not degenerate (framing_format.txt §3).
 */
export function maskedCrc32c(data: Uint8Array, start = 0, end = data.length): number {
	const crc = crc32c(data, start, end);
	return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xA2_82_EA_D8) >>> 0;
}
