/**
 * Account backups and restores, whole processes on one cluster in the same run: `nats-dr backup
 * --all` (at the earlier defaults of 4 and 32 at once and at its default) and `nats-dr restore` of the
 * account (at its default and its highest concurrency) against the same work done one stream after
 * another the official way: the real `nats account backup` / `restore`, or without it peer's
 * gojsbackup backup run once per stream (no restore row then). Two accounts: many small streams (the
 * goal: ≥ 3× as fast as the official way, issue #17), and a few big ones.
 * Run: node --import tsx bench/account.ts
 *   BENCH_ACCOUNT_STREAMS=1000 BENCH_ACCOUNT_BIG=20x25 (streams × MiB) BENCH_RUNS=3 BENCH_SERVER=2.15.3
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {connect, type NatsConnection} from 'nats';
import {defaultConcurrency, maxConcurrency} from '../source/core/backup/backup-account.js';
import {defaultRestoreConcurrency, maxRestoreConcurrency} from '../source/core/restore/account.js';
import {appUser, TestCluster, waitFor} from '../test/helpers/nats-server.js';
import {runMeasured, type ChildRun} from './lib/peak-rss.js';
import {findNatsCli, findPeer, loadAverage, median, natsDrBin, secondsWithSpread, useBenchServer} from './lib/tools.js';

const manyStreams = Number(process.env['BENCH_ACCOUNT_STREAMS'] ?? 1000);
const [bigStreams = 20, bigMib = 25] = (process.env['BENCH_ACCOUNT_BIG'] ?? '20x25').split('x').map(Number);
const runs = Number(process.env['BENCH_RUNS'] ?? 3);

type Row = {label: string; run: (dir: string) => Promise<ChildRun>};

export async function benchAccount(): Promise<string[]> {
	useBenchServer();
	const peer = findPeer();
	const natsCli = findNatsCli();
	const notes = [peer, natsCli].flatMap(tool => ('missing' in tool ? [`Note: ${tool.missing}.`] : []));
	const lines: string[] = [];
	const cases = [
		{
			label: `${manyStreams} small R1 streams (10 messages each)`,
			seed: async (nc: NatsConnection) => seedMany(nc),
			goal: (official: number, natsDr: number) =>
				`Goal ≥ 3× as fast as the official way at the default: ${(official / natsDr).toFixed(2)}×, ${official / natsDr >= 3 ? 'met' : 'NOT met'}.`,
			// ext4 skips inodes freed in the last minute or more when it allocates new ones: deleting the
			// previous row's thousands of files right before a run made file creation the largest single
			// cost of every row (measured: natscli 7.8 s against 5.7 s into a fresh disk area, nats-dr
			// 4.2 s against 2.7 s). An operator's backup disk has not just lost thousands of files.
			keepTargets: true,
		},
		{
			label: `${bigStreams} R1 streams of ${bigMib} MiB (1 KiB messages)`,
			seed: async (nc: NatsConnection, url: string) => seedBig(nc, url, peer),
			goal: (official: number, natsDr: number) =>
				`At the default: ${(official / natsDr).toFixed(2)}× as fast as the official way (no goal beyond the former default's figure).`,
			// A few big files per run: deleting them costs the next run nothing, keeping them gigabytes.
			keepTargets: false,
		},
	];
	for (const {label, seed, goal, keepTargets} of cases) {
		const cluster = await TestCluster.start({nodes: 3});
		const scratch = await mkdtemp(join(tmpdir(), 'nats-dr-bench-account-'));
		try {
			const url = cluster.node('n1').url;
			const auth = ['--user', appUser.user, '--password', appUser.password];
			const nc = await connect({servers: url, user: appUser.user, pass: appUser.password});
			const version = nc.info?.version ?? '?';
			// A fresh cluster answers 503 until its meta group has a leader: a stream that can be created says it has.
			const jsm = await nc.jetstreamManager();
			await waitFor(
				async () =>
					jsm.streams.add({name: 'READY', subjects: ['ready.>']}).then(
						async () => jsm.streams.delete('READY'),
						() => false,
					),
				{what: 'JetStream ready', timeoutMs: 60_000},
			);
			const names = await seed(nc, url);
			await nc.close();
			const runNatsDr = async (args: string[]): Promise<ChildRun> =>
				runMeasured(process.execPath, [
					natsDrBin,
					...args,
					'--no-progress',
					'--server',
					url,
					...auth,
					'--audit-log',
					join(scratch, 'audit.log'),
				]);
			const natsDr = (concurrency: number) => async (dir: string) =>
				runNatsDr(['backup', '--all', dir, '--concurrency', String(concurrency)]);
			const rows: Row[] = [];
			if ('path' in natsCli) {
				rows.push({
					label: 'official, one after another: `nats account backup`',
					run: async dir => runMeasured(natsCli.path, ['-s', url, ...auth, 'account', 'backup', dir, '-f']),
				});
			} else if ('path' in peer) {
				rows.push({
					label: 'official, one after another: gojsbackup backup per stream',
					run: async dir => perStream(peer.path, url, auth, names, dir),
				});
			}

			const defaultRow = {
				label: `nats-dr backup --all (default, ${defaultConcurrency} at once)`,
				run: natsDr(defaultConcurrency),
			};
			rows.push(
				{label: 'nats-dr backup --all --concurrency 4 (the first default)', run: natsDr(4)},
				{label: 'nats-dr backup --all --concurrency 32 (the former default)', run: natsDr(32)},
				defaultRow,
			);
			if (maxConcurrency !== defaultConcurrency)
				rows.push({
					label: `nats-dr backup --all --concurrency ${maxConcurrency} (the highest)`,
					run: natsDr(maxConcurrency),
				});
			const backups = await measureRotated(rows, async (row, run, index) => {
				const dir = join(scratch, `target-${run}-${index}`);
				const result = await row.run(dir);
				if (!keepTargets) await rm(dir, {recursive: true, force: true});
				return result;
			});
			lines.push(
				...resultTable(`Account backup: ${label}, 3-node cluster, nats-server ${version}, client on n1`, backups),
				...(backups.official === undefined ? [] : [goal(backups.official, backups.seconds(defaultRow.label)), '']),
			);

			// The restores read one backup taken by nats-dr (natscli reads it as its own) and start from
			// an account without the streams, which each row's untimed preparation makes.
			const source = join(scratch, 'restore-source');
			const taken = await natsDr(defaultConcurrency)(source);
			if (taken.code !== 0) throw new Error(`the backup to restore from failed: ${taken.stderr.slice(-2000)}`);
			const natsDrRestore = (concurrency: number) => async () =>
				runNatsDr(['restore', source, '--yes', '--concurrency', String(concurrency)]);
			const restoreRows: Row[] = [
				...('path' in natsCli
					? [
							{
								label: 'official, one after another: `nats account restore`',
								run: async () => runMeasured(natsCli.path, ['-s', url, ...auth, 'account', 'restore', source]),
							},
						]
					: []),
				{
					label: `nats-dr restore (default, ${defaultRestoreConcurrency} at once)`,
					run: natsDrRestore(defaultRestoreConcurrency),
				},
				{
					label: `nats-dr restore --concurrency ${maxRestoreConcurrency} (the highest)`,
					run: natsDrRestore(maxRestoreConcurrency),
				},
			];
			const restores = await measureRotated(restoreRows, async row => {
				await deleteEveryStream(url);
				return row.run('');
			});
			lines.push(
				...resultTable(`Account restore: ${label}, 3-node cluster, nats-server ${version}, client on n1`, restores),
			);
		} finally {
			await cluster.stopAll();
			await rm(scratch, {recursive: true, force: true});
		}
	}

	return [...lines, ...notes];
}

/** Every row `runs` times, rotated so that no row always follows the same other one. */
async function measureRotated(
	rows: Row[],
	measure: (row: Row, run: number, index: number) => Promise<ChildRun>,
): Promise<{
	rows: Row[];
	timings: Map<string, number[]>;
	loadBefore: string;
	official: number | undefined;
	seconds: (label: string) => number;
}> {
	const loadBefore = loadAverage();
	const timings = new Map<string, number[]>(rows.map(row => [row.label, []]));
	for (let run = 0; run < runs; run++) {
		for (let index = 0; index < rows.length; index++) {
			const row = rows[(index + run) % rows.length]!;
			const result = await measure(row, run, index);
			if (result.code !== 0)
				throw new Error(`${row.label} failed (exit ${result.code}): ${result.stderr.slice(-2000)}`);
			timings.get(row.label)!.push(result.wallMs);
		}
	}

	const seconds = (label: string): number => median(timings.get(label)!);
	const official = rows[0]!.label.startsWith('official') ? seconds(rows[0]!.label) : undefined;
	return {rows, timings, loadBefore, official, seconds};
}

function resultTable(
	heading: string,
	{rows, timings, loadBefore, official, seconds}: Awaited<ReturnType<typeof measureRotated>>,
): string[] {
	return [
		`${heading}; whole processes, median (min–max) of ${runs} rotated runs; load average ${loadBefore} before, ${loadAverage()} after (2 cores, shared)`,
		'',
		'| process | seconds | against the official way |',
		'|---|---|---|',
		...rows.map(row => {
			const against =
				official === undefined || row === rows[0] ? '' : `${(official / seconds(row.label)).toFixed(2)}× as fast`;
			return `| ${row.label} | ${secondsWithSpread(timings.get(row.label)!)} | ${against} |`;
		}),
		'',
	];
}

async function deleteEveryStream(url: string): Promise<void> {
	const nc = await connect({servers: url, user: appUser.user, pass: appUser.password});
	try {
		const jsm = await nc.jetstreamManager();
		const names: string[] = [];
		for await (const name of jsm.streams.names()) names.push(name);
		for (let i = 0; i < names.length; i += 64)
			await Promise.all(names.slice(i, i + 64).map(async name => jsm.streams.delete(name)));
	} finally {
		await nc.close();
	}
}

async function seedMany(nc: NatsConnection): Promise<string[]> {
	const jsm = await nc.jetstreamManager();
	const js = nc.jetstream();
	const names = Array.from({length: manyStreams}, (_, i) => `M${String(i).padStart(4, '0')}`);
	for (let i = 0; i < names.length; i += 16) {
		await Promise.all(
			names.slice(i, i + 16).map(async name => {
				await jsm.streams.add({name, subjects: [`${name}.>`], num_replicas: 1});
				// A just-created stream can answer 503 until its leader listens (seen on 2.15).
				await Promise.all(
					Array.from({length: 10}, async (_, n) =>
						waitFor(
							async () =>
								js.publish(`${name}.m`, new TextEncoder().encode(`message ${n} of ${name}`)).then(
									() => true,
									() => false,
								),
							{what: `a message in ${name}`, intervalMs: 50},
						),
					),
				);
			}),
		);
	}

	return names;
}

async function seedBig(nc: NatsConnection, url: string, peer: ReturnType<typeof findPeer>): Promise<string[]> {
	const names = Array.from({length: bigStreams}, (_, i) => `BIG${String(i).padStart(2, '0')}`);
	for (const name of names) {
		if ('path' in peer) {
			// On 2.15 the first publishes into a just-created stream can find no responders: seed it again.
			for (let attempt = 1; ; attempt++) {
				const seed = await runMeasured(peer.path, [
					'seed',
					'-s',
					url,
					'--user',
					appUser.user,
					'--password',
					appUser.password,
					name,
					'--subjects',
					`${name}.>`,
					'--replicas',
					'1',
					'--bytes',
					`${bigMib}MiB`,
					'--msg-size',
					'1KiB',
				]);
				if (seed.code === 0) break;
				if (attempt === 3) throw new Error(`gojsbackup seed failed: ${seed.stderr}`);
				await (await nc.jetstreamManager()).streams.delete(name).catch(() => false);
			}
		} else {
			const jsm = await nc.jetstreamManager();
			await jsm.streams.add({name, subjects: [`${name}.>`], num_replicas: 1});
			const js = nc.jetstream();
			const payload = new Uint8Array(1024);
			for (let i = 0; i < bigMib * 1024; i += 256)
				await Promise.all(Array.from({length: 256}, async () => js.publish(`${name}.m`, payload)));
		}
	}

	return names;
}

/** The official algorithm one stream after another, as a shell loop over `nats stream backup` would run it. */
async function perStream(peer: string, url: string, auth: string[], names: string[], dir: string): Promise<ChildRun> {
	const started = performance.now();
	let peak = 0;
	for (const name of names) {
		const run = await runMeasured(peer, ['backup', '-s', url, ...auth, name, join(dir, name), '--no-progress']);
		if (run.code !== 0) return run;
		peak = Math.max(peak, run.peakRssBytes);
	}

	return {code: 0, stdout: '', stderr: '', peakRssBytes: peak, wallMs: performance.now() - started};
}

if (import.meta.url === `file://${process.argv[1]}`) {
	for (const line of await benchAccount()) console.log(line);
}
