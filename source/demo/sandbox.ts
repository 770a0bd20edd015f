/**
 * The demo's local cluster: nats-server processes on free 127.0.0.1 ports, each with its config,
 * log and store in one temp directory. The sandbox signals only the processes it spawned, and
 * removes only the directory it created.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {closeSync, openSync} from 'node:fs';
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {DrError, throwIfAborted} from '../core/errors.js';
import {freePorts} from './free-ports.js';
import {safetyNet} from './safety-net.js';
import {delay} from './wait.js';
import {serverConfig, type DemoAccounts, type DemoNode} from './server-config.js';

export type NodeState = 'running' | 'killed' | 'wiped';

export type SandboxOptions = {
	binary: string;
	nodeNames: string[];
	/** Each node's cluster, for a supercluster joined by gateways; absent: one cluster of all nodes. */
	clusterOf?: (name: string) => string;
};

function password(): string {
	return randomBytes(12).toString('hex');
}

export class Sandbox {
	readonly dir: string;
	readonly nodes: DemoNode[];
	readonly accounts: DemoAccounts;
	readonly binary: string;
	/** Every process this sandbox spawned, by node name, including the ones killed since. */
	readonly pids = new Map<string, number>();
	readonly states = new Map<string, NodeState>();
	private readonly children = new Map<string, ChildProcess>();

	private constructor(dir: string, nodes: DemoNode[], binary: string) {
		this.dir = dir;
		this.nodes = nodes;
		this.binary = binary;
		this.accounts = {app: {user: 'app', password: password()}, sys: {user: 'sys', password: password()}};
	}

	/** Writes the configs and starts every server; on any failure, what was started is stopped again. */
	static async start({binary, nodeNames, clusterOf}: SandboxOptions): Promise<Sandbox> {
		const dir = await mkdtemp(path.join(tmpdir(), 'nats-dr-demo-'));
		safetyNet.addDir(dir);
		let sandbox: Sandbox | undefined;
		try {
			const perNode = clusterOf ? 4 : 3;
			const ports = await freePorts(nodeNames.length * perNode);
			const nodes = nodeNames.map((name, i): DemoNode => {
				const nodeDir = path.join(dir, name);
				const [port, clusterPort, httpPort, gatewayPort] = ports.slice(i * perNode, (i + 1) * perNode);
				return {
					name,
					port: port!,
					clusterPort: clusterPort!,
					httpPort: httpPort!,
					storeDir: path.join(nodeDir, 'store'),
					configFile: path.join(nodeDir, 'server.conf'),
					logFile: path.join(nodeDir, 'server.log'),
					...(clusterOf && {cluster: clusterOf(name), gatewayPort}),
				};
			});
			sandbox = new Sandbox(dir, nodes, binary);
			for (const node of nodes) {
				await mkdir(node.storeDir, {recursive: true});
				await writeFile(node.configFile, serverConfig(node, nodes, sandbox.accounts), {mode: 0o600});
			}

			for (const node of nodes) await sandbox.launch(node);
			return sandbox;
		} catch (error) {
			if (sandbox) await sandbox.stop();
			else await removeDir(dir);
			throw error;
		}
	}

	node(name: string): DemoNode {
		const node = this.nodes.find(candidate => candidate.name === name);
		if (!node) throw new Error(`the demo has no server ${name}`);
		return node;
	}

	running(): DemoNode[] {
		return this.nodes.filter(node => this.states.get(node.name) === 'running');
	}

	/**
	 * Waits until every running server has JetStream up and all agree on a meta leader; returns it.
	 * A server that exits meanwhile fails the wait with its log file named. After a kill, the
	 * survivors keep naming the dead leader until they elect another: `notAmong` waits for that.
	 */
	async waitReady(signal: AbortSignal, {timeoutMs = 30_000, notAmong = [] as string[]} = {}): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		let last = 'no answer yet';
		while (Date.now() < deadline) {
			const dead = this.running().find(node => hasExited(this.children.get(node.name)));
			if (dead) throw new DrError(`nats-server ${dead.name} exited during startup; see ${dead.logFile}`);
			try {
				const leaders = await Promise.all(this.running().map(async node => this.metaLeaderSeenBy(node, signal)));
				const [leader] = leaders;
				if (leader && !notAmong.includes(leader) && leaders.every(seen => seen === leader)) return leader;
				last = `meta leaders seen: ${leaders.map(seen => seen || 'none').join(', ')}`;
			} catch (error) {
				throwIfAborted(signal);
				last = (error as Error).message;
			}

			await delay(200, signal);
		}

		throw new DrError(`the demo cluster was not ready after ${timeoutMs / 1000}s (${last})`, {
			hint: `see the server logs in ${this.dir}`,
		});
	}

	/** The meta leader as one server's monitoring endpoint reports it ('' while there is none). */
	async metaLeaderSeenBy(node: DemoNode, signal: AbortSignal): Promise<string> {
		const request = {signal: AbortSignal.any([signal, AbortSignal.timeout(2000)])};
		const health = await fetch(`http://127.0.0.1:${node.httpPort}/healthz?js-enabled-only=true`, request);
		await health.arrayBuffer();
		if (!health.ok) throw new Error(`${node.name} is not healthy yet (${health.status})`);
		const jsz = (await (await fetch(`http://127.0.0.1:${node.httpPort}/jsz`, request)).json()) as {
			meta_cluster?: {leader?: string};
		};
		return jsz.meta_cluster?.leader ?? '';
	}

	/** SIGKILL, as a host that dies gives no warning either. */
	async kill(name: string): Promise<void> {
		const child = this.children.get(name);
		if (child && !hasExited(child)) {
			const exited = new Promise(resolve => child.once('exit', resolve));
			child.kill('SIGKILL');
			await exited;
		}

		this.states.set(name, 'killed');
	}

	/** Starts a stopped server again with its config and whatever store it has left, as bringing a host back does. */
	async restart(name: string): Promise<void> {
		if (this.states.get(name) === 'running') return;
		await this.launch(this.node(name));
	}

	/** Removes a stopped server's JetStream store, as a lost disk would. */
	async wipe(name: string): Promise<void> {
		if (this.states.get(name) === 'running')
			throw new Error(`${name} is still running; kill it before wiping its store`);
		await rm(this.node(name).storeDir, {recursive: true, force: true});
		this.states.set(name, 'wiped');
	}

	/** Stops every process this sandbox started and removes its directory. */
	async stop(): Promise<void> {
		await Promise.all([...this.children.keys()].map(async name => this.kill(name)));
		await removeDir(this.dir);
	}

	/** Leaves the servers running after Node exits (`--keep`); stopping them is the operator's now. */
	release(): void {
		for (const child of this.children.values()) {
			child.unref();
			if (child.pid !== undefined) safetyNet.removePid(child.pid);
		}

		safetyNet.removeDir(this.dir);
	}

	private async launch(node: DemoNode): Promise<void> {
		const log = openSync(node.logFile, 'a', 0o600);
		let child: ChildProcess;
		try {
			// Its own process group: a Ctrl-C at the terminal reaches nats-dr, which stops the servers
			// itself, or leaves them running with --keep.
			child = spawn(this.binary, ['-c', node.configFile], {stdio: ['ignore', log, log], detached: true});
			await new Promise<void>((resolve, reject) => {
				child.once('spawn', resolve);
				child.once('error', reject);
			});
		} catch (error) {
			throw new DrError(`cannot start ${this.binary}: ${(error as Error).message}`);
		} finally {
			closeSync(log);
		}

		const pid = child.pid!;
		this.children.set(node.name, child);
		this.pids.set(node.name, pid);
		this.states.set(node.name, 'running');
		safetyNet.addPid(pid);
		child.once('exit', () => safetyNet.removePid(pid));
	}
}

function hasExited(child: ChildProcess | undefined): boolean {
	return !child || child.exitCode !== null || child.signalCode !== null;
}

async function removeDir(dir: string): Promise<void> {
	await rm(dir, {recursive: true, force: true});
	safetyNet.removeDir(dir);
}
