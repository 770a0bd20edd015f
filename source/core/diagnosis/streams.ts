/**
 * Every stream of the account with its replicas. STREAM.NAMES answers at once and lists every
 * stream, even offline ones; STREAM.LIST gives the details 256 at a time but stalls for seconds
 * when a stream's only node is dead (protocol doc §9.6). So: names first, the list with a short
 * timeout, then per-stream STREAM.INFO in parallel, with short timeouts, for whatever is missing.
 */
import {DrError, JsApiError} from '../errors.js';
import {jsRequest, type JsApi} from '../jsapi.js';

export type ReplicaView = {
	name: string;
	peerId: string | undefined;
	leader: boolean;
	current: boolean;
	offline: boolean;
	/** Milliseconds since the group leader last heard from it. */
	activeMs: number;
	lag: number;
};

export type StreamView = {
	name: string;
	/** How the stream's info was obtained; anything but 'ok' means the data below is partial. */
	status: 'ok' | 'offline' | 'no-reply' | 'error';
	error: string | undefined;
	/**
	 * Whose view this is: the JetStream API's, a live replica's own via JSZ (when the API does not
	 * answer), or the inventory's memory of it (when nothing live describes it: when it was last seen,
	 * and whether the API listed it by name now).
	 */
	source: 'api' | {survivor: string} | {inventory: string; listed: boolean};
	storage: 'file' | 'memory' | undefined;
	/** Configured replicas (R). */
	replicas: number | undefined;
	placement: {cluster: string | undefined; tags: string[]};
	cluster: string | undefined;
	leader: string | undefined;
	/** Every member of the group, the leader included. */
	peers: ReplicaView[];
	messages: number | undefined;
	bytes: number | undefined;
	firstSeq: number | undefined;
	lastSeq: number | undefined;
	consumers: number | undefined;
	subjects: string[];
};

export type StreamsView = {
	streams: StreamView[];
	total: number;
	/** Streams the server listed as missing from STREAM.LIST. */
	missing: string[];
	elapsedMs: number;
	/** Set when the list is incomplete, saying why. */
	partial?: string;
};

type PeerInfo = {name: string; current?: boolean; offline?: boolean; active?: number; lag?: number; peer?: string};

export type StreamInfoReply = {
	config: {
		name: string;
		subjects?: string[];
		storage?: 'file' | 'memory';
		num_replicas?: number;
		placement?: {cluster?: string; tags?: string[]};
	};
	state?: {messages?: number; bytes?: number; first_seq?: number; last_seq?: number; consumer_count?: number};
	cluster?: {name?: string; leader?: string; replicas?: PeerInfo[]};
};

type NamesPage = {total: number; offset: number; limit: number; streams: string[] | null};
type ListPage = {total: number; offset: number; limit: number; streams: StreamInfoReply[] | null; missing?: string[]};

export type StreamsOptions = {
	signal?: AbortSignal;
	/** Cap for one STREAM.LIST page; past it, the streams are asked for one by one. */
	listTimeoutMs?: number;
	/** Timeout for each single STREAM.INFO. */
	infoTimeoutMs?: number;
	concurrency?: number;
	/** How long STREAM.LIST may take before every stream is also asked for on its own. */
	listPatienceMs?: number;
};

export async function listStreamNames(js: JsApi, timeoutMs?: number): Promise<string[]> {
	const names: string[] = [];
	let total = Infinity;
	while (names.length < total) {
		const page = await jsRequest<NamesPage>(
			js,
			'STREAM.NAMES',
			{offset: names.length},
			timeoutMs === undefined ? {} : {timeoutMs},
		);
		total = page.total;
		const got = page.streams ?? [];
		if (got.length === 0) break;
		names.push(...got);
	}

	return names;
}

/** Pages STREAM.LIST in parallel once the total is known; undefined when a page does not answer in time. */
export async function listInfos(
	js: JsApi,
	total: number,
	timeoutMs: number,
): Promise<{infos: StreamInfoReply[]; missing: string[]} | undefined> {
	const pageSize = 256;
	const offsets = Array.from({length: Math.max(1, Math.ceil(total / pageSize))}, (_, i) => i * pageSize);
	try {
		const pages = await Promise.all(
			offsets.map(async offset => jsRequest<ListPage>(js, 'STREAM.LIST', {offset}, {timeoutMs})),
		);
		return {
			infos: pages.flatMap(page => page.streams ?? []),
			missing: pages.flatMap(page => page.missing ?? []),
		};
	} catch (error) {
		if (error instanceof DrError) return undefined;
		throw error;
	}
}

export async function streamInfo(js: JsApi, name: string, timeoutMs?: number): Promise<StreamInfoReply> {
	return jsRequest<StreamInfoReply>(js, `STREAM.INFO.${name}`, undefined, timeoutMs === undefined ? {} : {timeoutMs});
}

export async function gatherStreams(js: JsApi, options: StreamsOptions = {}): Promise<StreamsView> {
	const started = performance.now();
	const {
		listTimeoutMs = Math.min(js.timeoutMs, 3000),
		infoTimeoutMs = Math.min(js.timeoutMs, 2000),
		concurrency = 1024,
		listPatienceMs = 1000,
	} = options;
	const names = await listStreamNames(js, listTimeoutMs);
	const listing =
		names.length > 0 ? listInfos(js, names.length, listTimeoutMs) : Promise.resolve({infos: [], missing: []});
	// A dead node makes STREAM.LIST wait for seconds; past a short patience every stream is asked
	// for on its own, in parallel, so one unreachable stream costs one short timeout, not the report.
	const early = await Promise.race([listing, delay(listPatienceMs).then(() => 'slow' as const)]);
	const byName = new Map<string, StreamView>();
	const probe = async (pending: string[]) =>
		mapLimit(pending, concurrency, async name => {
			options.signal?.throwIfAborted();
			byName.set(name, await probeStream(js, name, infoTimeoutMs));
		});

	let missing: string[];
	if (early === 'slow') {
		await probe(names);
		const listed = await listing;
		for (const info of listed?.infos ?? []) {
			if (byName.get(info.config.name)?.status !== 'ok') byName.set(info.config.name, viewFromInfo(info));
		}

		missing = listed?.missing ?? names.filter(name => byName.get(name)?.status !== 'ok');
	} else {
		for (const info of early?.infos ?? []) byName.set(info.config.name, viewFromInfo(info));
		await probe(names.filter(name => !byName.has(name)));
		missing = early?.missing ?? [];
	}

	const streams = names.map(name => byName.get(name)!).sort((a, b) => a.name.localeCompare(b.name));
	return {streams, total: names.length, missing, elapsedMs: Math.round(performance.now() - started)};
}

async function delay(ms: number): Promise<void> {
	return new Promise(resolve => {
		setTimeout(resolve, ms).unref();
	});
}

async function probeStream(js: JsApi, name: string, timeoutMs: number): Promise<StreamView> {
	try {
		return viewFromInfo(await streamInfo(js, name, timeoutMs));
	} catch (error) {
		if (error instanceof JsApiError && error.errCode === 10118) return emptyView(name, 'offline', error.description);
		if (error instanceof DrError && /no reply/.test(error.message)) {
			return emptyView(name, 'no-reply', `no reply to STREAM.INFO within ${timeoutMs} ms`);
		}

		if (error instanceof DrError) return emptyView(name, 'error', error.message);
		throw error;
	}
}

export function emptyView(name: string, status: StreamView['status'], error: string): StreamView {
	return {
		name,
		status,
		error,
		source: 'api',
		storage: undefined,
		replicas: undefined,
		placement: {cluster: undefined, tags: []},
		cluster: undefined,
		leader: undefined,
		peers: [],
		messages: undefined,
		bytes: undefined,
		firstSeq: undefined,
		lastSeq: undefined,
		consumers: undefined,
		subjects: [],
	};
}

/** Pure: a StreamInfo reply as a StreamView; the leader is listed among the peers. */
export function viewFromInfo(info: StreamInfoReply): StreamView {
	const {config, state, cluster} = info;
	const leader = cluster?.leader || undefined;
	const peers: ReplicaView[] = [];
	if (leader) {
		peers.push({name: leader, peerId: undefined, leader: true, current: true, offline: false, activeMs: 0, lag: 0});
	}

	for (const replica of cluster?.replicas ?? []) {
		if (replica.name === leader) continue;
		peers.push({
			name: replica.name,
			peerId: replica.peer,
			leader: false,
			current: replica.current ?? false,
			offline: replica.offline ?? false,
			activeMs: Math.round((replica.active ?? 0) / 1e6),
			lag: replica.lag ?? 0,
		});
	}

	return {
		name: config.name,
		status: 'ok',
		error: undefined,
		source: 'api',
		storage: config.storage,
		replicas: config.num_replicas ?? 1,
		placement: {cluster: config.placement?.cluster, tags: config.placement?.tags ?? []},
		cluster: cluster?.name,
		leader,
		peers,
		messages: state?.messages,
		bytes: state?.bytes,
		firstSeq: state?.first_seq,
		lastSeq: state?.last_seq,
		consumers: state?.consumer_count,
		subjects: config.subjects ?? [],
	};
}

async function mapLimit<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	const workers = Array.from({length: Math.min(limit, items.length)}, async () => {
		while (next < items.length) {
			const item = items[next++]!;
			await work(item);
		}
	});
	await Promise.all(workers);
}
