/**
 * Gathers everything diagnosis needs in parallel, each part with its own failure: the server view
 * through the system account, and the account's streams. Without a meta leader but with a quorum
 * of the meta group answering, it waits (bounded) for the election rather than report blind.
 * Where the JetStream API still cannot answer, the live replicas' own views fill the gaps, and
 * the inventory remembered from earlier runs adds the streams no live server holds.
 * Returns plain data for the verdict functions, the report printers and the wizard.
 */
import type {Session} from '../connection/session.js';
import {DrError} from '../errors.js';
import {awaitsElection, defaultElectionTimeoutMs, waitForElection, type ElectionWait} from './election.js';
import {applyInventory, type InventoryUse, type RememberedServers} from './inventory-use.js';
import {unknownPeerId} from './peer-id.js';
import {gatherServers, type ServersView} from './servers.js';
import {emptyView, gatherStreams, listStreamNames, viewFromInfo, type StreamsView, type StreamView} from './streams.js';
import {accountOf, bestView, gatherSurvivorViews, isLeaderView, type SurvivorViews} from './survivor-views.js';

export type Part<T> = {ok: true; value: T} | {ok: false; reason: string; hint: string | undefined};

export type Diagnosis = {
	time: string;
	servers: Part<ServersView>;
	streams: Part<StreamsView>;
	/** For streams the JetStream API could not describe: the live servers hosting a replica (empty = none). */
	hosting: Map<string, string[]>;
	/** Set when there was no meta leader and the diagnosis waited for an election. */
	election: ElectionWait | undefined;
	inventory: InventoryUse;
	elapsedMs: number;
};

export type DiagnoseOptions = {
	signal?: AbortSignal;
	/** Called as each part arrives, so a screen can fill in progressively. */
	onPart?: (part: Partial<Diagnosis>) => void;
	/** How long to wait for a meta election; 0 does not wait. */
	electionTimeoutMs?: number;
	/** Called about twice a second while waiting for the election. */
	onElectionWait?: (waitedMs: number, timeoutMs: number) => void;
	/** nats-dr's state directory, where the inventory lives; without it nothing is remembered. */
	stateDir?: string | undefined;
};

async function part<T>(work: () => Promise<T>): Promise<Part<T>> {
	try {
		return {ok: true, value: await work()};
	} catch (error) {
		if (error instanceof DrError) return {ok: false, reason: error.message, hint: error.hint};
		throw error;
	}
}

export async function diagnose(session: Session, options: DiagnoseOptions = {}): Promise<Diagnosis> {
	const {signal, onPart} = options;
	const started = performance.now();
	const {sys, sysError, settings, js} = session;
	const account = sys
		? accountOf(sys, session.nc, settings.timeoutMs).catch(() => undefined)
		: Promise.resolve(undefined);
	const pingServers = async () => gatherServers(sys!, {timeoutMs: settings.timeoutMs, signal});
	const serversWork = sys
		? part(pingServers)
		: Promise.resolve<Part<ServersView>>({ok: false, reason: sysError!.message, hint: sysError!.hint});
	// Without the system account the JetStream API is the only source: start it at once.
	const apiOnly = sys ? undefined : part(async () => gatherStreams(js, {signal}));
	let servers = await serversWork;
	onPart?.({servers});

	let election: ElectionWait | undefined;
	const electionTimeoutMs = options.electionTimeoutMs ?? defaultElectionTimeoutMs;
	if (servers.ok && electionTimeoutMs > 0 && awaitsElection(servers.value)) {
		const {view, wait} = await waitForElection(pingServers, {
			timeoutMs: electionTimeoutMs,
			signal,
			onWait: options.onElectionWait,
		});
		election = wait;
		if (view) {
			servers = {ok: true, value: view};
			onPart?.({servers, election});
		}
	}

	const accountName = await account;
	const hosting = new Map<string, string[]>();
	const gathered = apiOnly
		? await apiOnly.then(streams => ({streams, complete: streams.ok}))
		: await gatherWithServers(session, servers, accountName, hosting, signal);
	let {streams} = gathered;

	const remembered = await applyInventory({
		session,
		account: accountName,
		servers,
		streams,
		hosting,
		stateDir: options.stateDir,
		complete: gathered.complete,
	});
	streams = remembered.streams;
	if (servers.ok && !servers.value.metaPeers)
		servers = {ok: true, value: withUnansweringNamed(servers.value, remembered.servers, streams)};
	onPart?.({streams, hosting});
	return {
		time: new Date().toISOString(),
		servers,
		streams,
		hosting,
		election,
		inventory: remembered.use,
		elapsedMs: Math.round(performance.now() - started),
	};
}

/**
 * With the system account, every live server describes the streams it holds in one JSZ reply:
 * a handful of replies instead of a STREAM.INFO per stream, which at ten thousand streams is the
 * difference between a second and half a minute, and which also shows which streams no live server
 * holds without waiting for their requests to time out. STREAM.NAMES still says which streams exist.
 */
async function gatherWithServers(
	session: Session,
	servers: Part<ServersView>,
	account: string | undefined,
	hosting: Map<string, string[]>,
	signal: AbortSignal | undefined,
): Promise<{streams: Part<StreamsView>; complete: boolean}> {
	const {js, sys, settings} = session;
	const started = performance.now();
	const viewsWork = servers.ok
		? gatherSurvivorViews(sys!, {
				account,
				expected: servers.value.answered,
				timeoutMs: settings.timeoutMs,
				signal,
			}).catch((error: unknown) => {
				if (error instanceof DrError) return undefined;
				throw error;
			})
		: Promise.resolve(undefined);
	const [names, survivors] = await Promise.all([
		part(async () => listStreamNames(js, Math.min(settings.timeoutMs, 3000))),
		viewsWork,
	]);
	if (names.ok && survivors && servers.ok && survivors.answered >= servers.value.answered) {
		return {
			streams: {ok: true, value: fromServerViews(names.value, survivors, hosting, performance.now() - started)},
			complete: true,
		};
	}

	if (!names.ok) return {streams: survivors ? fromSurvivors(names, survivors, hosting) : names, complete: false};
	// Some live server did not describe its streams: the API describes them, one by one where needed.
	const api = await part(async () => gatherStreams(js, {signal}));
	const unanswered = api.ok && api.value.streams.some(stream => stream.status !== 'ok');
	const streams =
		api.ok && survivors && unanswered
			? {ok: true as const, value: patchUnanswered(api.value, survivors, hosting)}
			: api;
	return {streams, complete: api.ok};
}

function fromServerViews(
	names: string[],
	survivors: SurvivorViews,
	hosting: Map<string, string[]>,
	elapsedMs: number,
): StreamsView {
	const streams = [...names].sort().map(name => {
		const views = survivors.streams.get(name) ?? [];
		const leader = views.find(view => isLeaderView(view));
		if (leader) return viewFromInfo(leader.info);
		return survivorView(name, survivors, hosting) ?? emptyView(name, 'no-reply', 'no live server holds a replica');
	});
	return {streams, total: names.length, missing: [], elapsedMs: Math.round(elapsedMs)};
}

/**
 * Without a meta leader nothing lists the servers that do not answer. The inventory's server list
 * and the replicas the live servers know of name them; only as many as are missing, else none.
 */
function withUnansweringNamed(
	view: ServersView,
	remembered: RememberedServers,
	streams: Part<StreamsView>,
): ServersView {
	const known = new Set(view.servers.map(server => server.name));
	const candidates = new Map<string, string | undefined>();
	for (const server of remembered) if (!known.has(server.name)) candidates.set(server.name, server.cluster);
	for (const stream of streams.ok ? streams.value.streams : []) {
		for (const peer of stream.peers)
			if (!known.has(peer.name) && !unknownPeerId(peer.name) && !candidates.has(peer.name))
				candidates.set(peer.name, stream.cluster);
	}

	const missing = view.expected - view.answered;
	if (candidates.size === 0 || candidates.size > missing) return view;
	const added = [...candidates].map(([name, cluster]) => ({
		name,
		id: undefined,
		cluster,
		version: undefined,
		jetstream: true,
		tags: [],
		answering: false,
		metaLeader: false,
	}));
	return {...view, servers: [...view.servers, ...added].sort((a, b) => a.name.localeCompare(b.name))};
}

function survivorView(name: string, survivors: SurvivorViews, hosting: Map<string, string[]>): StreamView | undefined {
	const views = survivors.streams.get(name) ?? [];
	hosting.set(
		name,
		views.map(view => view.server),
	);
	const best = bestView(views);
	if (!best) return undefined;
	const view = viewFromInfo(best.info);
	return {...view, peers: mergedPeers(view.peers, views), source: {survivor: best.server}};
}

/**
 * During an election each replica reports only part of the group, and none lists itself for sure:
 * every server that reports the stream is a member that answers, and each view adds the peers it knows.
 */
function mergedPeers(
	peers: StreamView['peers'],
	views: Array<{server: string; info: Parameters<typeof viewFromInfo>[0]}>,
): StreamView['peers'] {
	const byName = new Map(peers.map(peer => [peer.name, peer]));
	for (const {server, info} of views) {
		for (const peer of viewFromInfo(info).peers) if (!byName.has(peer.name)) byName.set(peer.name, peer);
		const self = byName.get(server);
		byName.set(server, {
			...(self ?? {name: server, peerId: undefined, leader: false, lag: 0}),
			current: true,
			offline: false,
			activeMs: 0,
		});
	}

	return [...byName.values()];
}

function patchUnanswered(view: StreamsView, survivors: SurvivorViews, hosting: Map<string, string[]>): StreamsView {
	return {
		...view,
		streams: view.streams.map(stream =>
			stream.status === 'ok' ? stream : (survivorView(stream.name, survivors, hosting) ?? stream),
		),
	};
}

/** The API gave no list at all (typically no meta leader): the account's streams as the live servers hold them. */
function fromSurvivors(
	failed: Part<StreamsView> & {ok: false},
	survivors: SurvivorViews,
	hosting: Map<string, string[]>,
): Part<StreamsView> {
	if (survivors.streams.size === 0) return failed;
	const streams = [...survivors.streams.keys()].sort().map(name => survivorView(name, survivors, hosting)!);
	return {
		ok: true,
		value: {
			streams,
			total: streams.length,
			missing: [],
			elapsedMs: 0,
			partial: `the JetStream API did not answer (${failed.reason}); streams seen by the live servers only`,
		},
	};
}
