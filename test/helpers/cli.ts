/** Runs the built CLI (bin/nats-dr.js) as a subprocess without a TTY, as scripts and CI do. */
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const binPath = fileURLToPath(new URL('../../bin/nats-dr.js', import.meta.url));

export type CliResult = {code: number | null; stdout: string; stderr: string};

export async function runCli(
	args: string[],
	{env = {}, timeoutMs = 60_000, input}: {env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string} = {},
): Promise<CliResult> {
	const child = spawn(process.execPath, [binPath, ...args], {
		env: {...cleanEnv(), ...env},
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	child.stdin.end(input ?? '');
	const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
	const code = await new Promise<number | null>(resolve => child.once('close', resolve));
	clearTimeout(timer);
	return {code, stdout, stderr};
}

/** Audit lines of test runs go here, never into the developer's own state directory. */
const stateHome = mkdtempSync(path.join(tmpdir(), 'nats-dr-test-state-'));
process.on('exit', () => rmSync(stateHome, {recursive: true, force: true}));

/** The environment without the caller's NATS settings, so a developer's context never leaks in. */
export function cleanEnv(): NodeJS.ProcessEnv {
	const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('NATS_')));
	// No cache directory either: `nats-dr demo` would otherwise pick the newest server scripts/servers.sh built
	// instead of the one the tests run (demo tests pass that one with --nats-server when NATS_SERVER_BIN is set).
	return {
		...env,
		XDG_CONFIG_HOME: '/nonexistent-nats-dr-test-config',
		XDG_STATE_HOME: stateHome,
		XDG_CACHE_HOME: '/nonexistent-nats-dr-test-cache',
	};
}

export function parseJson<T = any>(result: CliResult): T {
	try {
		return JSON.parse(result.stdout) as T;
	} catch {
		throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`);
	}
}
