/**
 * Restore, whole processes side by side on one cluster and one archive, in the same run: peer's
 * `restore` (the official CLI's algorithm in Go: 64 KiB requests, one at a time), the real
 * `nats stream restore`, and `node bin/nats-dr.js restore`. Two end points: the server's final
 * reply (where the official tools exit) and the true end, when the stream holds the data, its
 * consumers exist and every replica is current (where nats-dr exits; for the others the bench
 * polls until then). nats-dr's phases (start-up and pre-flight, request, upload with the archive
 * verified in the same read, server restore, replica catch-up) come from --json and its exit time.
 * Run: node --import tsx bench/restore.ts
 *   BENCH_SIZE_MIB=128 BENCH_MSG_SIZE=1KiB BENCH_REPLICAS=3 BENCH_RUNS=3 BENCH_SERVER=2.15.3 (default: PATH)
 *   BENCH_NO_VERIFY=1 adds nats-dr --no-verify (what verifying during the upload costs);
 *   BENCH_NATS_DR_ARGS="--chunk-size 256KiB --window 16" passes upload settings to every nats-dr row.
 */
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {connect, type NatsConnection} from 'nats';
import {waitSettled} from '../source/core/restore/settle.js';
import {formatBytes} from '../source/core/format.js';
import {appUser, sysUser, TestCluster, waitFor} from '../test/helpers/nats-server.js';
import {fillRandom, streamNames} from '../test/helpers/streams.js';
import {snapshotRaw} from '../test/helpers/snapshot-raw.js';
import {runMeasured, seedWithPeer, type ChildRun} from './lib/peak-rss.js';
import {findNatsCli, findPeer, loadAverage, median, natsDrBin, secondsWithSpread, useBenchServer} from './lib/tools.js';

const sizeMib = Number(process.env['BENCH_SIZE_MIB'] ?? 128);
const messageSize = process.env['BENCH_MSG_SIZE'] ?? '1KiB';
const replicas = Number(process.env['BENCH_REPLICAS'] ?? 3);
const runs = Number(process.env['BENCH_RUNS'] ?? 3);
const stream = 'BENCH';
const noVerifyRow = process.env['BENCH_NO_VERIFY'] === '1';
const natsDrArgs = (process.env['BENCH_NATS_DR_ARGS'] ?? '').split(/\s+/).filter(Boolean);

type Phases = {request_ms: number; upload_ms: number; server_ms: number; settle_ms: number; total_ms: number};
/** `startMs`: from process start to the restore request (start-up, connection, pre-flight). */
type Timing = {replyMs: number; settledMs: number; phases?: Phases & {start_ms: number}};
type Row = {label: string; argv: (dir: string) => string[]; exitsSettled: boolean};

export async function benchRestore(): Promise<string[]> {
	useBenchServer();
	const peer = findPeer();
	const natsCli = findNatsCli();
	const notes = [peer, natsCli].flatMap(tool => ('missing' in tool ? [`Note: ${tool.missing}.`] : []));
	const cluster = await TestCluster.start({nodes: 3});
	const scratch = await mkdtemp(join(tmpdir(), 'nats-dr-bench-restore-'));
	try {
		const url = cluster.node('n1').url;
		const auth = ['--user', appUser.user, '--password', appUser.password];
		const nc = await connect({servers: url, user: appUser.user, pass: appUser.password});
		// Replicas are believed current when their own servers hold the data (settle.ts), for every row.
		const sys = await connect({servers: url, user: sysUser.user, pass: sysUser.password});
		const version = nc.info?.version ?? '?';
		const dir = join(scratch, stream);
		let seeded = `${formatBytes(sizeMib * 2 ** 20)} in ${messageSize} messages`;
		if ('path' in peer) {
			await seedWithPeer(peer.path, {url, auth, stream, replicas, sizeMib, messageSize});
			const backup = await runMeasured(peer.path, ['backup', '-s', url, ...auth, stream, dir, '--no-progress']);
			if (backup.code !== 0) throw new Error(`gojsbackup backup failed: ${backup.stderr}`);
		} else {
			await (
				await nc.jetstreamManager()
			).streams.add({name: stream, subjects: [`${stream}.>`], num_replicas: replicas});
			await fillRandom(nc, `${stream}.data`, sizeMib);
			await snapshotRaw(nc, stream, dir);
			seeded = `${formatBytes(sizeMib * 2 ** 20)} in 64 KiB messages (no gojsbackup to seed ${messageSize} ones)`;
		}

		const backupJson = JSON.parse(await readFile(join(dir, 'backup.json'), 'utf8')) as {state: {messages: number}};
		const archiveBytes = (await readFile(join(dir, 'stream.tar.s2'))).length;
		await dropStream(nc);

		const rows: Row[] = [];
		if ('path' in peer)
			rows.push({
				label: 'official algorithm (gojsbackup restore, as `nats stream restore`)',
				argv: d => [peer.path, 'restore', '-s', url, ...auth, d],
				exitsSettled: false,
			});
		if ('path' in natsCli)
			rows.push({
				label: 'the real nats CLI (`nats stream restore`)',
				argv: d => [natsCli.path, '-s', url, ...auth, 'stream', 'restore', d, '--no-progress'],
				exitsSettled: false,
			});
		const natsDrLabel = 'nats-dr restore (exits when settled)';
		const natsDr = (label: string, extra: string[]): Row => ({
			label,
			argv: d => [
				process.execPath,
				natsDrBin,
				'restore',
				d,
				'--yes',
				'--json',
				'--no-progress',
				'--server',
				url,
				...auth,
				'--sys-user',
				sysUser.user,
				'--sys-password',
				sysUser.password,
				'--audit-log',
				join(scratch, 'audit.log'),
				...natsDrArgs,
				...extra,
			],
			exitsSettled: true,
		});
		rows.push(natsDr(natsDrLabel, []));
		if (noVerifyRow) rows.push(natsDr('nats-dr restore --no-verify (breakdown)', ['--no-verify']));

		const loadBefore = loadAverage();
		const timings = new Map<string, Timing[]>(rows.map(row => [row.label, []]));
		for (let run = 0; run < runs; run++) {
			for (let index = 0; index < rows.length; index++) {
				const row = rows[(index + run) % rows.length]!;
				timings.get(row.label)!.push(await measure(nc, sys, row, dir, backupJson.state.messages));
				await dropStream(nc);
			}
		}

		await nc.close();
		await sys.close();
		const lines = [
			`Restore: 3-node cluster, nats-server ${version}, R${replicas} stream of ${seeded}, archive ${formatBytes(archiveBytes)}, every client on n1; whole processes, median (min–max) of ${runs} rotated runs; load average ${loadBefore} before, ${loadAverage()} after (2 cores, shared)`,
			'',
			`| process | to the server's final reply | to the true end (data, consumers, every replica current) | nats-dr's phases: start-up and pre-flight / request (leader election) / upload${natsDrArgs.length > 0 ? ` (${natsDrArgs.join(' ')})` : ''} / server restore / replica catch-up |`,
			'|---|---|---|---|',
		];
		for (const row of rows) {
			const all = timings.get(row.label)!;
			const phases = all.flatMap(timing => (timing.phases ? [timing.phases] : []));
			const phaseText =
				phases.length === 0
					? ''
					: (['start_ms', 'request_ms', 'upload_ms', 'server_ms', 'settle_ms'] as const)
							.map(key => `${(median(phases.map(phase => phase[key])) / 1000).toFixed(2)} s`)
							.join(' / ');
			lines.push(
				`| ${row.label} | ${secondsWithSpread(all.map(timing => timing.replyMs))} | ${secondsWithSpread(all.map(timing => timing.settledMs))} | ${phaseText} |`,
			);
		}

		const reply = (label: string): number => median(timings.get(label)!.map(timing => timing.replyMs));
		const settled = (label: string): number => median(timings.get(label)!.map(timing => timing.settledMs));
		const against = (row: Row | undefined, name: string, goals: string[]): string[] =>
			row
				? [
						`nats-dr against ${name}: to the final reply ${(reply(row.label) / reply(natsDrLabel)).toFixed(2)}× as fast${goals[0]!}; to the true end ${(settled(row.label) / settled(natsDrLabel)).toFixed(2)}×${goals[1]!} (medians).`,
					]
				: [];
		lines.push(
			'',
			...against(
				rows.find(row => row.label.startsWith('official')),
				'the official algorithm',
				[' (goal ≥ 2×)', ' (goal ≥ 1×)'],
			),
			...against(
				rows.find(row => row.label.startsWith('the real nats CLI')),
				'the real nats CLI',
				['', ''],
			),
		);

		return [...lines, ...notes];
	} finally {
		await cluster.stopAll();
		await rm(scratch, {recursive: true, force: true});
	}
}

/**
 * The official tools exit at the final reply; then the bench polls every 50 ms until the stream
 * is settled, by the same rule nats-dr uses. nats-dr's own final reply is its exit minus its settle phase.
 */
async function measure(
	nc: NatsConnection,
	sys: NatsConnection,
	row: Row,
	dir: string,
	messages: number,
): Promise<Timing> {
	const started = performance.now();
	const [command, ...args] = row.argv(dir);
	const run: ChildRun = await runMeasured(command!, args);
	if (run.code !== 0)
		throw new Error(`${row.label} failed (exit ${run.code}): ${run.stderr.slice(-2000)} ${run.stdout.slice(-2000)}`);
	if (row.exitsSettled) {
		const phases = (JSON.parse(run.stdout) as {streams: Phases[]}).streams[0]!;
		return {
			replyMs: run.wallMs - phases.settle_ms,
			settledMs: run.wallMs,
			phases: {...phases, start_ms: run.wallMs - phases.total_ms},
		};
	}

	const js = {nc, prefix: '$JS.API', timeoutMs: 5000};
	// The seeded stream has no consumers, so data and replicas are what the rule checks here.
	const expectation = {messages, lastSeq: undefined, oldestMs: undefined, limits: {}, consumers: undefined, replicas};
	const settled = await waitSettled(js, stream, expectation, {timeoutMs: 600_000, sys});
	if (!settled.state.done)
		throw new Error(`${row.label}: ${stream} did not settle: ${settled.state.waitingFor.join(', ')}`);
	return {replyMs: run.wallMs, settledMs: performance.now() - started};
}

async function dropStream(nc: NatsConnection): Promise<void> {
	await (await nc.jetstreamManager()).streams.delete(stream);
	await waitFor(async () => !(await streamNames(nc)).includes(stream), {what: `${stream} deleted`});
}

if (import.meta.url === `file://${process.argv[1]}`) {
	for (const line of await benchRestore()) console.log(line);
}
