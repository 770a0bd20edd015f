/**
 * The training sandbox from start to finish: find nats-server, start a 4-node cluster (region-loss:
 * three one-server clusters joined by gateways), seed it, break it as the scenario says, hand it to
 * the caller while it is broken, and stop it afterwards (unless kept). Nothing is printed here:
 * progress goes to a callback, the result to `onReady`.
 */
import path from 'node:path';
import {connect, type NatsConnection} from 'nats';
import {backupStream} from '../core/backup/backup-stream.js';
import {defaultTimeoutMs} from '../core/connection/settings.js';
import {DrError, throwIfAborted} from '../core/errors.js';
import {jsApiPrefix} from '../core/jsapi.js';
import {writeContexts, type DemoContexts} from './contexts.js';
import {findNatsServer} from './find-server.js';
import {Sandbox, type NodeState} from './sandbox.js';
import {chooseVictims, type ScenarioName, type Victims} from './scenarios.js';
import {demoStreams, seedPinned, seedReplicated, type SeededStream} from './seed.js';
import {clusterOfNode, regionNodes, regions, seedRegions} from './seed-regions.js';
import {nodeTag, regionTag} from './server-config.js';
import {story, type Story} from './story.js';

export type DemoServer = {
	name: string;
	url: string;
	port: number;
	clusterPort: number;
	httpPort: number;
	tags: string[];
	/** The process the demo started for it; killed ones are gone. */
	pid: number;
	state: NodeState;
	configFile: string;
	logFile: string;
	storeDir: string;
};

export type DemoInfo = {
	scenario: ScenarioName;
	/** The temp directory holding everything: configs, stores, logs, contexts, backups. */
	dir: string;
	/** natscli context files: `nats-dr --context <app> --sys-context <sys>`, `nats --context <file>`. */
	contexts: DemoContexts;
	/** Where demo actions are audited, so the operator's own audit log stays free of rehearsals. */
	auditLog: string;
	servers: DemoServer[];
	metaLeader: string;
	killed: string[];
	/** The server a replacement replica moves to. */
	spare: string;
	streams: SeededStream[];
	/** The backup taken before breaking the cluster (r1-loss, region-loss), in the natscli layout. */
	backupDir: string | undefined;
	story: Story;
};

/** What the caller may do to the demo while it holds it: the training moves that are not NATS calls. */
type DemoControls = {
	/** Starts one of the demo's stopped servers again. */
	restart(name: string): Promise<void>;
};

export type DemoOptions = {
	scenario: ScenarioName;
	/** The nats-server binary; default: the first on PATH. */
	natsServer: string | undefined;
	/** Leave the servers running after `onReady` returns. */
	keep: boolean;
	env: NodeJS.ProcessEnv;
	signal: AbortSignal;
	onProgress?: (step: string) => void;
};

const nodeNames = ['n1', 'n2', 'n3', 'n4'];
const seedCounts = {replicated: 2000, pinned: 500, safe: 200};

/**
 * Runs the demo. `onReady` gets the broken cluster and holds it for as long as it runs (the
 * wizard, or waiting for Ctrl-C); afterwards the servers are stopped and the temp directory
 * removed, also when setup fails or is aborted. With `keep`, a demo that got ready stays running.
 * Returns the final state, for printing how to stop kept servers.
 */
export async function runDemo(
	options: DemoOptions,
	onReady: (info: DemoInfo, controls: DemoControls) => Promise<void>,
): Promise<DemoInfo> {
	const {signal, onProgress = () => {}} = options;
	const binary = await findNatsServer(options.natsServer, options.env);
	const supercluster = options.scenario === 'region-loss';
	const names = supercluster ? regionNodes : nodeNames;
	onProgress(
		`Starting ${names.length} nats-server processes (${binary})${supercluster ? `: clusters ${names.map(clusterOfNode).join(', ')}, one server each, joined by gateways` : ''}`,
	);
	const sandbox = await Sandbox.start({binary, nodeNames: names, ...(supercluster && {clusterOf: clusterOfNode})});
	let kept = false;
	try {
		onProgress(`Temp directory: ${sandbox.dir}`);
		await sandbox.waitReady(signal);
		const info = await setUp(sandbox, options, onProgress);
		onProgress('Ready');
		await onReady(info, {restart: async name => sandbox.restart(name)});
		if (options.keep) {
			sandbox.release();
			kept = true;
		}

		return {...info, servers: servers(sandbox)};
	} finally {
		if (!kept) await sandbox.stop();
	}
}

async function setUp(sandbox: Sandbox, options: DemoOptions, onProgress: (step: string) => void): Promise<DemoInfo> {
	const {scenario, signal} = options;
	const contexts = await writeContexts(
		sandbox.dir,
		sandbox.nodes.map(node => url(node.port)),
		sandbox.accounts,
	);
	const nc = await connect({
		servers: sandbox.nodes.map(node => url(node.port)),
		user: sandbox.accounts.app.user,
		pass: sandbox.accounts.app.password,
	});
	let seeded: Seeded;
	try {
		seeded =
			scenario === 'region-loss'
				? await seedRegionLoss(sandbox, nc, options, onProgress)
				: await seed(sandbox, nc, options, onProgress);
	} catch (error) {
		if (error instanceof DrError) throw error;
		// nats.js errors are bare codes (TIMEOUT, 503): say which part of the setup they stopped.
		throw new DrError(`seeding the demo's streams failed: ${(error as Error).message}`, {
			cause: error,
			hint: "the demo's cluster answers slowly on a busy machine: run the demo again",
		});
	} finally {
		await closeQuietly(nc);
	}

	const {victims, streams, backupDir} = seeded;
	let {metaLeader} = seeded;
	const [victim] = victims.killed as [string];
	throwIfAborted(signal);
	for (const name of victims.killed) {
		onProgress(`Killing ${name} (SIGKILL)`);
		await sandbox.kill(name);
	}

	if (scenario === 'region-loss') {
		// The meta leader may have been in the lost cluster: the wizard starts once the survivors elected one.
		onProgress('Waiting for the surviving clusters to agree on a meta leader');
		metaLeader = await sandbox.waitReady(signal, {notAmong: victims.killed});
	}

	if (scenario === 'r1-loss') {
		onProgress(`Wiping ${victim}'s data directory ${sandbox.node(victim).storeDir}`);
		await sandbox.wipe(victim);
	}

	const facts = {
		scenario,
		killed: victims.killed,
		spare: victims.spare,
		metaLeader,
		contexts,
		auditLog: path.join(sandbox.dir, 'audit.log'),
		files: Object.fromEntries(sandbox.nodes.map(node => [node.name, node])),
		backupDir,
	};
	return {...facts, dir: sandbox.dir, servers: servers(sandbox), streams, story: story(facts)};
}

type Seeded = {victims: Victims; metaLeader: string; streams: SeededStream[]; backupDir: string | undefined};

/** The whole of east dies; west is where the survivors are brought back. */
async function seedRegionLoss(
	sandbox: Sandbox,
	nc: NatsConnection,
	{signal}: DemoOptions,
	onProgress: (step: string) => void,
): Promise<Seeded> {
	const {streams, backupDir} = await seedRegions(nc, {dir: sandbox.dir, signal, onProgress});
	const metaLeader = await sandbox.waitReady(signal);
	const killed = sandbox.nodes.filter(node => node.cluster === regions.lost).map(node => node.name);
	return {victims: {killed, spare: `${regions.surviving}-1`}, metaLeader, streams, backupDir};
}

/** Seeds ORDERS first: where its replicas land decides the victims, and with them where INVOICES goes. */
async function seed(
	sandbox: Sandbox,
	nc: NatsConnection,
	{scenario, signal}: DemoOptions,
	onProgress: (step: string) => void,
): Promise<Seeded> {
	onProgress(`Seeding ${demoStreams.replicated} (R3, ${seedCounts.replicated} messages, 2 durable consumers)`);
	const replicated = await seedReplicated(nc, {messages: seedCounts.replicated, signal});
	// Read now, not at startup: the victims must not include the meta leader as it is at the break.
	const metaLeader = await sandbox.waitReady(signal);
	const victims = chooseVictims(scenario, {
		servers: sandbox.nodes.map(node => node.name),
		metaLeader,
		replicatedPeers: replicated.peers,
		replicatedLeader: replicated.peers[0],
	});
	const [victim] = victims.killed as [string];
	onProgress(
		`Seeding ${demoStreams.pinned} (R1 on ${victim}, ${seedCounts.pinned} messages) and ${demoStreams.safe} (R1 on ${victims.spare}, ${seedCounts.safe} messages)`,
	);
	const streams = [
		replicated,
		await seedPinned(nc, {name: demoStreams.pinned, server: victim, messages: seedCounts.pinned, signal}),
		await seedPinned(nc, {name: demoStreams.safe, server: victims.spare, messages: seedCounts.safe, signal}),
	];
	if (scenario !== 'r1-loss') return {victims, metaLeader, streams, backupDir: undefined};

	const backupDir = path.join(sandbox.dir, 'backups', demoStreams.pinned);
	onProgress(`Backing up ${demoStreams.pinned} into ${backupDir}, before its server is lost`);
	await backupStream({nc, prefix: jsApiPrefix(undefined), timeoutMs: defaultTimeoutMs}, demoStreams.pinned, backupDir, {
		signal,
	});
	return {victims, metaLeader, streams, backupDir};
}

function url(port: number): string {
	return `nats://127.0.0.1:${port}`;
}

function servers(sandbox: Sandbox): DemoServer[] {
	return sandbox.nodes.map(node => ({
		name: node.name,
		url: url(node.port),
		port: node.port,
		clusterPort: node.clusterPort,
		httpPort: node.httpPort,
		tags: [nodeTag(node.name), ...(node.cluster === undefined ? [] : [regionTag(node.cluster)])],
		pid: sandbox.pids.get(node.name)!,
		state: sandbox.states.get(node.name)!,
		configFile: node.configFile,
		logFile: node.logFile,
		storeDir: node.storeDir,
	}));
}

async function closeQuietly(nc: NatsConnection): Promise<void> {
	try {
		await nc.close();
	} catch {}
}
