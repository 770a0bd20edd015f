import {createHash} from 'node:crypto';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, test} from 'node:test';
import assert from 'node:assert/strict';
import {highwayHash64Hex} from '../../source/core/archive/highwayhash.js';
import {decodeS2Stream} from '../../source/core/archive/s2-decode.js';
import {type TarEntry, TarFormatError, TarWalker} from '../../source/core/archive/tar-walk.js';
import {ArchiveVerifier, verifyArchive} from '../../source/core/archive/verify-archive.js';
import {fixtureBackups} from '../helpers/fixtures.js';
import {s2Stream} from '../helpers/s2-stream.js';
import {snapshotTar, tarOf, type TarInput} from '../helpers/tar.js';

const fixtures = fixtureBackups;
const fixtureArchive = (dir: string): string => fileURLToPath(new URL(`${dir}/stream.tar.s2`, fixtures));
const expected = [
	{dir: 'RANDOM', stream: 'RANDOM', consumers: []},
	{dir: 'EVENTS-R3', stream: 'EVENTS', consumers: ['MONITOR', 'PROCESSOR']},
	{dir: 'account/ORDERS', stream: 'ORDERS', consumers: ['MONITOR', 'PROCESSOR']},
	{dir: 'account/AUDIT', stream: 'AUDIT', consumers: []},
];

const scratch = mkdtempSync(join(tmpdir(), 'nats-dr-archive-'));
after(() => {
	rmSync(scratch, {recursive: true, force: true});
});

function scratchFile(name: string, data: Uint8Array): string {
	const path = join(scratch, name);
	writeFileSync(path, data);
	return path;
}

async function decodedFixture(dir: string): Promise<Buffer> {
	const blocks: Buffer[] = [];
	for await (const block of decodeS2Stream([readFileSync(fixtureArchive(dir))])) blocks.push(Buffer.from(block));
	return Buffer.concat(blocks);
}

function walk(
	tar: Uint8Array,
	options: ConstructorParameters<typeof TarWalker>[0] = {},
	sliceSize = tar.length,
): TarEntry[] {
	const walker = new TarWalker(options);
	const entries: TarEntry[] = [];
	for (let at = 0; at < tar.length; at += sliceSize)
		walker.push(tar.subarray(at, at + sliceSize), entry => entries.push(entry));
	walker.end();
	return entries;
}

test("the tar walker lists a fixture's entries and reads only the small ones asked for", async () => {
	const tar = await decodedFixture('account/ORDERS');
	const entries = walk(tar, {wantContent: name => name.endsWith('meta.inf')});
	assert.deepEqual(
		entries.map(entry => entry.name),
		[
			'meta.inf',
			'meta.sum',
			'msgs/1.idx',
			'msgs/1.fss',
			'msgs/1.blk',
			'obs/PROCESSOR/meta.inf',
			'obs/PROCESSOR/meta.sum',
			'obs/PROCESSOR/o.dat',
			'obs/MONITOR/meta.inf',
			'obs/MONITOR/meta.sum',
			'obs/MONITOR/o.dat',
		],
	);
	const blk = entries.find(entry => entry.name === 'msgs/1.blk')!;
	assert.equal(blk.size, 988_179);
	assert.equal(blk.type, 'file');
	assert.equal(blk.content, undefined);
	const meta = entries.find(entry => entry.name === 'meta.inf')!;
	assert.equal((JSON.parse(meta.content!.toString()) as {name: string}).name, 'ORDERS');
	for (const sliceSize of [1, 7, 511, 513, 4096]) {
		assert.deepEqual(
			walk(tar, {wantContent: name => name.endsWith('meta.inf')}, sliceSize),
			entries,
			`slices of ${sliceSize}`,
		);
	}
});

test('the tar walker applies PAX and GNU long names and PAX sizes', () => {
	const longName = `obs/${'C'.repeat(150)}/meta.inf`;
	const tar = tarOf([
		{name: 'ignored', pax: {path: longName, mtime: '1.5'}, content: 'pax'},
		{name: '././@LongLink', typeflag: 'L', content: `${'g'.repeat(120)}\0`},
		{name: 'truncated-name', content: 'gnu'},
		{name: 'dir/', typeflag: '5', size: 0},
		{name: 'plain', content: 'x'.repeat(600)},
	]);
	const entries = walk(tar, {wantContent: () => true, maxContentBytes: 512});
	assert.deepEqual(
		entries.map(({name, size, type}) => ({name, size, type})),
		[
			{name: longName, size: 3, type: 'file'},
			{name: 'g'.repeat(120), size: 3, type: 'file'},
			{name: 'dir/', size: 0, type: 'directory'},
			{name: 'plain', size: 600, type: 'file'},
		],
	);
	assert.equal(entries[0]!.content!.toString(), 'pax');
	assert.equal(entries[3]!.content!.length, 512);
	assert.equal(entries[3]!.contentTruncated, true);

	// A PAX size overrides the header's, as for files over 8 GiB.
	const sized = tarOf([{name: 'big', pax: {size: '5'}, content: 'abcde', size: 0}]);
	assert.equal(walk(sized)[0]!.size, 5);
});

test('the tar walker reports truncation and corruption', () => {
	const tar = snapshotTar('S');
	const truncated = (cut: number, pattern: RegExp): void => {
		assert.throws(
			() => walk(tar.subarray(0, cut)),
			(error: unknown) => error instanceof TarFormatError && error.kind === 'truncated' && pattern.test(error.message),
			`cut at ${cut}`,
		);
	};

	const blkHeader = tar.indexOf('msgs/1.blk');
	truncated(blkHeader + 512 + 100, /ends inside msgs\/1\.blk \(100 of 3000 bytes\)/);
	truncated(blkHeader + 200, /inside an entry header/);
	truncated(tar.length - 1024, /without its end-of-archive marker/);
	truncated(tar.length - 512, /inside its end-of-archive marker/);
	truncated(blkHeader + 512 + 3000 + 10, /padding after msgs\/1\.blk/);

	const corrupt = Buffer.from(tar);
	corrupt[blkHeader + 5]! ^= 1;
	assert.throws(
		() => walk(corrupt),
		(error: unknown) => error instanceof TarFormatError && error.kind === 'corrupt' && /checksum/.test(error.message),
	);
});

test('every fixture archive verifies, with its stream, consumers and byte totals', async () => {
	for (const {dir, stream, consumers} of expected) {
		const path = fixtureArchive(dir);
		const progress: number[] = [];
		const report = await verifyArchive(path, {onProgress: p => progress.push(p.uncompressedBytes), sha256: true});
		assert.equal(report.ok, true, `${dir}: ${report.problems.join('; ')}`);
		assert.deepEqual(report.problems, []);
		assert.deepEqual(report.warnings, []);
		assert.equal(report.format, 'tar');
		assert.equal(report.streamName, stream);
		assert.equal(report.metaSumOk, true);
		assert.deepEqual(report.consumers, consumers);
		assert.equal(report.messageBlocks, 1);
		assert.equal(report.entries, 5 + 3 * consumers.length);
		assert.equal(report.errorsTxt, undefined);
		const data = readFileSync(path);
		assert.equal(report.compressedBytes, data.length);
		assert.equal(report.uncompressedBytes, (await decodedFixture(dir)).length);
		assert.equal(progress.at(-1), report.uncompressedBytes);
		assert.equal(report.sha256, createHash('sha256').update(data).digest('hex'));
	}
});

test("the archive's XXH3-64 is the one `xxhsum -H3` prints, however the bytes are sliced", async () => {
	// Printed by xxhsum 0.8.1 (Debian's xxhash) for the fixtures.
	const printed = {RANDOM: '828f194fa460148d', 'account/ORDERS': 'a2ca48eb00d74fc3'};
	for (const [dir, xxh3] of Object.entries(printed)) {
		const data = readFileSync(fixtureArchive(dir));
		assert.equal((await verifyArchive(fixtureArchive(dir), {xxh3: true})).xxh3, xxh3, dir);
		const verifier = new ArchiveVerifier({xxh3: true});
		for (let at = 0; at < data.length; at += 777) verifier.push(data.subarray(at, at + 777));
		assert.equal(verifier.finish().xxh3, xxh3, `${dir} in 777-byte slices`);
	}
});

test('a truncated archive is rejected, whether cut inside a chunk or between chunks', async () => {
	const random = readFileSync(fixtureArchive('RANDOM'));
	const insideChunk = await verifyArchive(
		scratchFile('cut-inside.tar.s2', random.subarray(0, Math.floor(random.length / 2))),
		{sha256: true, xxh3: true},
	);
	assert.equal(insideChunk.ok, false);
	assert.match(insideChunk.problems[0]!, /^archive is truncated: S2 stream ended inside a chunk at byte \d+$/);
	assert.equal(insideChunk.streamName, 'RANDOM', 'what was read before the cut is still reported');
	assert.equal(insideChunk.sha256, undefined);
	assert.equal(insideChunk.xxh3, undefined);

	// S2 has no end marker: a cut on a chunk boundary is only visible in the tar.
	const boundaries: number[] = [];
	for (let at = 0; at < random.length; at += 4 + random.readUIntLE(at + 1, 3)) boundaries.push(at);
	const boundary = boundaries[Math.floor(boundaries.length / 2)]!;
	const betweenChunks = await verifyArchive(scratchFile('cut-between.tar.s2', random.subarray(0, boundary)));
	assert.equal(betweenChunks.ok, false);
	assert.match(
		betweenChunks.problems[0]!,
		/^archive is truncated: the tar stream ends inside msgs\/1\.blk \(\d+ of 3278976 bytes\)$/,
	);
	assert.equal(betweenChunks.problems.length, 1, 'nothing else is reported missing from a truncated tar');
});

test('a bit flip is rejected as corruption', async () => {
	const data = Buffer.from(readFileSync(fixtureArchive('RANDOM')));
	data[Math.floor(data.length / 2)]! ^= 0x01;
	const report = await verifyArchive(scratchFile('flipped.tar.s2', data));
	assert.equal(report.ok, false);
	assert.match(report.problems[0]!, /^CRC mismatch in chunk at byte \d+: the archive is corrupt$/);
});

test('an errors.txt entry means the server failed mid-snapshot', async () => {
	const message = 'Could not read message block [1]: open /data/jetstream/ORDERS/msgs/1.blk: no such file or directory';
	const path = scratchFile(
		'errors.tar.s2',
		s2Stream(snapshotTar('ORDERS', [{name: 'errors.txt', content: message}]), 1000),
	);
	const report = await verifyArchive(path);
	assert.equal(report.ok, false);
	assert.equal(report.errorsTxt, message);
	assert.deepEqual(report.problems, [`the server reported an error while writing the snapshot: ${message}`]);
	assert.equal(report.streamName, 'ORDERS');
	assert.equal(report.metaSumOk, true);
});

test('even an empty errors.txt is flagged', async () => {
	const report = await verifyArchive(
		scratchFile('empty-errors.tar.s2', s2Stream(snapshotTar('ORDERS', [{name: 'errors.txt'}]))),
	);
	assert.equal(report.ok, false);
	assert.equal(report.errorsTxt, '');
	assert.match(report.problems[0]!, /^the server reported an error while writing the snapshot/);
});

test('a snapshot missing meta.inf, or with a wrong meta.sum, is rejected', async () => {
	const noMeta = await verifyArchive(
		scratchFile('no-meta.tar.s2', s2Stream(tarOf([{name: 'msgs/1.blk', content: 'x'}]))),
	);
	assert.equal(noMeta.ok, false);
	assert.match(noMeta.problems[0]!, /^no meta\.inf in the archive/);

	const tar = snapshotTar('ORDERS');
	const sumAt = tar.indexOf(
		highwayHash64Hex(
			Buffer.from(JSON.stringify({name: 'ORDERS', subjects: ['ORDERS.>']})),
			createHash('sha256').update('ORDERS').digest(),
		),
	);
	tar.write('0000000000000000', sumAt, 'latin1');
	const badSum = await verifyArchive(scratchFile('bad-sum.tar.s2', s2Stream(tar)));
	assert.equal(badSum.metaSumOk, false);
	assert.match(badSum.problems[0]!, /^meta\.sum does not match meta\.inf/);
});

test('a NATSARC1 archive is recognised and not walked as a tar', async () => {
	const payload = Buffer.concat([Buffer.from('NATSARC1'), Buffer.alloc(5000, 0xab)]);
	for (const chunkSize of [3, 4096]) {
		const report = await verifyArchive(scratchFile(`natsarc1-${chunkSize}.tar.s2`, s2Stream(payload, chunkSize)));
		assert.equal(report.format, 'natsarc1');
		assert.equal(report.ok, true);
		assert.equal(report.uncompressedBytes, payload.length);
		assert.equal(report.entries, 0);
		assert.match(report.warnings[0]!, /nats-server 2\.15 or later/);
	}

	const corrupt = s2Stream(payload, 1000);
	corrupt[corrupt.length - 1]! ^= 1;
	const corruptReport = await verifyArchive(scratchFile('natsarc1-corrupt.tar.s2', corrupt));
	assert.equal(corruptReport.format, 'natsarc1');
	assert.match(corruptReport.problems[0]!, /^CRC mismatch/);
});

test('data that is not a snapshot is reported as such', async () => {
	const notTar = await verifyArchive(scratchFile('not-tar.tar.s2', s2Stream(Buffer.alloc(2000, 0x41))));
	assert.equal(notTar.format, 'unknown');
	assert.match(notTar.problems[0]!, /neither a tar stream nor a NATSARC1 archive/);

	const empty = await verifyArchive(scratchFile('empty-stream.tar.s2', s2Stream(Buffer.alloc(0))));
	assert.equal(empty.format, 'unknown');
	assert.match(empty.problems[0]!, /holds no data/);

	const notS2 = await verifyArchive(scratchFile('not-s2.tar.s2', Buffer.from('{"config":{}}')));
	assert.match(notS2.problems[0]!, /^the file is not an S2 stream/);

	const missing = await verifyArchive(join(scratch, 'missing.tar.s2'));
	assert.match(missing.problems[0]!, /does not exist$/);
});

test('verifyArchive honours an abort signal', async () => {
	const path = fixtureArchive('RANDOM');
	await assert.rejects(verifyArchive(path, {signal: AbortSignal.abort()}), {name: 'AbortError'});

	const controller = new AbortController();
	await assert.rejects(
		verifyArchive(path, {
			signal: controller.signal,
			onProgress() {
				controller.abort();
			},
		}),
		{name: 'AbortError'},
	);
});

test('a large archive of 4 MiB chunks verifies', async () => {
	const big = Buffer.alloc(20 << 20);
	for (let at = 0; at < big.length; at += 4096) big.writeUInt32LE(at, at);
	const tar = snapshotTar('BIG', [{name: 'msgs/2.blk', content: big}]);
	const report = await verifyArchive(scratchFile('big.tar.s2', s2Stream(tar, 4 << 20)));
	assert.equal(report.ok, true, report.problems.join('; '));
	assert.equal(report.messageBlocks, 2);
	assert.equal(report.uncompressedBytes, tar.length);
});

test('entries a snapshot never has are rejected, naming what was found', async () => {
	const cases: Array<[TarInput, RegExp]> = [
		[{name: '/etc/cron.d/x', content: 'x'}, /"\/etc\/cron\.d\/x" \(an absolute path\)/],
		[{name: 'msgs/../../x', content: 'x'}, /"msgs\/\.\.\/\.\.\/x" \(a "\.\." segment\)/],
		[{name: '..', typeflag: '5'}, /"\.\." \(a "\.\." segment\)/],
		[{name: 'C:x', content: 'x'}, /"C:x" \(a drive letter\)/],
		[{name: 'msgs\\..\\x', content: 'x'}, /\(a backslash\)/],
		[{name: 'msgs/link', typeflag: '2'}, /"msgs\/link" \(a link\)/],
		[{name: 'msgs/fifo', typeflag: '6'}, /"msgs\/fifo" \(a device, FIFO or unknown entry type\)/],
	];
	for (const [entry, pattern] of cases) {
		const report = await verifyArchive(scratchFile('unsafe.tar.s2', s2Stream(snapshotTar('ORDERS', [entry]))));
		assert.equal(report.ok, false, entry.name);
		assert.match(
			report.problems.join('\n'),
			/^the archive holds an entry a stream snapshot never has, which a restore could write outside the stream's directory: /m,
		);
		assert.match(report.problems.join('\n'), pattern);
	}

	const many = await verifyArchive(
		scratchFile(
			'unsafe-many.tar.s2',
			s2Stream(
				snapshotTar(
					'ORDERS',
					Array.from({length: 50}, (_, i) => ({name: `/x${i}`, content: 'x'})),
				),
			),
		),
	);
	assert.match(
		many.problems[0]!,
		/holds 50 entries .*: "\/x0" \(an absolute path\), "\/x1" \(an absolute path\), "\/x2" \(an absolute path\) and 47 more$/,
	);
});

test('bytes pushed in any slices verify the same as the file read back', async () => {
	for (const {dir} of expected) {
		const path = fixtureArchive(dir);
		const data = readFileSync(path);
		const readBack = await verifyArchive(path, {sha256: true});
		for (const sliceSize of [1, 7, 4096, data.length]) {
			const verifier = new ArchiveVerifier({sha256: true});
			for (let at = 0; at < data.length; at += sliceSize) verifier.push(data.subarray(at, at + sliceSize));
			assert.deepEqual(verifier.finish(), readBack, `${dir} in ${sliceSize}-byte slices`);
		}
	}

	const flipped = readFileSync(fixtureArchive('RANDOM'));
	flipped[flipped.length >> 1]! ^= 1;
	const verifier = new ArchiveVerifier();
	verifier.push(flipped);
	const report = verifier.finish();
	assert.equal(report.ok, false);
	assert.match(report.problems.join('; '), /CRC mismatch/);
});
