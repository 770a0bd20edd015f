/**
 * Restore speed on a local 3-node cluster, one archive for every run: a baseline done the official
 * CLI's way (jsm.go: one 64 KiB request at a time, each waiting for its reply) against nats-dr's
 * pipelined upload. Both restore the same R3 backup; each run's stream is deleted before the next.
 * Run: node --import tsx bench/restore.ts   (BENCH_SIZE_MIB=256, BENCH_RUNS=3)
 */
import {createReadStream} from 'node:fs';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {NatsConnection} from 'nats';
import {openSession, type Session} from '../source/core/connection/session.js';
import {resolveSettings, resolveSystemSettings} from '../source/core/connection/settings.js';
import {formatBytes} from '../source/core/format.js';
import {planStreamRestore} from '../source/core/restore/plan.js';
import {restoreStream} from '../source/core/restore/restore.js';
import {appUser, sysUser, TestCluster, waitFor} from '../test/helpers/nats-server.js';
import {snapshotRaw} from '../test/helpers/snapshot-raw.js';
import {fillRandom, streamNames} from '../test/helpers/streams.js';

const sizeMib = Number(process.env['BENCH_SIZE_MIB'] ?? 256);
const runs = Number(process.env['BENCH_RUNS'] ?? 3);
const stream = 'BENCH';

type Timing = {label: string; chunks: string; uploadMs: number; replyMs: number; settledMs: number | undefined};

/** jsm.go's restoreSnapshot: RESTORE, then each 64 KiB chunk as a request awaited before the next, then the end marker. */
async function baseline(nc: NatsConnection, dir: string): Promise<Timing> {
	const started = performance.now();
	const decoder = new TextDecoder();
	const start = JSON.parse(decoder.decode((await nc.request(`$JS.API.STREAM.RESTORE.${stream}`, await readFile(join(dir, 'backup.json')), {timeout: 30_000})).data)) as {deliver_subject?: string; error?: unknown};
	if (!start.deliver_subject) throw new Error(`baseline restore refused: ${JSON.stringify(start.error)}`);
	const uploadStarted = performance.now();
	let chunks = 0;
	for await (const chunk of createReadStream(join(dir, 'stream.tar.s2'), {highWaterMark: 64 * 1024})) {
		const reply = await nc.request(start.deliver_subject, chunk as Buffer, {timeout: 5000});
		if (reply.data.length > 0) throw new Error(`baseline chunk refused: ${decoder.decode(reply.data)}`);
		chunks++;
	}

	const uploadMs = performance.now() - uploadStarted;
	const done = JSON.parse(decoder.decode((await nc.request(start.deliver_subject, new Uint8Array(), {timeout: 3_600_000})).data)) as {error?: unknown};
	if (done.error) throw new Error(`baseline restore failed: ${JSON.stringify(done.error)}`);
	return {label: 'baseline: the nats CLI\'s way, stop-and-wait', chunks: `${chunks} × 64 KiB`, uploadMs, replyMs: performance.now() - started, settledMs: undefined};
}

async function natsDr(session: Session, dir: string, chunkSize: number | undefined, window: number | undefined): Promise<Timing> {
	const plan = await planStreamRestore(session, dir, {verify: false});
	if (plan.refused) throw new Error(`nats-dr restore refused: ${JSON.stringify(plan.findings.filter(finding => finding.level === 'refusal'))}`);
	const result = await restoreStream(plan, {connection: session, ...(chunkSize ? {chunkSize} : {}), ...(window ? {window} : {})});
	return {
		label: `nats-dr restore${chunkSize || window ? '' : ' (defaults)'}`,
		chunks: `${result.chunks} × ${formatBytes(result.chunkSize)}, ${result.window} in flight`,
		uploadMs: result.uploadMs,
		replyMs: result.totalMs - result.settleMs,
		settledMs: result.totalMs,
	};
}

/** The run with the median upload time, so its other figures belong together. */
function median(timings: Timing[]): Timing {
	return [...timings].sort((a, b) => a.uploadMs - b.uploadMs)[Math.floor(timings.length / 2)]!;
}

async function dropStream(nc: NatsConnection): Promise<void> {
	await (await nc.jetstreamManager()).streams.delete(stream);
	await waitFor(async () => !(await streamNames(nc)).includes(stream), {what: `${stream} deleted`});
}

export async function benchRestore(): Promise<string[]> {
	const cluster = await TestCluster.start({nodes: 3});
	const scratch = await mkdtemp(join(tmpdir(), 'nats-dr-bench-restore-'));
	try {
		const where = {env: {}};
		const main = resolveSettings({server: cluster.urls, user: appUser.user, password: appUser.password, timeoutMs: 5000}, where);
		const session = await openSession(main, resolveSystemSettings({sysUser: sysUser.user, sysPassword: sysUser.password}, main, where));
		try {
			const {nc} = session;
			await (await nc.jetstreamManager()).streams.add({name: stream, subjects: [`${stream}.>`], num_replicas: 3});
			await fillRandom(nc, `${stream}.data`, sizeMib);
			const dir = join(scratch, stream);
			const {bytes} = await snapshotRaw(nc, stream, dir);
			await dropStream(nc);
			// Alternating runs, reported by their median: the machine is shared, and where the new
			// group's leader lands (the client's own server or one a route away) varies per run.
			const variants = [
				async () => baseline(nc, dir),
				async () => natsDr(session, dir, undefined, undefined),
				async () => natsDr(session, dir, 256 * 1024, 16),
			];
			const timings: Timing[][] = variants.map(() => []);
			for (let run = 0; run < runs; run++) {
				for (const [index, variant] of variants.entries()) {
					timings[index]!.push(await variant());
					await dropStream(nc);
				}
			}

			const medians = timings.map(median);
			const [base, pipelined] = medians;
			const rate = (ms: number): string => `${formatBytes((bytes * 1000) / ms)}/s`;
			const ms = (value: number | undefined): string => (value === undefined ? '—' : `${(value / 1000).toFixed(2)} s`);
			const range = (values: number[]): string => `${(Math.min(...values) / 1000).toFixed(2)}–${(Math.max(...values) / 1000).toFixed(2)} s`;
			return [
				`Restore (3-node cluster, nats-server ${nc.info?.version ?? '?'}, R3 stream of ${sizeMib} MiB random data, archive ${formatBytes(bytes)}; median of ${runs} runs each)`,
				'',
				'| client | chunks | upload | upload rate | upload, all runs | to final reply | settled (data on every replica) |',
				'|---|---|---|---|---|---|---|',
				...medians.map((timing, index) => `| ${timing.label} | ${timing.chunks} | ${ms(timing.uploadMs)} | ${rate(timing.uploadMs)} | ${range(timings[index]!.map(run => run.uploadMs))} | ${ms(timing.replyMs)} | ${ms(timing.settledMs)} |`),
				'',
				`Upload speed-up of nats-dr's defaults over the baseline: ${(base!.uploadMs / pipelined!.uploadMs).toFixed(1)}× (to the final reply: ${(base!.replyMs / pipelined!.replyMs).toFixed(1)}×)`,
			];
		} finally {
			await session.close();
		}
	} finally {
		await cluster.stopAll();
		await rm(scratch, {recursive: true, force: true});
	}
}

if (import.meta.url === `file://${process.argv[1]}`) {
	for (const line of await benchRestore()) console.log(line);
}
