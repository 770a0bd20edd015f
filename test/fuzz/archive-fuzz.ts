/**
 * Seeded, deterministic fuzzing of the archive readers: the S2 decoder and frame counter, the tar
 * walker with the snapshot checks, backup.json (reading and patching it for a restore), the archive
 * peek, and the verifier as a whole. Inputs are the natscli fixtures and archives built here,
 * mutated as damage and attacks look: bit flips, truncations, inflated length fields, duplicated and
 * reordered frames. Every case must end in a result or a named error; anything else is a finding,
 * reported with the seed and case number that replay it.
 */
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {BackupDirError, readBackupDir} from '../../source/core/archive/backup-dir.js';
import {decodeS2Stream} from '../../source/core/archive/s2-decode.js';
import {S2FormatError} from '../../source/core/archive/s2-frames.js';
import {SnapshotContents, wantsContent} from '../../source/core/archive/snapshot-contents.js';
import {TarFormatError, TarWalker} from '../../source/core/archive/tar-walk.js';
import {ArchiveVerifier, verifyArchive} from '../../source/core/archive/verify-archive.js';
import {verifyBackupDir} from '../../source/core/archive/verify-backup.js';
import {peekArchive} from '../../source/core/restore/archive-peek.js';
import {restoreRequestBody} from '../../source/core/restore/overrides.js';
import {limitsOf} from '../../source/core/restore/stream-limits.js';
import {fixturePath} from '../helpers/fixtures.js';
import {s2Stream} from '../helpers/s2-stream.js';
import {snapshotTar} from '../helpers/tar.js';

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export class Random {
	#state: number;

	constructor(seed: number) {
		this.#state = seed >>> 0;
	}

	next(): number {
		this.#state = (this.#state + 0x6d_2b_79_f5) >>> 0;
		let t = this.#state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	}

	below(n: number): number {
		return Math.floor(this.next() * n);
	}

	pick<T>(items: readonly T[]): T {
		return items[this.below(items.length)]!;
	}
}

/** Where the S2 chunks of a framed stream start and end, read from their headers (damage stops the walk). */
function s2Chunks(data: Uint8Array): Array<{start: number; end: number}> {
	const chunks: Array<{start: number; end: number}> = [];
	for (let at = 0; at + 4 <= data.length;) {
		const end = at + 4 + (data[at + 1]! | (data[at + 2]! << 8) | (data[at + 3]! << 16));
		if (end > data.length) break;
		chunks.push({start: at, end});
		at = end;
	}

	return chunks;
}

/** Offsets of the 512-byte blocks that look like tar headers (ustar magic at 257). */
function tarHeaders(data: Uint8Array): number[] {
	const headers: number[] = [];
	for (let at = 0; at + 512 <= data.length; at += 512) {
		if (data[at + 257] === 0x75 && data[at + 258] === 0x73 && data[at + 259] === 0x74) headers.push(at);
	}

	return headers;
}

type Mutation = {name: string; apply: (data: Buffer, random: Random) => Buffer};

const bigLengths = [0xff_ff_ff, 0x40_00_0b, 0x10_00_00, 0x7f_ff_ff];

const commonMutations: Mutation[] = [
	{
		name: 'bit flips',
		apply(data, random) {
			const out = Buffer.from(data);
			for (let flips = 1 + random.below(8); flips > 0 && out.length > 0; flips--)
				out[random.below(out.length)]! ^= 1 << random.below(8);
			return out;
		},
	},
	{name: 'truncation', apply: (data, random) => Buffer.from(data.subarray(0, random.below(data.length + 1)))},
	{
		name: 'random bytes overwritten',
		apply(data, random) {
			const out = Buffer.from(data);
			const at = random.below(Math.max(1, out.length));
			for (let i = 0, n = 1 + random.below(64); i < n && at + i < out.length; i++) out[at + i] = random.below(256);
			return out;
		},
	},
	{
		name: 'bytes inserted',
		apply(data, random) {
			const at = random.below(data.length + 1);
			const junk = Buffer.alloc(1 + random.below(600), random.below(256));
			return Buffer.concat([data.subarray(0, at), junk, data.subarray(at)]);
		},
	},
];

/** Mutations that know the S2 framing. */
const s2Mutations: Mutation[] = [
	{
		name: 'inflated chunk length',
		apply(data, random) {
			const chunks = s2Chunks(data);
			const out = Buffer.from(data);
			if (chunks.length === 0) return out;
			const {start} = random.pick(chunks);
			out.writeUIntLE(random.pick(bigLengths) - random.below(16), start + 1, 3);
			return out;
		},
	},
	{
		name: 'inflated block length varint',
		apply(data, random) {
			const chunks = s2Chunks(data).filter(chunk => data[chunk.start] === 0x00 && chunk.end - chunk.start > 12);
			const out = Buffer.from(data);
			if (chunks.length === 0) return out;
			const {start} = random.pick(chunks);
			// The uncompressed length varint follows the 4-byte header and 4-byte CRC.
			const value = random.pick([0xff_ff_ff_ff, 4 << 20, (4 << 20) + 1, 1 << 30]);
			for (let i = 0, rest = value; i < 4; i++, rest = Math.floor(rest / 128))
				out[start + 8 + i] = (rest & 0x7f) | 0x80;
			return out;
		},
	},
	{
		name: 'duplicated chunk',
		apply(data, random) {
			const chunks = s2Chunks(data);
			if (chunks.length === 0) return Buffer.from(data);
			const {start, end} = random.pick(chunks);
			const at = random.pick(chunks).end;
			return Buffer.concat([data.subarray(0, at), data.subarray(start, end), data.subarray(at)]);
		},
	},
	{
		name: 'reordered chunks',
		apply(data, random) {
			const chunks = s2Chunks(data);
			if (chunks.length < 2) return Buffer.from(data);
			const i = random.below(chunks.length);
			const j = random.below(chunks.length);
			const order = chunks.map((_, index) => (index === i ? j : index === j ? i : index));
			const tail = data.subarray(chunks.at(-1)!.end);
			return Buffer.concat([...order.map(index => data.subarray(chunks[index]!.start, chunks[index]!.end)), tail]);
		},
	},
];

/** Mutations that know the tar layout. */
const tarMutations: Mutation[] = [
	{
		name: 'inflated tar size field',
		apply(data, random) {
			const headers = tarHeaders(data);
			const out = Buffer.from(data);
			if (headers.length === 0) return out;
			const at = random.pick(headers);
			if (random.below(2) === 0) {
				out.write(`${random.pick(['77777777777', '10000000000', '00000001000'])}\0`, at + 124, 'latin1');
			} else {
				// GNU base-256, as for sizes over 8 GiB.
				out[at + 124] = 0x80 | random.below(128);
				for (let i = 125; i < 136; i++) out[at + i] = random.below(256);
			}

			fixChecksum(out, at);
			return out;
		},
	},
	{
		name: 'duplicated tar entry',
		apply(data, random) {
			const headers = tarHeaders(data);
			if (headers.length === 0) return Buffer.from(data);
			const index = random.below(headers.length);
			const start = headers[index]!;
			const end = headers[index + 1] ?? start + 512;
			const at = random.pick(headers);
			return Buffer.concat([data.subarray(0, at), data.subarray(start, end), data.subarray(at)]);
		},
	},
	{
		name: 'reordered tar blocks',
		apply(data, random) {
			const blocks = Math.floor(data.length / 512);
			const out = Buffer.from(data);
			if (blocks < 2) return out;
			const i = random.below(blocks);
			const j = random.below(blocks);
			const a = Buffer.from(out.subarray(i * 512, i * 512 + 512));
			out.copy(out, i * 512, j * 512, j * 512 + 512);
			a.copy(out, j * 512);
			return out;
		},
	},
	{
		name: 'hostile header name',
		apply(data, random) {
			const headers = tarHeaders(data);
			const out = Buffer.from(data);
			if (headers.length === 0) return out;
			const at = random.pick(headers);
			const name = random.pick([
				'../../etc/passwd',
				'/abs',
				'msgs/\u001B[2J.blk',
				'C:\\x',
				'obs/../meta.inf',
				'',
				'x'.repeat(100),
			]);
			out.fill(0, at, at + 100);
			out.write(name, at, 100, 'utf8');
			fixChecksum(out, at);
			return out;
		},
	},
];

/** Recomputes a tar header's checksum, so the mutation gets past it to the code behind it. */
function fixChecksum(block: Buffer, at: number): void {
	block.fill(0x20, at + 148, at + 156);
	let sum = 0;
	for (let i = at; i < at + 512; i++) sum += block[i]!;
	block.write(`${sum.toString(8).padStart(6, '0')}\0 `, at + 148, 'latin1');
}

/** JSON-aware mutations of backup.json: a value of another type, deep nesting, huge numbers, truncation. */
const jsonMutations: Mutation[] = [
	...commonMutations.slice(0, 2),
	{
		name: 'member of another type',
		apply(data, random) {
			const text = data.toString('utf8');
			const keys = [...text.matchAll(/"([a-z_]+)":/g)];
			if (keys.length === 0) return Buffer.from(data);
			const key = random.pick(keys)[1]!;
			const value = random.pick([
				'null',
				'[]',
				'{}',
				'"x"',
				'-1',
				'1e400',
				'18446744073709551616',
				'true',
				'[[[[[[[[[[]]]]]]]]]]',
				'"\\u0000\\u001b[2J"',
			]);
			return Buffer.from(
				text.replace(new RegExp(`"${key}":\\s*("[^"]*"|[^,}\\]\\n]+|\\{[^}]*\\}|\\[[^\\]]*\\])`), `"${key}": ${value}`),
			);
		},
	},
	{
		name: 'duplicated member',
		apply(data, random) {
			const text = data.toString('utf8');
			const at = text.indexOf('{', 1 + random.below(Math.max(1, text.length - 1)));
			return Buffer.from(at < 0 ? text : `${text.slice(0, at + 1)}"name": "X", "config": 1, ${text.slice(at + 1)}`);
		},
	},
	{
		name: 'deep nesting',
		apply: data =>
			Buffer.from(data.toString('utf8').replace('"state"', `"deep": ${'['.repeat(5000)}${']'.repeat(5000)}, "state"`)),
	},
];

export type Target = 's2' | 'tar' | 'backup-json' | 'verify-archive' | 'verify-dir' | 'peek';

export type Finding = {seed: number; index: number; target: Target; input: string; mutation: string; error: unknown};

type Corpus = {
	archives: Array<{name: string; data: Buffer}>;
	tars: Array<{name: string; data: Buffer}>;
	backupJsons: Array<{name: string; data: Buffer}>;
};

async function decoded(archive: Buffer): Promise<Buffer> {
	const blocks: Buffer[] = [];
	for await (const block of decodeS2Stream([archive])) blocks.push(Buffer.from(block));
	return Buffer.concat(blocks);
}

/** The fixtures (RANDOM only in long runs: 3 MiB per case is slow) and archives made here. */
export async function loadCorpus({large = false} = {}): Promise<Corpus> {
	const dirs = ['EVENTS-R3', 'account/ORDERS', 'account/AUDIT', ...(large ? ['RANDOM'] : [])];
	const made = [
		{name: 'made/plain', data: snapshotTar('ORDERS')},
		{
			name: 'made/consumers',
			data: snapshotTar('ORDERS', [
				{name: 'obs/C1/meta.inf', content: '{}'},
				{name: 'obs/C1/meta.sum', content: '0'},
				{name: 'obs/C1/o.dat', content: 'x'},
			]),
		},
		{
			name: 'made/pax',
			data: snapshotTar('ORDERS', [
				{name: 'short', pax: {path: `msgs/${'long'.repeat(40)}.blk`, size: '5'}, content: 'abcde'},
			]),
		},
		{name: 'made/errors', data: snapshotTar('ORDERS', [{name: 'errors.txt', content: 'boom'}])},
	];
	const archives = [
		...dirs.map(dir => ({name: dir, data: readFileSync(fixturePath(`${dir}/stream.tar.s2`))})),
		...made.map(({name, data}) => ({name, data: s2Stream(data, 700)})),
	];
	const tars = [
		...(await Promise.all(
			archives
				.filter(archive => !archive.name.startsWith('made/'))
				.map(async ({name, data}) => ({name, data: await decoded(data)})),
		)),
		...made,
	];
	const backupJsons = dirs.map(dir => ({name: dir, data: readFileSync(fixturePath(`${dir}/backup.json`))}));
	return {archives, tars, backupJsons};
}

/** Splits input into slices as a file read or a network would, sometimes a byte at a time. */
function slices(data: Buffer, random: Random): Buffer[] {
	const size = random.pick([1, 7, 512, 4096, 65_536, data.length || 1]);
	// Byte-sized slices of a big input cost time without reaching new code: every boundary is met early on.
	const bounded = data.length > 20_000 && size < 512 ? 512 : size;
	const out: Buffer[] = [];
	for (let at = 0; at < data.length; at += bounded) out.push(data.subarray(at, at + bounded));
	return out;
}

/** Named errors seen in this run: a run without any would mean the mutations never bite. */
let namedErrors = 0;

function expectNamed(error: unknown, ...kinds: Array<abstract new (...args: never[]) => Error>): void {
	if (!kinds.some(kind => error instanceof kind)) throw error;
	namedErrors++;
}

async function runS2(data: Buffer, random: Random): Promise<void> {
	const parts = slices(data, random);
	try {
		for await (const block of decodeS2Stream(parts)) void block;
	} catch (error) {
		expectNamed(error, S2FormatError);
	}

	// The verifier a backup feeds while it writes: the same bytes in other slices, named problems only.
	const verifier = new ArchiveVerifier({sha256: true});
	for (const part of parts) verifier.push(part);
	if (!verifier.finish().ok) namedErrors++;
}

function runTar(data: Buffer, random: Random): void {
	const walker = new TarWalker({wantContent: wantsContent});
	const contents = new SnapshotContents();
	let complete = false;
	try {
		for (const part of slices(data, random)) walker.push(part, entry => contents.add(entry));
		walker.end();
		complete = true;
	} catch (error) {
		expectNamed(error, TarFormatError);
	}

	contents.inspect(complete);
}

async function runBackupJson(data: Buffer, scratchDir: string): Promise<void> {
	await writeFile(join(scratchDir, 'backup.json'), data);
	try {
		const info = await readBackupDir(scratchDir);
		limitsOf(info.config);
		restoreRequestBody(info.rawText, {replicas: 3, tags: ['a'], cluster: 'c'});
		restoreRequestBody(info.rawText, {dropPlacement: true});
	} catch (error) {
		expectNamed(error, BackupDirError);
	}
}

/**
 * Runs `cases` cases from `seed`. Each case picks its target, input and mutation from its own
 * generator, seeded by (seed, index), so one case replays alone.
 */
export async function fuzz(
	{seed, cases, first = 0, large = false}: {seed: number; cases: number; first?: number; large?: boolean},
	onFinding: (finding: Finding) => void,
): Promise<{counts: Record<Target, number>; namedErrors: number}> {
	namedErrors = 0;
	const corpus = await loadCorpus({large});
	const scratchDir = await mkdtemp(join(tmpdir(), 'nats-dr-fuzz-'));
	const counts: Record<Target, number> = {
		s2: 0,
		tar: 0,
		'backup-json': 0,
		'verify-archive': 0,
		'verify-dir': 0,
		peek: 0,
	};
	try {
		// readBackupDir wants an archive beside backup.json; its contents do not matter there.
		await writeFile(join(scratchDir, 'stream.tar.s2'), '');
		for (let index = first; index < first + cases; index++) {
			const random = new Random(Math.imul(seed ^ 0x9e_37_79_b9, 0x85_eb_ca_6b) ^ index);
			// File-based targets cost a write and a read: fewer of them.
			const target: Target = random.pick([
				's2',
				's2',
				's2',
				'tar',
				'tar',
				'tar',
				'backup-json',
				'verify-archive',
				'verify-dir',
				'peek',
			]);
			counts[target]++;
			// A damaged tar inside intact S2 framing gets past the CRCs to the snapshot checks.
			const wrapped =
				(target === 'verify-archive' || target === 'verify-dir' || target === 'peek') && random.below(5) < 2;
			const pool =
				target === 'tar' || wrapped ? corpus.tars : target === 'backup-json' ? corpus.backupJsons : corpus.archives;
			// Half the cases use the small archives made here, which mutations damage in more ways per byte.
			const made = pool.filter(item => item.name.startsWith('made/'));
			const input = made.length > 0 && random.below(2) === 0 ? random.pick(made) : random.pick(pool);
			const mutations =
				target === 'tar' || wrapped
					? [...commonMutations, ...tarMutations]
					: target === 'backup-json'
						? jsonMutations
						: [...commonMutations, ...s2Mutations];
			const mutation = random.pick(mutations);
			const mutated = mutation.apply(input.data, random);
			const data = wrapped ? s2Stream(mutated, 1 + random.below(70_000)) : mutated;
			try {
				await runCase(target, data, random, {dir: scratchDir, backupJson: random.pick(corpus.backupJsons).data});
			} catch (error) {
				onFinding({
					seed,
					index,
					target,
					input: input.name,
					mutation: `${mutation.name}${wrapped ? ' (in intact S2 framing)' : ''}`,
					error,
				});
			}
		}
	} finally {
		await rm(scratchDir, {recursive: true, force: true});
	}

	return {counts, namedErrors};
}

/** Each case writes every file it reads, so it replays alone, whatever ran before it. */
async function runCase(
	target: Target,
	data: Buffer,
	random: Random,
	{dir: scratchDir, backupJson}: {dir: string; backupJson: Buffer},
): Promise<void> {
	switch (target) {
		case 's2': {
			await runS2(data, random);
			return;
		}

		case 'tar': {
			runTar(data, random);
			return;
		}

		case 'backup-json': {
			await runBackupJson(data, scratchDir);
			return;
		}

		case 'verify-archive':
		case 'verify-dir':
		case 'peek': {
			const path = join(scratchDir, 'stream.tar.s2');
			await writeFile(path, data);
			// Sometimes a damaged backup.json beside the damaged archive.
			const json = random.below(3) === 0 ? random.pick(jsonMutations).apply(backupJson, random) : backupJson;
			await writeFile(join(scratchDir, 'backup.json'), json);
			if (target === 'peek') {
				await peekArchive(path);
			} else if (target === 'verify-archive') {
				const report = await verifyArchive(path, {sha256: random.below(2) === 0});
				if (report.ok !== (report.problems.length === 0))
					throw new Error(`report.ok is ${report.ok} with problems ${JSON.stringify(report.problems)}`);
			} else {
				const result = await verifyBackupDir(scratchDir);
				if (result.ok !== (result.problems.length === 0))
					throw new Error(`result.ok is ${result.ok} with problems ${JSON.stringify(result.problems)}`);
			}

			return;
		}
	}
}

/** A finding in one line, with what replays it. */
export function describeFinding(finding: Finding): string {
	const error =
		finding.error instanceof Error ? `${finding.error.name}: ${finding.error.message}` : String(finding.error);
	return `case ${finding.index} (seed ${finding.seed}): ${finding.target} on ${finding.input} after ${finding.mutation}: ${error}`;
}
