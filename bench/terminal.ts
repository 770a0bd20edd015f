/**
 * What the wizard writes to the terminal during a ~30 s backup: frames per second and bytes per
 * second, read from everything tmux receives from the app (pipe-pane). Many streams are backed up
 * one after another, so the bars move for the whole run. Goals: ≤ 15 frames/s, ≤ 10 KB/s.
 * Run: node --import tsx bench/terminal.ts   (BENCH_TERMINAL_STREAMS=400, BENCH_TERMINAL_MIB=1)
 */
import {execFile} from 'node:child_process';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {TestCluster} from '../test/helpers/nats-server.js';
import {appConnection, cliConnection, fillRandom} from '../test/helpers/streams.js';
import {TmuxSession} from '../test/helpers/tmux.js';

const run = promisify(execFile);
const streams = Number(process.env['BENCH_TERMINAL_STREAMS'] ?? 400);
const mib = Number(process.env['BENCH_TERMINAL_MIB'] ?? 1);

export async function benchTerminal(): Promise<string[]> {
	const dir = await mkdtemp(path.join(tmpdir(), 'nats-dr-bench-term-'));
	const cluster = await TestCluster.start();
	let tmux: TmuxSession | undefined;
	try {
		const nc = await appConnection(cluster);
		const jsm = await nc.jetstreamManager();
		for (let i = 0; i < streams; i++) {
			const name = `T${String(i).padStart(3, '0')}`;
			await jsm.streams.add({name, subjects: [`${name}.>`]});
			await fillRandom(nc, `${name}.data`, mib);
		}

		await nc.close();
		tmux = await TmuxSession.start(
			[...cliConnection(cluster, {sys: false}), '--audit-log', path.join(dir, 'audit.log')],
			{columns: 100, rows: 30},
		);
		await tmux.waitFor(/Back up streams/);
		for (let i = 0; i < 6 && !/[❯>] Back up streams/.test(await tmux.visible()); i++) await tmux.keyAndWait('Down');
		await tmux.keyAndWait('Enter');
		await tmux.keyAndWait('a');
		await tmux.keyAndWait('Enter');
		for (let i = 0; i < 40; i++) await tmux.keys('BSpace');
		await tmux.type(path.join(dir, 'backups'));
		const capture = path.join(dir, 'pane.bytes');
		await run('tmux', ['-L', tmux.socket, 'pipe-pane', '-t', 'w', `cat > ${capture}`]);
		const started = performance.now();
		await tmux.keys('Enter');
		await tmux.waitFor(/Back to the overview/, {timeoutMs: 600_000});
		const seconds = (performance.now() - started) / 1000;
		await run('tmux', ['-L', tmux.socket, 'pipe-pane', '-t', 'w']);
		const bytes = await readFile(capture);
		const text = bytes.toString('latin1');
		// Ink wraps every frame in a synchronized-output block on a TTY (DEC 2026).
		const frames = text.split('\u001B[?2026h').length - 1;
		return [
			`Terminal output of the wizard during a backup of ${streams} streams × ${mib} MiB (single server, 100×30 tmux pane)`,
			'',
			'| duration | frames | frames/s | bytes written | bytes/s |',
			'|---|---|---|---|---|',
			`| ${seconds.toFixed(1)} s | ${frames} | ${(frames / seconds).toFixed(1)} | ${bytes.length} | ${Math.round(bytes.length / seconds)} |`,
		];
	} finally {
		await tmux?.stop();
		await cluster.stopAll();
		await rm(dir, {recursive: true, force: true});
	}
}

if (import.meta.url === `file://${process.argv[1]}`) {
	for (const line of await benchTerminal()) console.log(line);
}
