/**
 * Real nats-server processes for integration tests: one server or an N-node cluster on 127.0.0.1
 * with free ports, temp store dirs, an application account with JetStream and a system account.
 *
 * Only PIDs started here are ever signalled, and everything is removed at the end, also when a
 * test fails: `using`-style disposal through `stopAll()` plus a process 'exit' hook as a last resort.
 */
import {execFileSync, spawn, type ChildProcess} from 'node:child_process';
import {mkdtemp, mkdir, rm, writeFile} from 'node:fs/promises';
import {rmSync} from 'node:fs';
import {freePorts} from '../../source/demo/free-ports.js';
import {tmpdir} from 'node:os';
import path from 'node:path';

/**
 * The server binary every test runs: NATS_SERVER_BIN (e.g. a release scripts/servers.sh built), else
 * `nats-server` on the PATH, what a user has.
 */
export const natsServerBin = process.env['NATS_SERVER_BIN'] || 'nats-server';

/** `--nats-server` for a `nats-dr demo` under test, so the demo runs the same binary as the other tests. */
export function demoServerFlag(): string[] {
	return process.env['NATS_SERVER_BIN'] ? ['--nats-server', natsServerBin] : [];
}

let cachedVersion: [number, number, number] | undefined;

/** The version of `natsServerBin` ("nats-server: v2.10.27" → [2, 10, 27]), for behaviour that differs by release. */
export function natsServerVersion(): [number, number, number] {
	if (cachedVersion) return cachedVersion;
	const output = execFileSync(natsServerBin, ['--version'], {encoding: 'utf8'});
	const match = /v?(\d+)\.(\d+)\.(\d+)/.exec(output);
	if (!match) throw new Error(`${natsServerBin} --version printed no version: ${output}`);
	cachedVersion = [Number(match[1]), Number(match[2]), Number(match[3])];
	return cachedVersion;
}

/** True when the server under test is at least major.minor.patch. */
export function serverAtLeast(major: number, minor: number, patch = 0): boolean {
	const [a, b, c] = natsServerVersion();
	return a !== major ? a > major : b !== minor ? b > minor : c >= patch;
}

export const appUser = {user: 'app', password: 'app-secret-pw'};
export const sysUser = {user: 'sys', password: 'sys-secret-pw'};

/** The command-line flags that connect to `urls` as the app user, with the system user beside it. */
export function connectionFlags(urls: string): string[] {
	return [
		'--server',
		urls,
		'--user',
		appUser.user,
		'--password',
		appUser.password,
		'--sys-user',
		sysUser.user,
		'--sys-password',
		sysUser.password,
	];
}

export type ExtraAuth = {
	/** Extra users in the APP account, as nats-server config text lines. */
	appUsers?: string[];
	/** Extra top-level config text (e.g. a tls block). */
	topLevel?: string;
};

export type NodeSpec = {name: string; tags?: string[]};

export type ClusterOptions = {
	nodes?: number | NodeSpec[];
	/** Defaults to one server without a cluster block. */
	clustered?: boolean;
	clusterName?: string;
	auth?: ExtraAuth;
	/** Extra text for the jetstream block. */
	jetstream?: string;
	/**
	 * Replaces the generated `accounts {APP, SYS}` block and `system_account` line (and with them the
	 * APP/SYS users): e.g. operator/JWT mode config, or '' for a server without accounts (a bare
	 * top-level `authorization` block in `auth.topLevel`).
	 */
	accountsConfig?: string;
};

export type ServerNode = {
	name: string;
	port: number;
	clusterPort: number;
	httpPort: number;
	storeDir: string;
	configFile: string;
	url: string;
	process: ChildProcess | undefined;
	logFile: string;
};

/** What any harness started, stopped and removed when the test process exits, whatever happened. */
export const livePids = new Set<number>();
export const liveDirs = new Set<string>();

process.on('exit', () => {
	for (const pid of livePids) {
		try {
			process.kill(pid, 'SIGKILL');
		} catch {}
	}

	for (const dir of liveDirs) {
		rmSync(dir, {recursive: true, force: true});
	}
});

export {freePorts} from '../../source/demo/free-ports.js';

function nodeSpecs(nodes: ClusterOptions['nodes']): NodeSpec[] {
	if (Array.isArray(nodes)) return nodes;
	return Array.from({length: nodes ?? 1}, (_, i) => ({name: `n${i + 1}`}));
}

/** The meta leader agreed on by all still did not count every running node a current member. */
class MemberLeftOut extends Error {}

export class TestCluster {
	readonly nodes: ServerNode[];
	readonly dir: string;
	readonly clustered: boolean;

	private constructor(dir: string, nodes: ServerNode[], clustered: boolean) {
		this.dir = dir;
		this.nodes = nodes;
		this.clustered = clustered;
	}

	/**
	 * A new cluster whose meta leader still leaves a member out after the wait is started afresh, once:
	 * nats-server 2.10.27 formed such a group in CI (leader n3 never counted n2, 30 s), the same start
	 * that earlier had a tagged placement refused for 60 s; a group formed again has not repeated it.
	 */
	static async start(options: ClusterOptions = {}): Promise<TestCluster> {
		try {
			return await TestCluster.startOnce(options);
		} catch (error) {
			if (!(error instanceof MemberLeftOut)) throw error;
			process.stderr.write(`# ${error.message}: starting a new cluster\n`);
			return TestCluster.startOnce(options);
		}
	}

	private static async startOnce(options: ClusterOptions): Promise<TestCluster> {
		const specs = nodeSpecs(options.nodes);
		const clustered = options.clustered ?? specs.length > 1;
		const dir = await mkdtemp(path.join(tmpdir(), 'nats-dr-test-'));
		liveDirs.add(dir);
		const ports = await freePorts(specs.length * 3);
		const nodes: ServerNode[] = specs.map((spec, i) => ({
			name: spec.name,
			port: ports[i * 3]!,
			clusterPort: ports[i * 3 + 1]!,
			httpPort: ports[i * 3 + 2]!,
			storeDir: path.join(dir, spec.name, 'store'),
			configFile: path.join(dir, spec.name, 'server.conf'),
			url: `nats://127.0.0.1:${ports[i * 3]!}`,
			process: undefined,
			logFile: path.join(dir, spec.name, 'server.log'),
		}));
		const cluster = new TestCluster(dir, nodes, clustered);
		for (const [i, node] of nodes.entries()) {
			await mkdir(node.storeDir, {recursive: true});
			await writeFile(node.configFile, cluster.config(node, specs[i]!, options));
		}

		try {
			await Promise.all(nodes.map(async node => cluster.launch(node)));
			await cluster.waitReady();
		} catch (error) {
			await cluster.stopAll();
			throw error;
		}

		return cluster;
	}

	get urls(): string {
		return this.nodes.map(node => node.url).join(',');
	}

	node(name: string): ServerNode {
		const node = this.nodes.find(n => n.name === name);
		if (!node) throw new Error(`no node ${name}`);
		return node;
	}

	running(): ServerNode[] {
		return this.nodes.filter(node => node.process !== undefined);
	}

	/** Waits until every running node answers healthz and, clustered, agrees on a meta leader. */
	async waitReady(timeoutMs = 30_000): Promise<string | undefined> {
		const deadline = Date.now() + timeoutMs;
		let last = '';
		let leftOut = false;
		while (Date.now() < deadline) {
			try {
				const leaders = await Promise.all(this.running().map(async node => this.metaLeaderSeenBy(node)));
				if (!this.clustered && leaders.length > 0) return undefined;
				const leader = leaders[0];
				if (leader && leaders.every(l => l === leader)) {
					const missing = await this.peersNotCurrent(leader);
					if (missing.length === 0) return leader;
					last = `meta leader ${leader} does not count ${missing.join(', ')} as current peers`;
					leftOut = true;
				} else {
					last = `leaders seen: ${JSON.stringify(leaders)}`;
					leftOut = false;
				}
			} catch (error) {
				last = String(error);
				leftOut = false;
			}

			await delay(200);
		}

		const message = `cluster not ready after ${timeoutMs} ms (${last})`;
		throw leftOut ? new MemberLeftOut(message) : new Error(message);
	}

	/**
	 * The running nodes the meta leader does not list as current members of its group. Agreeing on a
	 * leader is not enough for tagged placement: a peer the leader has not taken into its peer set is
	 * never a candidate, and nats-server 2.10.27 refused a stream tagged for the three other nodes of
	 * four with "tags not matched" for 60 s once (a member whose stats are missing reads "peer offline").
	 */
	private async peersNotCurrent(leader: string): Promise<string[]> {
		const node = this.running().find(candidate => candidate.name === leader);
		if (!node) return [];
		const jsz = (await this.jsz(node)) as {
			meta_cluster?: {replicas?: Array<{name: string; current?: boolean; offline?: boolean}>};
		};
		const replicas = jsz.meta_cluster?.replicas ?? [];
		return this.running()
			.filter(other => other !== node)
			.map(other => other.name)
			.filter(name => !replicas.some(replica => replica.name === name && replica.current && !replica.offline));
	}

	async metaLeaderSeenBy(node: ServerNode): Promise<string> {
		const health = await fetch(`http://127.0.0.1:${node.httpPort}/healthz?js-enabled-only=true`);
		if (!health.ok) throw new Error(`${node.name} healthz ${health.status}`);
		const jsz = (await (await fetch(`http://127.0.0.1:${node.httpPort}/jsz`)).json()) as {
			meta_cluster?: {leader?: string};
		};
		return jsz.meta_cluster?.leader ?? '';
	}

	/** The server's own monitoring view, for assertions independent of nats-dr. */
	async jsz(node: ServerNode, query = ''): Promise<Record<string, unknown>> {
		const response = await fetch(`http://127.0.0.1:${node.httpPort}/jsz${query}`);
		return (await response.json()) as Record<string, unknown>;
	}

	async kill(name: string): Promise<void> {
		await this.signal(this.node(name), 'SIGKILL');
	}

	async stop(name: string): Promise<void> {
		await this.signal(this.node(name), 'SIGTERM');
	}

	async restart(name: string): Promise<void> {
		const node = this.node(name);
		if (node.process) await this.signal(node, 'SIGTERM');
		await this.launch(node);
	}

	/** Stops exactly the processes this cluster started and removes its directory. */
	async stopAll(): Promise<void> {
		await Promise.all(this.nodes.filter(node => node.process).map(async node => this.signal(node, 'SIGKILL')));
		await rm(this.dir, {recursive: true, force: true});
		liveDirs.delete(this.dir);
	}

	async [Symbol.asyncDispose](): Promise<void> {
		await this.stopAll();
	}

	private async launch(node: ServerNode): Promise<void> {
		const {openSync, closeSync} = await import('node:fs');
		const log = openSync(node.logFile, 'a');
		const child = spawn(natsServerBin, ['-c', node.configFile], {stdio: ['ignore', log, log]});
		closeSync(log);
		await new Promise<void>((resolve, reject) => {
			child.once('spawn', resolve);
			child.once('error', error => {
				reject(
					new Error(
						`cannot start ${natsServerBin} (set NATS_SERVER_BIN to a nats-server binary, or put one on the PATH): ${error.message}`,
					),
				);
			});
		});
		node.process = child;
		livePids.add(child.pid!);
		child.once('exit', () => {
			livePids.delete(child.pid!);
			if (node.process === child) node.process = undefined;
		});
		const deadline = Date.now() + 10_000;
		while (Date.now() < deadline) {
			if (!node.process) throw new Error(`nats-server ${node.name} exited at start; see ${node.logFile}`);
			try {
				const response = await fetch(`http://127.0.0.1:${node.httpPort}/healthz?js-enabled-only=true`);
				if (response.status < 500) return;
			} catch {}

			await delay(50);
		}

		throw new Error(`nats-server ${node.name} did not start listening; see ${node.logFile}`);
	}

	private async signal(node: ServerNode, signal: NodeJS.Signals): Promise<void> {
		const child = node.process;
		if (!child || child.exitCode !== null) return;
		const exited = new Promise(resolve => child.once('exit', resolve));
		child.kill(signal);
		await exited;
	}

	private config(node: ServerNode, spec: NodeSpec, options: ClusterOptions): string {
		const routes = this.nodes
			.filter(other => other !== node)
			.map(other => `nats-route://127.0.0.1:${other.clusterPort}`);
		const tags = spec.tags?.length ? `server_tags: ${JSON.stringify(spec.tags)}` : '';
		const cluster = this.clustered
			? `cluster {
  name: ${options.clusterName ?? 'c1'}
  listen: 127.0.0.1:${node.clusterPort}
  routes: ${JSON.stringify(routes)}
}`
			: '';
		return `server_name: ${node.name}
listen: 127.0.0.1:${node.port}
http: 127.0.0.1:${node.httpPort}
${tags}
jetstream {
  store_dir: ${JSON.stringify(node.storeDir)}
  max_memory_store: 64MB
  max_file_store: 2GB
  ${options.jetstream ?? ''}
}
${cluster}
${options.accountsConfig ?? this.defaultAccounts(options)}
${options.auth?.topLevel ?? ''}
`;
	}

	private defaultAccounts(options: ClusterOptions): string {
		return `accounts {
  APP: {
    jetstream: enabled
    users: [
      {user: ${appUser.user}, password: ${appUser.password}}
      ${(options.auth?.appUsers ?? []).join('\n      ')}
    ]
  }
  SYS: {users: [{user: ${sysUser.user}, password: ${sysUser.password}}]}
}
system_account: SYS`;
	}
}

/**
 * Starts clusters side by side. When one fails to start, the ones that did start are stopped before
 * the error is thrown: a before hook that fails leaves no server behind to keep the test process alive.
 */
export async function startClusters<const T extends ReadonlyArray<Promise<TestCluster>>>(
	starts: T,
): Promise<{-readonly [K in keyof T]: TestCluster}> {
	const results = await Promise.allSettled(starts);
	const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
	if (failed) {
		await Promise.all(
			results.map(async result => (result.status === 'fulfilled' ? result.value.stopAll() : undefined)),
		);
		throw failed.reason;
	}

	return results.map(result => (result as PromiseFulfilledResult<TestCluster>).value) as {
		-readonly [K in keyof T]: TestCluster;
	};
}

export async function delay(ms: number): Promise<void> {
	return new Promise(resolve => setTimeout(resolve, ms));
}

/** Polls a condition instead of sleeping a fixed time; fails with the last observed value. */
export async function waitFor<T>(
	probe: () => Promise<T | undefined | false>,
	{timeoutMs = 20_000, intervalMs = 200, what = 'condition'} = {},
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	while (Date.now() < deadline) {
		try {
			const value = await probe();
			if (value !== undefined && value !== false) return value;
		} catch (error) {
			lastError = error;
		}

		await delay(intervalMs);
	}

	throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}
