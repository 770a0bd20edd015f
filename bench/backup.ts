/**
 * Backup speed and memory on a local 3-node cluster with an R3 stream of random data, side by side
 * in one run: the server's raw snapshot drain (ack and discard: the ceiling), a baseline done the
 * official CLI's way (chunks delivered under the request-mux inbox, so the connection's mux
 * subscription receives each one too, and written to disk), and nats-dr's backup. Then the peak RSS
 * of the CLI in a child process, at half and at full stream size, to show it does not grow.
 * Every client connects to the stream leader's server. Runs alternate, and the median is reported.
 * Run: node --import tsx bench/backup.ts   (BENCH_SIZE_MIB=1024, BENCH_RUNS=3)
 */
import {once} from 'node:events';
import {createWriteStream} from 'node:fs';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {connect, createInbox, nuid, type NatsConnection} from 'nats';
import {backupStream} from '../source/core/backup/backup-stream.js';
import {formatBytes} from '../source/core/format.js';
import {appUser, TestCluster} from '../test/helpers/nats-server.js';
import {fillRandom} from '../test/helpers/streams.js';
import {runMeasured} from './lib/peak-rss.js';

const sizeMib = Number(process.env['BENCH_SIZE_MIB'] ?? 1024);
const runs = Number(process.env['BENCH_RUNS'] ?? 3);
const stream = 'BENCH';
const chunkSize = 128 * 1024;
const bin = fileURLToPath(new URL('../bin/nats-dr.js', import.meta.url));

type Transfer = {ms: number; bytes: number};

/** Acks every chunk and keeps nothing: how fast the server can hand out this snapshot. */
async function drain(nc: NatsConnection): Promise<Transfer> {
	return snapshot(nc, createInbox(), () => undefined);
}

/**
 * jsm.go's way: the deliver subject is a reply inbox of the request mux (nats.go `NewRespInbox`),
 * which the connection's `_INBOX.<mux>.*` subscription also matches, so every chunk crosses the
 * socket twice (protocol doc §4.6); each chunk is acked, then written with a plain file stream.
 * Subscribed before the request, unlike jsm.go, so no chunk is lost to the race.
 */
async function baseline(nc: NatsConnection, dir: string): Promise<Transfer> {
	// One request sets up the mux; its inbox prefix is what nats.js would use for the next reply.
	await nc.request('$JS.API.INFO', undefined, {timeout: 5000});
	const mux = (nc as unknown as {protocol: {muxSubscriptions: {baseInbox: string}}}).protocol.muxSubscriptions.baseInbox;
	const file = createWriteStream(join(dir, 'baseline.tar.s2'));
	const transfer = await snapshot(nc, `${mux}${nuid.next()}`, data => file.write(data));
	file.end();
	await once(file, 'close');
	return transfer;
}

async function snapshot(nc: NatsConnection, deliver: string, write: (data: Uint8Array) => void): Promise<Transfer> {
	let bytes = 0;
	let done!: () => void;
	const ended = new Promise<void>(resolve => (done = resolve));
	const sub = nc.subscribe(deliver, {
		callback(_error, msg) {
			if (msg.data.length === 0) return done();
			if (msg.reply) nc.publish(msg.reply);
			bytes += msg.data.length;
			write(msg.data);
		},
	});
	const started = performance.now();
	const reply = await nc.request(`$JS.API.STREAM.SNAPSHOT.${stream}`, JSON.stringify({deliver_subject: deliver, chunk_size: chunkSize}), {timeout: 10_000});
	if (reply.json<{error?: unknown}>().error) throw new Error(`snapshot refused: ${reply.string()}`);
	await ended;
	sub.unsubscribe();
	return {ms: performance.now() - started, bytes};
}

type NatsDrRun = Transfer & {diskMs: number; verifyMs: number};

async function natsDr(nc: NatsConnection, dir: string): Promise<NatsDrRun> {
	const started = performance.now();
	let transferEnd = 0;
	const result = await backupStream({nc, prefix: '$JS.API', timeoutMs: 10_000}, stream, join(dir, 'nats-dr'), {
		chunkSize,
		onProgress(progress) {
			if (progress.phase === 'verify' && transferEnd === 0) transferEnd = performance.now();
		},
	});
	const total = performance.now() - started;
	await rm(join(dir, 'nats-dr'), {recursive: true});
	return {ms: result.transferMs, bytes: result.archiveBytes, diskMs: total - result.verifyMs - (transferEnd - started), verifyMs: result.verifyMs};
}

async function cliPeakRss(leaderUrl: string, dir: string): Promise<number> {
	const target = join(dir, 'cli');
	const run = await runMeasured(process.execPath, [bin, 'backup', stream, target, '--no-progress', '--server', leaderUrl, '--user', appUser.user, '--password', appUser.password, '--audit-log', join(dir, 'audit.log')]);
	if (run.code !== 0) throw new Error(`nats-dr backup failed: ${run.stderr}`);
	await rm(target, {recursive: true});
	return run.peakRssBytes;
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)]!;
}

export async function benchBackup(): Promise<string[]> {
	const cluster = await TestCluster.start({nodes: 3});
	const scratch = await mkdtemp(join(tmpdir(), 'nats-dr-bench-backup-'));
	try {
		const seed = await connect({servers: cluster.urls, user: appUser.user, pass: appUser.password});
		await (await seed.jetstreamManager()).streams.add({name: stream, subjects: [`${stream}.>`], num_replicas: 3});
		const half = Math.floor(sizeMib / 2);
		await fillRandom(seed, `${stream}.data`, half);
		const leader = (await (await seed.jetstreamManager()).streams.info(stream)).cluster?.leader;
		const leaderUrl = cluster.node(leader!).url;
		const rssHalf = await cliPeakRss(leaderUrl, scratch);
		await fillRandom(seed, `${stream}.data`, sizeMib - half);
		await seed.close();

		const nc = await connect({servers: leaderUrl, user: appUser.user, pass: appUser.password});
		const version = nc.info?.version ?? '?';
		const drains: Transfer[] = [];
		const baselines: Transfer[] = [];
		const backups: NatsDrRun[] = [];
		try {
			// Not counted: the first read of freshly written blocks is slower for whoever comes first.
			await drain(nc);
			for (let run = 0; run < runs; run++) {
				drains.push(await drain(nc));
				baselines.push(await baseline(nc, scratch));
				await rm(join(scratch, 'baseline.tar.s2'));
				backups.push(await natsDr(nc, scratch));
			}
		} finally {
			await nc.close();
		}

		const rssFull = await cliPeakRss(leaderUrl, scratch);
		const rate = (transfers: Transfer[]): number => median(transfers.map(t => (t.bytes * 1000) / t.ms));
		const [drainRate, baselineRate, backupRate] = [rate(drains), rate(baselines), rate(backups)];
		const mibs = (bytesPerSecond: number): string => `${(bytesPerSecond / 2 ** 20).toFixed(0)} MiB/s`;
		const percent = (value: number): string => `${Math.round(value * 100)} %`;
		return [
			`Backup (3-node cluster, nats-server ${version}, R3 stream of ${sizeMib} MiB random data in 64 KiB messages, archive ${formatBytes(backups[0]!.bytes)}, chunk size 128 KiB, client on the stream leader's server, median of ${runs} runs)`,
			'',
			'| client | rate | of the drain | runs |',
			'|---|---|---|---|',
			`| raw snapshot drain: ack and discard (ceiling) | ${mibs(drainRate)} | 100 % | ${drains.map(t => mibs((t.bytes * 1000) / t.ms)).join(', ')} |`,
			`| baseline: the nats CLI's way (mux inbox, so each chunk arrives twice; written with a file stream) | ${mibs(baselineRate)} | ${percent(baselineRate / drainRate)} | ${baselines.map(t => mibs((t.bytes * 1000) / t.ms)).join(', ')} |`,
			`| nats-dr backup: request to last chunk | ${mibs(backupRate)} | ${percent(backupRate / drainRate)} | ${backups.map(t => mibs((t.bytes * 1000) / t.ms)).join(', ')} |`,
			'',
			`nats-dr against the baseline: ${(backupRate / baselineRate).toFixed(2)}×. After the last chunk nats-dr also flushed, fsynced and renamed its files (median ${(median(backups.map(b => b.diskMs)) / 1000).toFixed(2)} s) and verified it (median ${(median(backups.map(b => b.verifyMs)) / 1000).toFixed(2)} s, ${mibs(median(backups.map(b => (b.bytes * 1000) / b.verifyMs)))}).`,
			`Peak RSS of \`nats-dr backup\` in a child process: ${formatBytes(rssHalf)} for ${half} MiB, ${formatBytes(rssFull)} for ${sizeMib} MiB.`,
		];
	} finally {
		await cluster.stopAll();
		await rm(scratch, {recursive: true, force: true});
	}
}

if (import.meta.url === `file://${process.argv[1]}`) {
	for (const line of await benchBackup()) console.log(line);
}
