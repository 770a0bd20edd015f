/**
 * Locates the nats-server binary the demo runs: `--nats-server PATH`, else the newest release that
 * `scripts/servers.sh` built into the cache directory, else the first on PATH. The newest is preferred
 * because it is what operators are moving to; Debian's package on PATH is often years old.
 */
import {constants} from 'node:fs';
import {access, readdir, stat} from 'node:fs/promises';
import {homedir} from 'node:os';
import path from 'node:path';
import {DrError} from '../core/errors.js';

const installHint =
	'install it (Debian/Ubuntu: `sudo apt-get install nats-server`; elsewhere: https://docs.nats.io/running-a-nats-service/introduction/installation), or pass --nats-server PATH';

async function isExecutableFile(file: string): Promise<boolean> {
	try {
		if (!(await stat(file)).isFile()) return false;
		await access(file, constants.X_OK);
		return true;
	} catch {
		return false;
	}
}

/** Where scripts/servers.sh keeps its builds; the same rule as in that script. */
function serverCacheDir(env: NodeJS.ProcessEnv): string {
	if (env['NATS_DR_BIN_CACHE']) return env['NATS_DR_BIN_CACHE'];
	const cacheHome = env['XDG_CACHE_HOME'] || path.join(env['HOME'] || homedir(), '.cache');
	return path.join(cacheHome, 'nats-dr', 'bin');
}

function parseVersion(dirName: string): number[] | undefined {
	const match = /^nats-server-v(\d+)\.(\d+)\.(\d+)$/.exec(dirName);
	return match ? match.slice(1).map(Number) : undefined;
}

function compareVersions(a: number[], b: number[]): number {
	for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
	return 0;
}

async function newestCached(dir: string): Promise<string | undefined> {
	const entries = await readdir(dir).catch(() => [] as string[]);
	const versioned = entries
		.map(name => ({name, version: parseVersion(name)}))
		.filter((entry): entry is {name: string; version: number[]} => entry.version !== undefined)
		.sort((a, b) => compareVersions(b.version, a.version));
	for (const {name} of versioned) {
		const candidate = path.join(dir, name, 'nats-server');
		if (await isExecutableFile(candidate)) return candidate;
	}

	return undefined;
}

/** The newest release scripts/servers.sh built, if any: the demo prefers it, the tests run it beside the PATH's. */
export async function newestCachedServer(env: NodeJS.ProcessEnv): Promise<string | undefined> {
	return newestCached(serverCacheDir(env));
}

export async function findNatsServer(explicit: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
	if (explicit !== undefined) {
		if (await isExecutableFile(explicit)) return path.resolve(explicit);
		throw new DrError(`--nats-server ${explicit} is not an executable file`, {hint: installHint});
	}

	const cached = await newestCached(serverCacheDir(env));
	if (cached) return cached;

	for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
		if (dir === '') continue;
		const candidate = path.join(dir, 'nats-server');
		if (await isExecutableFile(candidate)) return candidate;
	}

	throw new DrError(
		`nats-server was not found on PATH nor in ${serverCacheDir(env)}: the demo runs a local cluster of it`,
		{hint: installHint},
	);
}
