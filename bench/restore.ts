/**
 * Restore speed on a local 3-node cluster, one archive for every run: a baseline done the official
 * CLI's way (jsm.go: one 64 KiB request at a time, each awaiting its reply) against nats-dr's
 * pipelined upload. Two placements: R1 on a server one route away from the client's (fixed, so
 * runs compare), and R3 as a DR restore usually is (the leader, which takes the upload, lands on
 * any server). Runs alternate and each figure is a median; every run's stream is deleted after it.
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
import {restoreRequestBody, type RestoreOverrides} from '../source/core/restore/overrides.js';
import {planStreamRestore} from '../source/core/restore/plan.js';
import {restoreStream} from '../source/core/restore/restore.js';
import {appUser, sysUser, TestCluster, waitFor} from '../test/helpers/nats-server.js';
import {snapshotRaw} from '../test/helpers/snapshot-raw.js';
import {fillRandom, streamNames} from '../test/helpers/streams.js';

const sizeMib = Number(process.env['BENCH_SIZE_MIB'] ?? 256);
const runs = Number(process.env['BENCH_RUNS'] ?? 3);
const stream = 'BENCH';

type Timing = {chunks: string; uploadMs: number; replyMs: number; settledMs: number | undefined};

/** jsm.go's restoreSnapshot: RESTORE, each 64 KiB chunk a request awaited before the next, then the end marker. */
async function baseline(nc: NatsConnection, dir: string, overrides: RestoreOverrides): Promise<Timing> {
	const started = performance.now();
	const decoder = new TextDecoder();
	const body = restoreRequestBody(await readFile(join(dir, 'backup.json'), 'utf8'), overrides);
	const start = JSON.parse(decoder.decode((await nc.request(`$JS.API.STREAM.RESTORE.${stream}`, new TextEncoder().encode(body), {timeout: 30_000})).data)) as {deliver_subject?: string; error?: unknown};
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
	return {chunks: `${chunks} × 64 KiB, 1 in flight`, uploadMs, replyMs: performance.now() - started, settledMs: undefined};
}

async function natsDr(session: Session, dir: string, overrides: RestoreOverrides): Promise<Timing> {
	const plan = await planStreamRestore(session, dir, {verify: false, overrides});
	if (plan.refused) throw new Error(`nats-dr restore refused: ${JSON.stringify(plan.findings.filter(finding => finding.level === 'refusal'))}`);
	const result = await restoreStream(plan, {connection: session});
	return {
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
	const cluster = await TestCluster.start({nodes: ['n1', 'n2', 'n3'].map(name => ({name, tags: [`node:${name}`]}))});
	const scratch = await mkdtemp(join(tmpdir(), 'nats-dr-bench-restore-'));
	try {
		const where = {env: {}};
		// One server, so the route distance to the R1 placement below is fixed.
		const main = resolveSettings({server: cluster.node('n1').url, user: appUser.user, password: appUser.password, timeoutMs: 5000}, where);
		const session = await openSession(main, resolveSystemSettings({sysUser: sysUser.user, sysPassword: sysUser.password}, main, where));
		try {
			const {nc} = session;
			await (await nc.jetstreamManager()).streams.add({name: stream, subjects: [`${stream}.>`], num_replicas: 3});
			await fillRandom(nc, `${stream}.data`, sizeMib);
			const dir = join(scratch, stream);
			const {bytes} = await snapshotRaw(nc, stream, dir);
			await dropStream(nc);
			const scenarios: Array<{label: string; overrides: RestoreOverrides}> = [
				{label: 'R1 on n2, client on n1', overrides: {replicas: 1, tags: ['node:n2']}},
				{label: 'R3, client on n1', overrides: {}},
			];
			const rate = (ms: number): string => `${formatBytes((bytes * 1000) / ms)}/s`;
			const seconds = (value: number | undefined): string => (value === undefined ? '—' : `${(value / 1000).toFixed(2)} s`);
			const lines = [
				`Restore (3-node cluster, nats-server ${nc.info?.version ?? '?'}, ${sizeMib} MiB of random data, archive ${formatBytes(bytes)}; medians of ${runs} alternating runs)`,
				'',
				'| placement | client | chunks | upload | upload rate | upload, every run | to final reply | settled (data on every replica) |',
				'|---|---|---|---|---|---|---|---|',
			];
			const speedups: string[] = [];
			for (const {label, overrides} of scenarios) {
				const variants = [
					{name: 'baseline: the nats CLI\'s way', run: async () => baseline(nc, dir, overrides)},
					{name: 'nats-dr restore', run: async () => natsDr(session, dir, overrides)},
				];
				const timings: Timing[][] = variants.map(() => []);
				for (let run = 0; run < runs; run++) {
					for (const [index, variant] of variants.entries()) {
						timings[index]!.push(await variant.run());
						await dropStream(nc);
					}
				}

				const medians = timings.map(median);
				for (const [index, timing] of medians.entries()) {
					const every = timings[index]!.map(run => (run.uploadMs / 1000).toFixed(2)).join(', ');
					lines.push(`| ${label} | ${variants[index]!.name} | ${timing.chunks} | ${seconds(timing.uploadMs)} | ${rate(timing.uploadMs)} | ${every} s | ${seconds(timing.replyMs)} | ${seconds(timing.settledMs)} |`);
				}

				const [base, pipelined] = medians;
				speedups.push(`${label}: upload ${(base!.uploadMs / pipelined!.uploadMs).toFixed(1)}×, to the final reply ${(base!.replyMs / pipelined!.replyMs).toFixed(1)}×`);
			}

			return [...lines, '', `nats-dr over the baseline: ${speedups.join('; ')}`];
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
