/**
 * Backup, whole processes side by side on one cluster and one stream, in the same run: peer's
 * `drain` (reads the snapshot and writes nothing: the ceiling), peer's `backup` (the official CLI's
 * algorithm in Go), the real `nats stream backup`, and `node bin/nats-dr.js backup`, each timed
 * from start to exit with its peak RSS. The order rotates from run to run; medians and the spread
 * are printed, and nats-dr's own figures (transfer, in-line verification, fsync) as a breakdown.
 * Run: node --import tsx bench/backup.ts
 *   BENCH_SIZE_MIB=128 BENCH_MSG_SIZE=1KiB BENCH_REPLICAS=3 BENCH_RUNS=3 BENCH_SERVER=2.15.3 (default: PATH)
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {connect} from 'nats';
import {formatBytes} from '../source/core/format.js';
import {appUser, TestCluster} from '../test/helpers/nats-server.js';
import {fillRandom} from '../test/helpers/streams.js';
import {runMeasured, seedWithPeer, type ChildRun} from './lib/peak-rss.js';
import {findNatsCli, findPeer, loadAverage, median, natsDrBin, secondsWithSpread, useBenchServer} from './lib/tools.js';

const sizeMib = Number(process.env['BENCH_SIZE_MIB'] ?? 128);
const messageSize = process.env['BENCH_MSG_SIZE'] ?? '1KiB';
const replicas = Number(process.env['BENCH_REPLICAS'] ?? 3);
const runs = Number(process.env['BENCH_RUNS'] ?? 3);
const stream = 'BENCH';

type Row = {label: string; argv: (dir: string) => string[]; env?: Record<string, string>};
type NatsDrFigures = {transfer_ms: number; verify_ms: number; sync_ms: number; archive_bytes: number};

export async function benchBackup(): Promise<string[]> {
	useBenchServer();
	const peer = findPeer();
	const natsCli = findNatsCli();
	const notes = [peer, natsCli].flatMap(tool => ('missing' in tool ? [`Note: ${tool.missing}.`] : []));
	const cluster = await TestCluster.start({nodes: 3});
	const scratch = await mkdtemp(join(tmpdir(), 'nats-dr-bench-backup-'));
	try {
		const url = cluster.node('n1').url;
		const auth = ['--user', appUser.user, '--password', appUser.password];
		let seeded = `${formatBytes(sizeMib * 2 ** 20)} in ${messageSize} messages`;
		if ('path' in peer) {
			await seedWithPeer(peer.path, {url, auth, stream, replicas, sizeMib, messageSize});
		} else {
			const nc = await connect({servers: url, user: appUser.user, pass: appUser.password});
			await (
				await nc.jetstreamManager()
			).streams.add({name: stream, subjects: [`${stream}.>`], num_replicas: replicas});
			await fillRandom(nc, `${stream}.data`, sizeMib);
			await nc.close();
			seeded = `${formatBytes(sizeMib * 2 ** 20)} in 64 KiB messages (no gojsbackup to seed ${messageSize} ones)`;
		}

		const nc = await connect({servers: url, user: appUser.user, pass: appUser.password});
		const version = nc.info?.version ?? '?';
		const leader = (await (await nc.jetstreamManager()).streams.info(stream)).cluster?.leader ?? 'n1';
		await nc.close();

		const rows: Row[] = [];
		if ('path' in peer) {
			rows.push(
				{
					label: 'drain, 128 KiB chunks: reads and discards (the ceiling)',
					argv: () => [peer.path, 'drain', '-s', url, ...auth, stream, '--inbox', 'plain'],
				},
				{
					label: "drain, 1 MiB chunks (nats-dr's size for streams of 8 MiB or more)",
					argv: () => [peer.path, 'drain', '-s', url, ...auth, stream, '--inbox', 'plain', '--chunk', '1MiB'],
				},
				{
					label: 'official algorithm (gojsbackup backup, as `nats stream backup`)',
					argv: dir => [peer.path, 'backup', '-s', url, ...auth, stream, dir, '--no-progress'],
				},
				// nats-dr's connection of its own goes to the leader's server by itself; an operator who
				// knows the leader can point the official tool there too: the like-for-like figure.
				...(leader === 'n1'
					? []
					: [
							{
								label: `official algorithm connected to the stream leader's server (${leader})`,
								argv: (dir: string) => [
									peer.path,
									'backup',
									'-s',
									cluster.node(leader).url,
									...auth,
									stream,
									dir,
									'--no-progress',
								],
							},
						]),
			);
		}

		if ('path' in natsCli) {
			rows.push({
				label: 'the real nats CLI (`nats stream backup`)',
				argv: dir => [natsCli.path, '-s', url, ...auth, 'stream', 'backup', stream, dir, '--no-progress'],
			});
		}

		const natsDrLabel = 'nats-dr backup: verified, fsynced, in place';
		const natsDrArgv = (dir: string): string[] => [
			process.execPath,
			natsDrBin,
			'backup',
			stream,
			dir,
			'--no-progress',
			'--json',
			'--server',
			url,
			...auth,
			'--audit-log',
			join(scratch, 'audit.log'),
		];
		rows.push(
			{
				label: 'nats-dr backup, the chunks through nats.js (as before its own connection)',
				argv: natsDrArgv,
				env: {NATS_DR_SNAPSHOT_CONNECTION: 'nats.js'},
			},
			{label: natsDrLabel, argv: natsDrArgv},
		);

		const loadBefore = loadAverage();
		const timings = new Map<string, ChildRun[]>(rows.map(row => [row.label, []]));
		// Not counted: whoever reads freshly written blocks first is slower.
		await measure(rows.at(-1)!, scratch);
		for (let run = 0; run < runs; run++) {
			// Rotated, so no row always runs right after the same other one.
			for (let index = 0; index < rows.length; index++) {
				const row = rows[(index + run) % rows.length]!;
				timings.get(row.label)!.push(await measure(row, scratch));
			}
		}

		const wall = (label: string): number => median(timings.get(label)!.map(run => run.wallMs));
		const natsDr = wall(natsDrLabel);
		const official = rows.find(row => row.label.startsWith('official'));
		// The ceiling is the faster drain, whichever chunk size that was in this run.
		const drain = rows
			.filter(row => row.label.startsWith('drain'))
			.map(row => row.label)
			.sort((a, b) => wall(a) - wall(b))[0];
		const natsJsLabel = rows.at(-2)!.label;
		const figures = timings.get(natsDrLabel)!.map(run => JSON.parse(run.stdout) as NatsDrFigures);
		const archiveBytes = figures[0]!.archive_bytes;
		const lines = [
			`Backup: 3-node cluster, nats-server ${version}, R${replicas} stream of ${seeded}, archive ${formatBytes(archiveBytes)}, every client on n1 (stream leader: ${leader}); whole processes, median (min–max) of ${runs} rotated runs; load average ${loadBefore} before, ${loadAverage()} after (2 cores, shared)`,
			'',
			'| process | seconds | MiB/s | nats-dr against it | peak RSS |',
			'|---|---|---|---|---|',
		];
		for (const row of rows) {
			const runsOfRow = timings.get(row.label)!;
			const seconds = wall(row.label);
			const against =
				row.label === natsDrLabel
					? ''
					: row.label.startsWith('drain')
						? `${(seconds / natsDr).toFixed(2)} of its rate`
						: `${(seconds / natsDr).toFixed(2)}× as fast`;
			const rss = runsOfRow.map(run => run.peakRssBytes);
			lines.push(
				`| ${row.label} | ${secondsWithSpread(runsOfRow.map(run => run.wallMs))} | ${(archiveBytes / 2 ** 20 / (seconds / 1000)).toFixed(0)} | ${against} | ${formatBytes(Math.max(...rss))} |`,
			);
		}

		lines.push('');
		const atLeader = rows.find(row => row.label.startsWith('official algorithm connected'));
		if (atLeader) {
			lines.push(
				`nats-dr against the official algorithm connected to the leader's server: ${(wall(atLeader.label) / natsDr).toFixed(2)}× as fast.`,
			);
		}

		if (official)
			lines.push(
				`nats-dr against the official algorithm: ${(wall(official.label) / natsDr).toFixed(2)}× as fast (goal ≥ 1.2×).`,
			);
		lines.push(
			`nats-dr's own connection against nats.js for the chunks: ${(wall(natsJsLabel) / natsDr).toFixed(2)}× as fast.`,
		);
		if (drain) {
			lines.push(
				`nats-dr against the faster drain (${drain.split(':')[0]}): ${(wall(drain) / natsDr).toFixed(2)} of its rate (goal ≥ 0.8).`,
			);
		}
		const part = (key: keyof NatsDrFigures): string =>
			`${(median(figures.map(figure => figure[key])) / 1000).toFixed(2)} s`;
		const transfer = median(figures.map(figure => figure.transfer_ms));
		const sync = median(figures.map(figure => figure.sync_ms));
		lines.push(
			`nats-dr breakdown (medians): transfer ${part('transfer_ms')}, of which verifying in-line ${part('verify_ms')}; flush and fsync ${part('sync_ms')}; the rest (start-up, connecting, stream info, backup.json, rename) ${((natsDr - transfer - sync) / 1000).toFixed(2)} s.`,
		);
		return [...lines, ...notes];
	} finally {
		await cluster.stopAll();
		await rm(scratch, {recursive: true, force: true});
	}
}

async function measure(row: Row, scratch: string): Promise<ChildRun> {
	const dir = join(scratch, 'target');
	const [command, ...args] = row.argv(dir);
	const run = await runMeasured(command!, args, row.env);
	if (run.code !== 0) throw new Error(`${row.label} failed (exit ${run.code}): ${run.stderr.slice(-2000)}`);
	await rm(dir, {recursive: true, force: true});
	return run;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	for (const line of await benchBackup()) console.log(line);
}
