/**
 * The inventory in a diagnosis run: a full listing replaces it; a partial one is completed from it
 * with every stream remembered but not seen now, each marked as coming from memory.
 */
import type {Session} from '../connection/session.js';
import {describeConnection} from '../connection/settings.js';
import type {Part} from './diagnose.js';
import type {ServersView} from './servers.js';
import {
	inventoryFile,
	inventoryFromListing,
	readInventory,
	rememberedView,
	writeInventory,
	type Inventory,
	type InventoryKey,
} from './inventory.js';
import type {StreamsView, StreamView} from './streams.js';

export type InventoryUse = {
	/** Where the inventory lives; undefined when nothing is remembered (no state directory). */
	file: string | undefined;
	/** This run's full listing replaced the inventory. */
	recorded: boolean;
	/** When the inventory read at the start had been recorded. */
	previousAt: string | undefined;
	/** Streams this report describes from memory, not from a live answer. */
	remembered: string[];
	/** Why the inventory could not be read or written (the diagnosis goes on without it). */
	problem: string | undefined;
};

/** Servers as the inventory remembers them, for naming dead ones when no meta leader can. */
export type RememberedServers = Array<{name: string; cluster: string | undefined}>;

/**
 * Keyed by the cluster of the server connected to and by the account: its name when the system
 * account can tell it, else the identity of the credentials (never a secret).
 */
export function inventoryKeyOf(session: Session, account: string | undefined): InventoryKey {
	const {settings} = session;
	const who = account ? `account ${account}` : `credentials ${describeConnection(settings).auth}`;
	return {
		cluster: session.nc.info?.cluster || 'standalone',
		account: settings.jsDomain ? `${who} in domain ${settings.jsDomain}` : who,
	};
}

type Apply = {
	session: Session;
	account: string | undefined;
	servers: Part<ServersView>;
	streams: Part<StreamsView>;
	hosting: Map<string, string[]>;
	stateDir: string | undefined;
	/** Whether the JetStream API listed every stream (STREAM.NAMES answered). */
	complete: boolean;
};

export async function applyInventory({
	session,
	account,
	servers,
	streams,
	hosting,
	stateDir,
	complete,
}: Apply): Promise<{
	streams: Part<StreamsView>;
	use: InventoryUse;
	servers: RememberedServers;
}> {
	const use: InventoryUse = {
		file: undefined,
		recorded: false,
		previousAt: undefined,
		remembered: [],
		problem: undefined,
	};
	if (!stateDir) return {streams, use, servers: []};
	const key = inventoryKeyOf(session, account);
	use.file = inventoryFile(stateDir, key);
	const previous = await readInventory(use.file).catch((error: unknown) => {
		use.problem = `cannot read the inventory ${use.file!}: ${(error as Error).message}`;
		return undefined;
	});
	use.previousAt = previous?.recordedAt;
	const remembered = previous?.servers ?? [];
	if (complete && streams.ok) {
		const listed = describeFromMemory(streams.value.streams, previous, use);
		use.problem ??= await record(use.file, key, listed, serversSeen(servers), previous);
		use.recorded = use.problem === undefined;
		return {streams: {ok: true, value: {...streams.value, streams: listed}}, use, servers: remembered};
	}

	return {streams: addRemembered(streams, previous, hosting, use), use, servers: remembered};
}

/** Only a meta leader's peer list is the whole cluster; without it the old list is kept. */
function serversSeen(servers: Part<ServersView>): RememberedServers | undefined {
	if (!servers.ok || !servers.value.metaLeader) return undefined;
	return servers.value.servers
		.filter(server => server.jetstream)
		.map(server => ({name: server.name, cluster: server.cluster}));
}

/** Streams listed but not described now (their only node is dead) get the details last seen. */
function describeFromMemory(streams: StreamView[], previous: Inventory | undefined, use: InventoryUse): StreamView[] {
	if (!previous) return streams;
	const known = new Map(previous.streams.map(record => [record.name, record]));
	return streams.map(stream => {
		const record = stream.status === 'ok' ? undefined : known.get(stream.name);
		// A record of a name only (never described live) says less than the live answer's own error.
		if (!record || record.servers.length === 0) return stream;
		use.remembered.push(stream.name);
		return rememberedView(record, stream.error, true);
	});
}

async function record(
	file: string,
	key: InventoryKey,
	streams: StreamView[],
	servers: RememberedServers | undefined,
	previous: Inventory | undefined,
): Promise<string | undefined> {
	try {
		await writeInventory(file, inventoryFromListing(key, streams, servers, previous, new Date().toISOString()));
		return undefined;
	} catch (error) {
		return `cannot write the inventory ${file}: ${(error as Error).message}`;
	}
}

function addRemembered(
	streams: Part<StreamsView>,
	previous: Inventory | undefined,
	hosting: Map<string, string[]>,
	use: InventoryUse,
): Part<StreamsView> {
	const note = (partial: string) =>
		previous
			? `${partial}; ${use.remembered.length} more stream(s) added from the inventory recorded at ${previous.recordedAt}`
			: `${partial}; no inventory from an earlier run, so streams held only by dead servers cannot be listed`;
	if (!previous)
		return streams.ok
			? {ok: true, value: {...streams.value, partial: note(streams.value.partial ?? 'the list is partial')}}
			: streams;
	const listed = new Set(streams.ok ? streams.value.streams.map(stream => stream.name) : []);
	const missing = previous.streams.filter(record => !listed.has(record.name));
	use.remembered.push(...missing.map(record => record.name));
	// Only a list gathered from the live servers shows that none of them holds these.
	if (streams.ok) for (const record of missing) hosting.set(record.name, []);
	const remembered = missing.map(record =>
		rememberedView(
			record,
			streams.ok ? 'not held by any live server' : 'not seen: nothing live could list the streams',
			false,
		),
	);
	if (streams.ok) {
		const all = [...streams.value.streams, ...remembered].sort((a, b) => a.name.localeCompare(b.name));
		return {
			ok: true,
			value: {...streams.value, streams: all, partial: note(streams.value.partial ?? 'the list is partial')},
		};
	}

	if (remembered.length === 0) return streams;
	return {
		ok: true,
		value: {
			streams: remembered,
			total: 0,
			missing: [],
			elapsedMs: 0,
			partial: note(`the JetStream API did not answer (${streams.reason}) and no live server's view was available`),
		},
	};
}
