/**
 * The compatibility suite's side of the server matrix: the real `nats` CLI, and the results each test
 * records per server version, from which scripts/render-compatibility.ts writes docs/compatibility.md.
 *
 * The runner (scripts/test-compat.sh) sets NATS_SERVER_BIN, NATS_CLI_BIN and NATS_DR_COMPAT_RESULTS per
 * version. Run alone, a compat test takes the natscli from the build cache and records nothing.
 */
import {spawn} from 'node:child_process';
import {appendFileSync, existsSync, readdirSync} from 'node:fs';
import {homedir} from 'node:os';
import path from 'node:path';
import {cleanEnv, type CliResult} from './cli.js';
import {appUser, natsServerVersion, sysUser, type TestCluster} from './nats-server.js';

function cachedNatsCli(): string | undefined {
	const cache =
		process.env['NATS_DR_BIN_CACHE'] ??
		path.join(process.env['XDG_CACHE_HOME'] || path.join(homedir(), '.cache'), 'nats-dr', 'bin');
	const builds = existsSync(cache)
		? readdirSync(cache)
				.filter(name => name.startsWith('natscli-v'))
				.sort()
				.reverse()
		: [];
	return builds.map(name => path.join(cache, name, 'nats')).find(file => existsSync(file));
}

export const natsCliBin = process.env['NATS_CLI_BIN'] || cachedNatsCli();

/** Runs the real `nats` CLI against the cluster's running nodes, with no natscli context of the developer's. */
export async function runNats(
	cluster: TestCluster,
	args: string[],
	{sys = false, timeoutMs = 120_000} = {},
): Promise<CliResult> {
	if (!natsCliBin) throw new Error('no nats CLI: set NATS_CLI_BIN, or build it with scripts/servers.sh');
	const user = sys ? sysUser : appUser;
	const connection = [
		'--no-context',
		'--server',
		cluster
			.running()
			.map(node => node.url)
			.join(','),
		'--user',
		user.user,
		'--password',
		user.password,
	];
	const child = spawn(natsCliBin, [...connection, ...args], {env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
	const code = await new Promise<number | null>(resolve => child.once('close', resolve));
	clearTimeout(timer);
	return {code, stdout, stderr};
}

export type Feature =
	'backup' | 'account backup' | 'restore' | 'verify' | 'diagnose' | 'peer-remove' | 'step-down' | 'mirror promotion';

/** `supported: false` for what the server itself does not allow; a thrown error is a failure of nats-dr. */
export type Outcome = {supported: boolean; note?: string};

export type CompatRecord =
	| {server: string; kind: 'feature'; feature: Feature; result: 'yes' | 'no' | 'fails'; note?: string}
	| {server: string; kind: 'behaviour'; behaviour: string; observed: string};

function record(entry: Record<string, unknown>): void {
	const file = process.env['NATS_DR_COMPAT_RESULTS'];
	if (!file) return;
	appendFileSync(file, `${JSON.stringify({server: natsServerVersion().join('.'), ...entry})}\n`);
}

/** Runs one feature's check and records how it went for this server version; failures still fail the test. */
export async function feature(name: Feature, check: () => Promise<Outcome | void>): Promise<void> {
	try {
		const outcome = await check();
		record({
			kind: 'feature',
			feature: name,
			result: outcome?.supported === false ? 'no' : 'yes',
			...(outcome?.note ? {note: outcome.note} : {}),
		});
	} catch (error) {
		record({
			kind: 'feature',
			feature: name,
			result: 'fails',
			note: String(error instanceof Error ? error.message : error).split('\n')[0],
		});
		throw error;
	}
}

/** Records what this server version did where versions differ, for the table of protocol differences. */
export function observed(behaviour: string, value: string): void {
	record({kind: 'behaviour', behaviour, observed: value});
}
