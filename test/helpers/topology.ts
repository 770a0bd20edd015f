/**
 * Real multi-region topologies for integration tests, beside the single-cluster harness in nats-server.ts:
 * a supercluster (clusters joined by gateways, one JetStream meta group across all of them) and two
 * JetStream domains joined by a leafnode (two meta groups, mirrors across through the domain's API prefix).
 *
 * 127.0.0.1 and free ports only; only PIDs started here are ever signalled, and the temp directory is
 * removed at the end, also when a test fails (`stopAll()`, plus an 'exit' hook as the last resort).
 * The server binary is NATS_SERVER_BIN when set, else `nats-server` from the PATH.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {closeSync, openSync, readFileSync} from 'node:fs';
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {freePorts} from '../../source/demo/free-ports.js';
import {newestCachedServer} from '../../source/demo/find-server.js';
import {appUser, connectionFlags, delay, liveDirs, livePids, natsServerBin, sysUser} from './nats-server.js';

export type RegionSpec = {name: string; nodes: number};

export type TopologyNode = {
	name: string;
	/** The cluster (supercluster) or the domain (leafnode pair) this server belongs to. */
	region: string;
	port: number;
	httpPort: number;
	url: string;
	configFile: string;
	logFile: string;
	process: ChildProcess | undefined;
	bin: string;
};

/** The topology tests run on the server on the PATH (or NATS_SERVER_BIN) and on the newest one scripts/servers.sh built. */
export async function serverVariants(): Promise<Array<{label: string; bin: string}>> {
	const newest = await newestCachedServer(process.env);
	return [
		{label: 'the server on the PATH', bin: natsServerBin},
		...(newest ? [{label: 'the newest server', bin: newest}] : []),
	];
}

const accounts = `accounts {
  APP: {jetstream: enabled, users: [{user: ${appUser.user}, password: ${appUser.password}}]}
  SYS: {users: [{user: ${sysUser.user}, password: ${sysUser.password}}]}
}
system_account: SYS`;

function jetstreamBlock(storeDir: string, extra = ''): string {
	return `jetstream {
  store_dir: ${JSON.stringify(storeDir)}
  max_memory_store: 64MB
  max_file_store: 1GB
  ${extra}
}`;
}

/** The command-line connection flags for a region's servers, with the app and system users. */
export function topologyCli(topology: Topology, region: string): string[] {
	return connectionFlags(topology.urlsOf(region));
}

export class Topology {
	readonly nodes: TopologyNode[];
	readonly dir: string;
	/** Whether the servers form one meta group (supercluster) rather than one per domain. */
	readonly kind: 'supercluster' | 'domains';

	private constructor(dir: string, nodes: TopologyNode[], kind: Topology['kind']) {
		this.dir = dir;
		this.nodes = nodes;
		this.kind = kind;
	}

	/**
	 * Clusters joined by gateways; servers are named `<cluster>-<n>` and tagged `region:<cluster>`.
	 * Tested with one server per cluster (3 × 1, 2 × 1). Two clusters of two, started together, each
	 * bootstrap a meta group of their own before the gateways connect, and on 2.9.10 the two meta
	 * leaders then flap for good (waitReady times out, naming both leaders).
	 */
	static async supercluster(regions: RegionSpec[], {bin = natsServerBin}: {bin?: string} = {}): Promise<Topology> {
		const dir = await makeDir();
		const ports = await freePorts(regions.reduce((sum, region) => sum + region.nodes, 0) * 4);
		const nodes: Array<TopologyNode & {clusterPort: number; gatewayPort: number}> = [];
		for (const region of regions) {
			for (let index = 1; index <= region.nodes; index++) {
				const [port, httpPort, clusterPort, gatewayPort] = ports.splice(0, 4) as [number, number, number, number];
				const name = `${region.name}-${index}`;
				nodes.push({
					...nodeFiles(dir, name),
					name,
					region: region.name,
					port,
					httpPort,
					clusterPort,
					gatewayPort,
					url: `nats://127.0.0.1:${port}`,
					process: undefined,
					bin,
				});
			}
		}

		const topology = new Topology(dir, nodes, 'supercluster');
		const region = (node: TopologyNode) => nodes.filter(other => other.region === node.region);
		for (const node of nodes) {
			// JetStream refuses a cluster block without routes; a lone server's route to itself satisfies
			// the check, and the server drops the self-connection.
			const peers = nodes.filter(
				other => other.region === node.region && (other !== node || region(node).length === 1),
			);
			const gateways = regions
				.filter(region => region.name !== node.region)
				.map(region => ({
					name: region.name,
					urls: nodes
						.filter(other => other.region === region.name)
						.map(other => `nats://127.0.0.1:${other.gatewayPort}`),
				}));
			await topology.write(
				node,
				`server_name: ${node.name}
listen: 127.0.0.1:${node.port}
http: 127.0.0.1:${node.httpPort}
server_tags: ["region:${node.region}"]
${jetstreamBlock(storeOf(dir, node.name))}
cluster {
  name: ${node.region}
  listen: 127.0.0.1:${node.clusterPort}
  routes: ${JSON.stringify(peers.map(peer => `nats-route://127.0.0.1:${peer.clusterPort}`))}
}
gateway {
  name: ${node.region}
  listen: 127.0.0.1:${node.gatewayPort}
  gateways: ${JSON.stringify(gateways)}
}
${accounts}
`,
			);
		}

		return topology.boot();
	}

	/**
	 * Two standalone servers, each its own JetStream domain, the second a leafnode of the first in the
	 * APP account: a stream in one domain can be mirrored into the other through `$JS.<domain>.API`.
	 */
	static async domains({
		hub = 'hub',
		leaf = 'leaf',
		bin = natsServerBin,
	}: {hub?: string; leaf?: string; bin?: string} = {}): Promise<Topology> {
		const dir = await makeDir();
		const [hubPort, hubHttp, leafListen, leafPort, leafHttp] = (await freePorts(5)) as [
			number,
			number,
			number,
			number,
			number,
		];
		const hubNode: TopologyNode = {
			...nodeFiles(dir, hub),
			name: hub,
			region: hub,
			port: hubPort,
			httpPort: hubHttp,
			url: `nats://127.0.0.1:${hubPort}`,
			process: undefined,
			bin,
		};
		const leafNode: TopologyNode = {
			...nodeFiles(dir, leaf),
			name: leaf,
			region: leaf,
			port: leafPort,
			httpPort: leafHttp,
			url: `nats://127.0.0.1:${leafPort}`,
			process: undefined,
			bin,
		};
		const topology = new Topology(dir, [hubNode, leafNode], 'domains');
		await topology.write(
			hubNode,
			`server_name: ${hub}
listen: 127.0.0.1:${hubPort}
http: 127.0.0.1:${hubHttp}
${jetstreamBlock(storeOf(dir, hub), `domain: ${hub}`)}
leafnodes {listen: 127.0.0.1:${leafListen}}
${accounts}
`,
		);
		await topology.write(
			leafNode,
			`server_name: ${leaf}
listen: 127.0.0.1:${leafPort}
http: 127.0.0.1:${leafHttp}
${jetstreamBlock(storeOf(dir, leaf), `domain: ${leaf}`)}
leafnodes {
  remotes: [{url: "nats://${appUser.user}:${appUser.password}@127.0.0.1:${leafListen}", account: APP}]
}
${accounts}
`,
		);
		return topology.boot();
	}

	/** The servers of one region (cluster or domain). */
	region(name: string): TopologyNode[] {
		return this.nodes.filter(node => node.region === name);
	}

	urlsOf(region: string): string {
		return this.region(region)
			.map(node => node.url)
			.join(',');
	}

	running(): TopologyNode[] {
		return this.nodes.filter(node => node.process !== undefined);
	}

	/** Kills every server of a region at once, as a lost data centre would. */
	async killRegion(name: string): Promise<void> {
		await Promise.all(this.region(name).map(async node => signal(node, 'SIGKILL')));
	}

	async restartRegion(name: string): Promise<void> {
		await Promise.all(this.region(name).map(async node => launch(node)));
	}

	/**
	 * Waits until every running server answers healthz and, in a supercluster, all of them name the same
	 * meta leader, which sees every other running server as a current peer (until it does, on 2.9.10, a
	 * placement in that server's cluster fails with "no suitable peers for placement, peer offline");
	 * with domains (standalone servers, no meta group), the leafnode is connected.
	 */
	async waitReady(timeoutMs = 60_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		let last = '';
		while (Date.now() < deadline) {
			try {
				if (this.kind === 'domains') {
					const leafs = await Promise.all(this.running().map(async node => leafConnections(node)));
					if (leafs.every(count => count > 0 || this.running().length === 1)) return;
					last = `leafnode connections: ${JSON.stringify(leafs)}`;
				} else {
					const leaders = await Promise.all(this.running().map(async node => metaLeaderSeenBy(node)));
					const leader = this.running().find(node => node.name === leaders[0]);
					const behind = leader ? await peersNotCurrent(leader, this.running()) : ['no leader'];
					if (leaders.every(seen => seen && seen === leaders[0]) && behind.length === 0) return;
					last = `leaders seen: ${JSON.stringify(leaders)}; peers the leader does not see current: ${JSON.stringify(behind)}`;
				}
			} catch (error) {
				last = String(error);
			}

			await delay(250);
		}

		throw new Error(`topology not ready after ${timeoutMs} ms (${last}); logs in ${this.dir}`);
	}

	async stopAll(): Promise<void> {
		await Promise.all(this.nodes.map(async node => signal(node, 'SIGKILL')));
		await rm(this.dir, {recursive: true, force: true});
		liveDirs.delete(this.dir);
	}

	async [Symbol.asyncDispose](): Promise<void> {
		await this.stopAll();
	}

	private async write(node: TopologyNode, config: string): Promise<void> {
		await mkdir(storeOf(this.dir, node.name), {recursive: true});
		await writeFile(node.configFile, config);
	}

	private async boot(): Promise<Topology> {
		try {
			await Promise.all(this.nodes.map(async node => launch(node)));
			await this.waitReady();
		} catch (error) {
			await this.stopAll();
			throw error;
		}

		return this;
	}
}

async function makeDir(): Promise<string> {
	const dir = await mkdtemp(path.join(tmpdir(), 'nats-dr-topology-'));
	liveDirs.add(dir);
	return dir;
}

function nodeFiles(dir: string, name: string): {configFile: string; logFile: string} {
	return {configFile: path.join(dir, name, 'server.conf'), logFile: path.join(dir, name, 'server.log')};
}

function storeOf(dir: string, name: string): string {
	return path.join(dir, name, 'store');
}

async function metaLeaderSeenBy(node: TopologyNode): Promise<string> {
	const health = await fetch(`http://127.0.0.1:${node.httpPort}/healthz?js-enabled-only=true`);
	if (!health.ok) throw new Error(`${node.name} healthz ${health.status}`);
	const jsz = (await (await fetch(`http://127.0.0.1:${node.httpPort}/jsz`)).json()) as {
		meta_cluster?: {leader?: string};
	};
	return jsz.meta_cluster?.leader ?? '';
}

/** The running servers the meta leader does not (yet) list as a current, online peer. */
async function peersNotCurrent(leader: TopologyNode, running: TopologyNode[]): Promise<string[]> {
	const jsz = (await (await fetch(`http://127.0.0.1:${leader.httpPort}/jsz`)).json()) as {
		meta_cluster?: {replicas?: Array<{name: string; current?: boolean; offline?: boolean}>};
	};
	const replicas = jsz.meta_cluster?.replicas ?? [];
	return running
		.filter(node => node !== leader)
		.filter(node => !replicas.some(replica => replica.name === node.name && replica.current && !replica.offline))
		.map(node => node.name);
}

async function leafConnections(node: TopologyNode): Promise<number> {
	const health = await fetch(`http://127.0.0.1:${node.httpPort}/healthz?js-enabled-only=true`);
	if (!health.ok) throw new Error(`${node.name} healthz ${health.status}`);
	const leafz = (await (await fetch(`http://127.0.0.1:${node.httpPort}/leafz`)).json()) as {leafnodes?: number};
	return leafz.leafnodes ?? 0;
}

async function launch(node: TopologyNode): Promise<void> {
	const log = openSync(node.logFile, 'a');
	const child = spawn(node.bin, ['-c', node.configFile], {stdio: ['ignore', log, log]});
	closeSync(log);
	await new Promise<void>((resolve, reject) => {
		child.once('spawn', resolve);
		child.once('error', reject);
	});
	node.process = child;
	livePids.add(child.pid!);
	child.once('exit', () => {
		livePids.delete(child.pid!);
		if (node.process === child) node.process = undefined;
	});
	const deadline = Date.now() + 15_000;
	while (Date.now() < deadline) {
		if (!node.process) throw new Error(`nats-server ${node.name} exited at start:\n${tail(node.logFile)}`);
		try {
			const response = await fetch(`http://127.0.0.1:${node.httpPort}/healthz?js-enabled-only=true`);
			if (response.status < 500) return;
		} catch {}

		await delay(50);
	}

	throw new Error(`nats-server ${node.name} did not start listening; see ${node.logFile}`);
}

function tail(file: string): string {
	try {
		return readFileSync(file, 'utf8').split('\n').slice(-6).join('\n');
	} catch {
		return '(no log)';
	}
}

async function signal(node: TopologyNode, name: NodeJS.Signals): Promise<void> {
	const child = node.process;
	if (!child || child.exitCode !== null) return;
	const exited = new Promise(resolve => child.once('exit', resolve));
	child.kill(name);
	await exited;
}
