/**
 * The yardsticks the transfer benches run beside nats-dr, as whole processes: peer's `gojsbackup`
 * (the official CLI's backup/restore algorithm in Go, plus its `drain`, the ceiling) and the real
 * `nats` CLI. Each is found through an environment variable or its usual place; a missing one is
 * skipped with a note that says how to get it. The bench may read ../shared; nats-dr itself never does.
 */
import {execFileSync} from 'node:child_process';
import {accessSync, constants, copyFileSync, existsSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
export const natsDrBin = join(repo, 'bin/nats-dr.js');

export type Tool = {path: string} | {missing: string};

/**
 * `gojsbackup` from $BENCH_PEER_BIN or ../shared/peer beside the repository (beside the main checkout
 * for a git worktree), copied to a writable, executable place.
 */
export function findPeer(): Tool {
	const candidates = [
		join(repo, '../shared/peer/gojsbackup-linux-amd64'),
		join(mainCheckout(), '../shared/peer/gojsbackup-linux-amd64'),
	];
	const source = process.env['BENCH_PEER_BIN'] ?? candidates.find(path => existsSync(path)) ?? candidates[0]!;
	if (!existsSync(source)) {
		return {
			missing: `peer's gojsbackup not found at ${source}: set BENCH_PEER_BIN to a build of ../shared/peer (its build.sh makes one); the drain and official-algorithm rows are left out`,
		};
	}

	const copy = join(tmpdir(), `nats-dr-bench-gojsbackup-${process.pid}`);
	if (!existsSync(copy)) {
		copyFileSync(source, copy);
		execFileSync('chmod', ['+x', copy]);
		process.once('exit', () => rmSync(copy, {force: true}));
	}

	return {path: copy};
}

/** The real `nats` CLI from $BENCH_NATS_CLI, else the one `scripts/servers.sh` built. */
export function findNatsCli(): Tool {
	const fromEnv = process.env['BENCH_NATS_CLI'];
	if (fromEnv !== undefined)
		return executable(fromEnv) ? {path: fromEnv} : {missing: `BENCH_NATS_CLI=${fromEnv} is not an executable`};
	const built = builtBinaries().find(binary => binary.name === 'nats');
	return built
		? {path: built.path}
		: {
				missing:
					'the real nats CLI is not built: run scripts/servers.sh (needs Go and the module proxy) or set BENCH_NATS_CLI; its rows are left out',
			};
}

/**
 * The nats-server for the bench cluster: $BENCH_SERVER is a path or a version that scripts/servers.sh
 * built (e.g. 2.15.3); unset, the one on the PATH. Returns the directory to put first on the PATH.
 */
export function serverDirectory(): string | undefined {
	const wanted = process.env['BENCH_SERVER'];
	if (wanted === undefined) return undefined;
	if (executable(wanted)) return join(wanted, '..');
	const version = wanted.startsWith('v') ? wanted : `v${wanted}`;
	const built = builtBinaries().find(binary => binary.name === 'nats-server' && binary.version === version);
	if (!built)
		throw new Error(
			`BENCH_SERVER=${wanted}: no such binary, and scripts/servers.sh --list does not show nats-server ${version}; run scripts/servers.sh to build it`,
		);
	return join(built.path, '..');
}

/** Runs the bench cluster on $BENCH_SERVER: the test harness starts `nats-server` from the PATH. */
export function useBenchServer(): void {
	const dir = serverDirectory();
	if (dir !== undefined) process.env['PATH'] = `${dir}:${process.env['PATH'] ?? ''}`;
}

function mainCheckout(): string {
	try {
		return join(
			execFileSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], {
				cwd: repo,
				encoding: 'utf8',
			}).trim(),
			'..',
		);
	} catch {
		return repo;
	}
}

function builtBinaries(): Array<{name: string; version: string; path: string}> {
	let listing: string;
	try {
		listing = execFileSync(join(repo, 'scripts/servers.sh'), ['--list'], {encoding: 'utf8'});
	} catch {
		return [];
	}

	return listing
		.split('\n')
		.filter(Boolean)
		.map(line => {
			const [name = '', version = '', path = ''] = line.split(' ');
			return {name, version, path};
		});
}

function executable(path: string): boolean {
	try {
		accessSync(path, constants.X_OK);
		return !path.endsWith('/');
	} catch {
		return false;
	}
}

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)]!;
}

/** "median (min–max)" in seconds. */
export function secondsWithSpread(values: number[]): string {
	const s = (ms: number): string => (ms / 1000).toFixed(2);
	return `${s(median(values))} (${s(Math.min(...values))}–${s(Math.max(...values))})`;
}

/** The 1-minute load average, to say how busy the machine was. */
export function loadAverage(): string {
	try {
		return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
	} catch {
		return 'unknown';
	}
}
