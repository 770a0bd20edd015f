/**
 * What the cluster held, remembered on disk: after a node dies, the JetStream API may not list
 * the streams only that node held, and without this memory they would vanish from the report.
 * One file per cluster and account under the state directory, replaced by every full listing (so
 * a stream deleted on purpose is forgotten), written atomically, bounded, and holding no secret:
 * names, placement, counts and when they were seen.
 */
import {createHash} from 'node:crypto';
import {mkdir, open, readFile, rename, rm, stat} from 'node:fs/promises';
import {homedir} from 'node:os';
import path from 'node:path';
import type {StreamView} from './streams.js';

export type InventoryStream = {
	name: string;
	replicas: number | undefined;
	storage: 'file' | 'memory' | undefined;
	placement: {cluster: string | undefined; tags: string[]};
	cluster: string | undefined;
	leader: string | undefined;
	/** Every server holding a replica, the leader included. */
	servers: string[];
	messages: number | undefined;
	bytes: number | undefined;
	firstSeq: number | undefined;
	lastSeq: number | undefined;
	/** When these details were last seen live (ISO 8601). */
	seenAt: string;
};

export type Inventory = {
	schema: 'nats-dr/inventory/v1';
	cluster: string;
	account: string;
	recordedAt: string;
	streams: InventoryStream[];
	/** The JetStream servers seen in the cluster, so dead ones can be named when no meta leader lists them. */
	servers: Array<{name: string; cluster: string | undefined}>;
	/** More streams than `maxInventoryStreams` existed; only the first ones by name are kept. */
	truncated: boolean;
};

export type InventoryKey = {cluster: string; account: string};

/** Caps the file at a few MB whatever the account holds. */
export const maxInventoryStreams = 25_000;
const maxFileBytes = 16 * 1024 * 1024;

export function defaultStateDir(env: NodeJS.ProcessEnv): string {
	return path.join(env['XDG_STATE_HOME'] || path.join(homedir(), '.local', 'state'), 'nats-dr');
}

/** Names from servers are untrusted: anything that is not a plain word becomes a hash, never a path. */
function safeSegment(text: string): string {
	return /^[\w.-]{1,64}$/.test(text) && !/^\.+$/.test(text) ? text : `h-${hash(text)}`;
}

function hash(text: string): string {
	return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export function inventoryFile(stateDir: string, key: InventoryKey): string {
	return path.join(stateDir, 'inventory', safeSegment(key.cluster), `${hash(key.account)}.json`);
}

function recordOf(view: StreamView, seenAt: string): InventoryStream {
	return {
		name: view.name,
		replicas: view.replicas,
		storage: view.storage,
		placement: view.placement,
		cluster: view.cluster,
		leader: view.leader,
		servers: view.peers.map(peer => peer.name),
		messages: view.messages,
		bytes: view.bytes,
		firstSeq: view.firstSeq,
		lastSeq: view.lastSeq,
		seenAt,
	};
}

/**
 * Pure. The inventory after a full listing: exactly the listed streams; those described now get
 * fresh details, those that could not be described keep what was known of them before.
 */
export function inventoryFromListing(
	key: InventoryKey,
	streams: StreamView[],
	servers: Inventory['servers'] | undefined,
	previous: Inventory | undefined,
	now: string,
): Inventory {
	const before = new Map(previous?.streams.map(stream => [stream.name, stream]));
	const records = [...streams]
		.sort((a, b) => a.name.localeCompare(b.name))
		.slice(0, maxInventoryStreams)
		.map(view => (isLive(view) || !before.has(view.name) ? recordOf(view, now) : before.get(view.name)!));
	return {
		schema: 'nats-dr/inventory/v1',
		...key,
		recordedAt: now,
		streams: records,
		servers: (servers ?? previous?.servers ?? []).slice(0, 1000),
		truncated: streams.length > maxInventoryStreams,
	};
}

function isLive(view: StreamView): boolean {
	return view.status === 'ok' && (view.source === 'api' || 'survivor' in view.source);
}

/** Pure. A remembered stream as a view the verdicts can judge; its source says it comes from memory. */
export function rememberedView(record: InventoryStream, error: string | undefined, listed: boolean): StreamView {
	return {
		name: record.name,
		status: 'ok',
		error,
		source: {inventory: record.seenAt, listed},
		storage: record.storage,
		replicas: record.replicas,
		placement: record.placement,
		cluster: record.cluster,
		leader: undefined,
		// Nothing live speaks for these replicas: the verdict decides from the servers' liveness.
		peers: record.servers.map(name => ({
			name,
			peerId: undefined,
			leader: false,
			current: false,
			offline: false,
			activeMs: 0,
			lag: 0,
		})),
		messages: record.messages,
		bytes: record.bytes,
		firstSeq: record.firstSeq,
		lastSeq: record.lastSeq,
		consumers: undefined,
		subjects: [],
	};
}

export async function readInventory(file: string): Promise<Inventory | undefined> {
	try {
		if ((await stat(file)).size > maxFileBytes) return undefined;
		const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<Inventory>;
		if (parsed.schema !== 'nats-dr/inventory/v1' || !Array.isArray(parsed.streams)) return undefined;
		return {...parsed, servers: Array.isArray(parsed.servers) ? parsed.servers : []} as Inventory;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError) return undefined;
		throw error;
	}
}

/** Temp file, fsync, rename: a crash leaves the old inventory or the new one, never half of one. */
export async function writeInventory(file: string, inventory: Inventory): Promise<void> {
	await mkdir(path.dirname(file), {recursive: true, mode: 0o700});
	const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
	const handle = await open(temporary, 'w', 0o600);
	try {
		await handle.writeFile(JSON.stringify(inventory));
		await handle.sync();
	} catch (error) {
		await handle.close();
		await rm(temporary, {force: true});
		throw error;
	}

	await handle.close();
	await rename(temporary, file);
}
