import {createHash, randomBytes} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {crc32c, maskedCrc32c} from '../../source/core/archive/crc32c.js';
import {highwayHash64Hex} from '../../source/core/archive/highwayhash.js';
import {highwayHash64Hex as referenceHighwayHash64Hex} from '../helpers/highwayhash-reference.js';
import {decodeS2Block, decodeS2Stream, S2Decoder} from '../../source/core/archive/s2-decode.js';
import {S2FormatError} from '../../source/core/archive/s2-frames.js';
import {fixtureBackups} from '../helpers/fixtures.js';

const fixtures = fixtureBackups;
const fixtureDirs = ['RANDOM', 'EVENTS-R3', 'account/ORDERS', 'account/AUDIT'];

function archive(dir: string): Buffer {
	return readFileSync(new URL(`${dir}/stream.tar.s2`, fixtures));
}

function chunk(type: number, body: Uint8Array): Buffer {
	const header = Buffer.from([type, body.length & 0xff, (body.length >> 8) & 0xff, body.length >> 16]);
	return Buffer.concat([header, body]);
}

function crcBytes(data: Uint8Array): Buffer {
	const crc = Buffer.alloc(4);
	crc.writeUInt32LE(maskedCrc32c(data));
	return crc;
}

const streamIdentifier = chunk(0xff, Buffer.from('S2sTwO'));

function uncompressedChunk(data: Uint8Array): Buffer {
	return chunk(0x01, Buffer.concat([crcBytes(data), data]));
}

function compressedChunk(block: Uint8Array, decoded: Uint8Array): Buffer {
	return chunk(0x00, Buffer.concat([crcBytes(decoded), block]));
}

function varint(value: number): Buffer {
	const bytes: number[] = [];
	while (value >= 0x80) {
		bytes.push((value & 0x7f) | 0x80);
		value = Math.floor(value / 128);
	}

	bytes.push(value);
	return Buffer.from(bytes);
}

/** Decodes a whole framed stream fed in the given slices; returns the output's digest and totals. */
function decodeAll(slices: Uint8Array[]): {sha256: string; compressed: number; uncompressed: number} {
	const decoder = new S2Decoder();
	const hash = createHash('sha256');
	for (const slice of slices) {
		decoder.write(slice);
		for (let block = decoder.read(); block !== undefined; block = decoder.read()) hash.update(block);
	}

	decoder.end();
	return {sha256: hash.digest('hex'), compressed: decoder.compressedBytes, uncompressed: decoder.uncompressedBytes};
}

/** Deterministic slice sizes, mostly tiny so that chunk headers and varints get split. */
function randomSlices(data: Buffer, seed: number, maxSize: number): Buffer[] {
	let state = seed;
	const next = (): number => {
		state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
		return state / 2 ** 32;
	};

	const slices: Buffer[] = [];
	for (let at = 0; at < data.length;) {
		const size = 1 + Math.floor(next() * maxSize);
		slices.push(data.subarray(at, at + size));
		at += size;
	}

	return slices;
}

function s2Error(kind: string): (error: unknown) => boolean {
	return error => error instanceof S2FormatError && error.kind === kind;
}

test('crc32c matches the Castagnoli check value', () => {
	assert.equal(crc32c(Buffer.from('123456789')), 0xe3_06_92_83);
	assert.equal(crc32c(Buffer.alloc(0)), 0);
	// Every offset into the buffer: the range is passed as a view, not copied.
	const data = Buffer.from('The quick brown fox jumps over the lazy dog, twice over.');
	for (let start = 0; start < 9; start++) {
		let slow = ~0;
		for (const byte of data.subarray(start)) {
			slow ^= byte;
			for (let k = 0; k < 8; k++) slow = slow & 1 ? (slow >>> 1) ^ 0x82_f6_3b_78 : slow >>> 1;
		}

		assert.equal(crc32c(data, start), ~slow >>> 0);
	}
});

test('highwayhash reproduces the meta.sum of every fixture', async () => {
	for (const dir of fixtureDirs) {
		const files = new Map<string, Buffer>();
		const blocks: Buffer[] = [];
		for await (const block of decodeS2Stream([archive(dir)])) blocks.push(Buffer.from(block));
		const tar = Buffer.concat(blocks);
		for (let at = 0; at + 512 <= tar.length;) {
			const name = tar.toString('utf8', at, at + 100).replace(/\0.*$/s, '');
			if (name === '') break;
			const size = Number.parseInt(tar.toString('latin1', at + 124, at + 136), 8);
			files.set(name, tar.subarray(at + 512, at + 512 + size));
			at += 512 + Math.ceil(size / 512) * 512;
		}

		const meta = files.get('meta.inf')!;
		const streamName = (JSON.parse(meta.toString()) as {name: string}).name;
		const key = createHash('sha256').update(streamName).digest();
		assert.equal(highwayHash64Hex(meta, key), files.get('meta.sum')!.toString(), dir);
	}
});

test('highwayhash covers every tail length', () => {
	const key = createHash('sha256').update('ORDERS').digest();
	const seen = new Set<string>();
	for (let length = 0; length <= 70; length++) seen.add(highwayHash64Hex(Buffer.alloc(length, 7), key));
	assert.equal(seen.size, 71);
});

test('highwayhash agrees with the BigInt reference on random keys and data of every length up to 200', () => {
	for (let length = 0; length <= 200; length++) {
		const key = randomBytes(32);
		const data = randomBytes(length);
		assert.equal(highwayHash64Hex(data, key), referenceHighwayHash64Hex(data, key), `length ${length}`);
	}
});

test('every fixture decodes', () => {
	for (const dir of fixtureDirs) {
		const data = archive(dir);
		assert.equal(decodeAll([data]).compressed, data.length, dir);
	}

	// RANDOM holds 3 MiB of random payloads: 3,290,112 bytes of tar.
	assert.equal(decodeAll([archive('RANDOM')]).uncompressed, 3_290_112);
});

test('slices split anywhere give the same totals and output as one slice', () => {
	for (const dir of fixtureDirs) {
		const data = archive(dir);
		const whole = decodeAll([data]);
		for (const [seed, maxSize] of [
			[1, 7],
			[2, 64],
			[3, 70_000],
		] as const) {
			const slices = randomSlices(data, seed, maxSize);
			assert.deepEqual(decodeAll(slices), whole, `${dir} decoder, slices up to ${maxSize}`);
		}
	}
});

test('one byte at a time still works', () => {
	const data = archive('account/AUDIT');
	const slices = [...data].map(byte => Uint8Array.of(byte));
	assert.deepEqual(decodeAll(slices), decodeAll([data]));
});

test('decodeS2Stream yields every block of an async source', async () => {
	const data = archive('EVENTS-R3');
	let total = 0;
	const decoder = new S2Decoder();
	for await (const block of decodeS2Stream(randomSlices(data, 9, 5000), decoder)) total += block.length;
	assert.equal(total, 680_960);
	assert.equal(decoder.compressedBytes, data.length);
});

test('S2 block elements: literals, copies, and every repeat length encoding', () => {
	const literal = (text: string): Buffer => {
		const n = text.length - 1;
		if (n < 60) return Buffer.concat([Buffer.from([n << 2]), Buffer.from(text)]);
		return Buffer.concat([Buffer.from([61 << 2, n & 0xff, n >> 8]), Buffer.from(text)]);
	};

	const copy1 = (offset: number, length: number): Buffer =>
		Buffer.from([((offset >> 8) << 5) | ((length - 4) << 2) | 1, offset & 0xff]);
	const copy2 = (offset: number, length: number): Buffer =>
		Buffer.from([((length - 1) << 2) | 2, offset & 0xff, offset >> 8]);
	const copy4 = (offset: number, length: number): Buffer =>
		Buffer.from([((length - 1) << 2) | 3, offset & 0xff, (offset >> 8) & 0xff, (offset >> 16) & 0xff, offset >>> 24]);
	const repeat = (length: number): Buffer => {
		if (length <= 8) return Buffer.from([((length - 4) << 2) | 1, 0]);
		if (length < 260) return Buffer.from([(5 << 2) | 1, 0, length - 8]);
		if (length < 65_540) return Buffer.from([(6 << 2) | 1, 0, (length - 260) & 0xff, (length - 260) >> 8]);
		const n = length - 65_540;
		return Buffer.from([(7 << 2) | 1, 0, n & 0xff, (n >> 8) & 0xff, n >> 16]);
	};

	const long = 'x'.repeat(200) + 'y';
	const elements = [
		literal('abcd'),
		copy1(4, 8),
		literal('0123456789'),
		copy2(10, 20),
		repeat(5),
		repeat(100),
		repeat(1000),
		repeat(70_000),
		literal(long),
		copy4(201, 64),
		copy1(1, 11),
	];
	const expectedParts: string[] = ['abcd', 'abcdabcd', '0123456789'];
	const periodic = (pattern: string, length: number): string =>
		pattern.repeat(Math.ceil(length / pattern.length)).slice(0, length);
	let text = expectedParts.join('');
	const append = (part: string): void => {
		text += part;
	};

	append(periodic('0123456789', 20));
	// Repeats reuse the last offset (10), so they continue the period-10 pattern.
	for (const length of [5, 100, 1000, 70_000]) append(periodic(text.slice(-10), length));
	append(long);
	append(periodic(text.slice(-201), 64));
	append(periodic(text.slice(-1), 11));

	const expected = Buffer.from(text, 'latin1');
	const block = Buffer.concat(elements);
	const output = new Uint8Array(expected.length);
	decodeS2Block(block, 0, block.length, output, expected.length, 0);
	assert.ok(Buffer.from(output).equals(expected));

	// The same block inside a framed stream, after a skippable chunk, S2's index chunk and padding.
	const framed = Buffer.concat([
		streamIdentifier,
		chunk(0x80, Buffer.from('skip me')),
		chunk(0x99, Buffer.alloc(20)),
		chunk(0xfe, Buffer.alloc(0)),
		compressedChunk(Buffer.concat([varint(expected.length), block]), expected),
		uncompressedChunk(Buffer.from('tail')),
	]);
	const result = decodeAll([framed]);
	assert.equal(result.uncompressed, expected.length + 4);
	assert.equal(result.sha256, createHash('sha256').update(expected).update('tail').digest('hex'));
	assert.equal(decodeAll(randomSlices(framed, 4, 3)).uncompressed, expected.length + 4);
});

test('corrupt blocks are rejected, never read out of bounds', () => {
	const decode = (block: number[], length: number): void => {
		decodeS2Block(Uint8Array.from(block), 0, block.length, new Uint8Array(length), length, 42);
	};

	const corrupt = (error: unknown): boolean =>
		error instanceof S2FormatError && error.kind === 'corrupt-chunk' && error.offset === 42;
	assert.throws(() => {
		// Repeat before any copy has set an offset.
		decode([0x0c, 0x61, 0x62, 0x63, 0x64, 0x01, 0x00], 8);
	}, corrupt);
	assert.throws(() => {
		// Offset reaches before the block start.
		decode([0x00, 0x61, 0x11, 0x05], 9);
	}, corrupt);
	assert.throws(() => {
		// Literal longer than the input.
		decode([0x0c, 0x61], 4);
	}, corrupt);
	assert.throws(() => {
		// Output shorter than announced.
		decode([0x00, 0x61], 2);
	}, corrupt);
	assert.throws(() => {
		// Copy past the announced length.
		decode([0x00, 0x61, 0x11, 0x01], 3);
	}, corrupt);
	assert.throws(() => {
		// Truncated copy-4 tag.
		decode([0x00, 0x61, 0x03, 0x01], 5);
	}, corrupt);
});

test('framing errors name their kind and chunk offset', () => {
	const data = Buffer.from('hello');
	const bad = (stream: Buffer, kind: string, offset: number): void => {
		assert.throws(
			() => decodeAll([stream]),
			(error: unknown) => s2Error(kind)(error) && (error as S2FormatError).offset === offset,
		);
	};

	bad(uncompressedChunk(data), 'missing-stream-identifier', 0);
	bad(chunk(0xff, Buffer.from('S2sTwX')), 'bad-stream-identifier', 0);
	bad(chunk(0xff, Buffer.from('S2sTwO!')), 'bad-stream-identifier', 0);
	bad(Buffer.concat([streamIdentifier, chunk(0x02, data)]), 'unsupported-chunk', 10);
	bad(Buffer.concat([streamIdentifier, chunk(0x01, Buffer.alloc(3))]), 'corrupt-chunk', 10);
	bad(
		Buffer.concat([streamIdentifier, compressedChunk(Buffer.concat([varint((4 << 20) + 1), Buffer.from([0])]), data)]),
		'corrupt-chunk',
		10,
	);

	const flipped = Buffer.concat([streamIdentifier, uncompressedChunk(data), uncompressedChunk(data)]);
	flipped[flipped.length - 1]! ^= 1;
	assert.throws(
		() => decodeAll([flipped]),
		(error: unknown) => s2Error('crc-mismatch')(error) && (error as S2FormatError).offset === 23,
	);

	// A Snappy-framed stream is accepted too.
	assert.equal(
		decodeAll([Buffer.concat([chunk(0xff, Buffer.from('sNaPpY')), uncompressedChunk(data)])]).uncompressed,
		5,
	);
});

test('a stream cut inside a chunk or a chunk header is truncated', () => {
	const data = archive('account/ORDERS');
	for (const cut of [data.length - 1, 12, 11, 10 + 4 + 100]) {
		const slice = data.subarray(0, cut);
		assert.throws(() => decodeAll([slice]), s2Error('truncated'), `cut at ${cut}`);
	}

	assert.throws(
		() => decodeAll([data.subarray(0, 12)]),
		(error: unknown) => (error as S2FormatError).offset === 10,
	);
});

test('a bit flip in a fixture is caught', () => {
	for (const dir of fixtureDirs) {
		const data = Buffer.from(archive(dir));
		data[Math.floor(data.length / 2)]! ^= 0x10;
		assert.throws(
			() => decodeAll([data]),
			(error: unknown) =>
				error instanceof S2FormatError && (error.kind === 'crc-mismatch' || error.kind === 'corrupt-chunk'),
			dir,
		);
	}
});

test('write() refuses new input before the previous slice is consumed', () => {
	const decoder = new S2Decoder();
	decoder.write(
		Buffer.concat([streamIdentifier, uncompressedChunk(Buffer.from('a')), uncompressedChunk(Buffer.from('b'))]),
	);
	assert.ok(decoder.read());
	assert.throws(() => {
		decoder.write(Buffer.from('x'));
	}, /before read\(\) consumed/);
});
