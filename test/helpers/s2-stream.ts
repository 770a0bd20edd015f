import {maskedCrc32c} from '../../source/core/archive/crc32c.js';

/** Wraps bytes in S2 framing with uncompressed chunks only, which every S2 reader must accept. */
export function s2Stream(payload: Uint8Array, chunkSize = 64 * 1024): Buffer {
	const parts = [Buffer.from([0xff, 6, 0, 0]), Buffer.from('S2sTwO')];
	for (let at = 0; at < payload.length; at += chunkSize) {
		const data = payload.subarray(at, at + chunkSize);
		const header = Buffer.alloc(8);
		header.writeUInt8(0x01, 0);
		header.writeUIntLE(data.length + 4, 1, 3);
		header.writeUInt32LE(maskedCrc32c(data), 4);
		parts.push(header, Buffer.from(data));
	}

	return Buffer.concat(parts);
}
