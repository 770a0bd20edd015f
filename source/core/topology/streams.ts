/**
 * The account's streams as copies of each other: where each one lives (cluster, domain, peers) and
 * what it mirrors or sources, with the lag the server reports. One JetStream API (a domain) per call;
 * readiness asks each known domain in turn. A stream whose info does not answer (its region is down)
 * is kept by name, so the copies that point at it still find it.
 */
import {DrError, JsApiError} from '../errors.js';
import {jsRequest, type JsApi} from '../jsapi.js';
import {listStreamNames} from '../diagnosis/streams.js';

/** Where a copy reads from: a stream of the same API, or of another domain through its API prefix. */
type Upstream = {
	name: string;
	/** The domain named by `external.api` (`$JS.<domain>.API`), undefined when it is the same API. */
	domain: string | undefined;
	/** Messages behind, as the copying stream's leader last computed it. */
	lag: number | undefined;
	/** Milliseconds since the copy last heard from its upstream. */
	activeMs: number | undefined;
};

export type TopologyStream = {
	name: string;
	/** The JetStream domain this stream was read from; undefined for the default API. */
	domain: string | undefined;
	status: 'ok' | 'unreachable';
	error: string | undefined;
	cluster: string | undefined;
	replicas: number | undefined;
	peers: Array<{name: string; current: boolean; offline: boolean}>;
	leader: string | undefined;
	placement: {cluster: string | undefined; tags: string[]};
	subjects: string[];
	messages: number | undefined;
	bytes: number | undefined;
	lastSeq: number | undefined;
	/** The newest message's time (ISO); a mirror keeps its origin's times. */
	lastTime: string | undefined;
	consumers: number | undefined;
	mirror: Upstream | undefined;
	sources: Upstream[];
	/** The config as the server returned it, for failover and protect to derive new configs from. */
	config: Record<string, unknown> | undefined;
};

type UpstreamConfig = {name: string; external?: {api?: string}};
type UpstreamInfo = {name: string; lag?: number; active?: number; external?: {api?: string}};

export type TopologyInfoReply = {
	config: Record<string, unknown> & {
		name: string;
		subjects?: string[];
		num_replicas?: number;
		placement?: {cluster?: string; tags?: string[]};
		mirror?: UpstreamConfig;
		sources?: UpstreamConfig[];
	};
	state?: {messages?: number; bytes?: number; last_seq?: number; last_ts?: string; consumer_count?: number};
	cluster?: {name?: string; leader?: string; replicas?: Array<{name: string; current?: boolean; offline?: boolean}>};
	mirror?: UpstreamInfo;
	sources?: UpstreamInfo[];
};

function domainOfApi(api: string | undefined): string | undefined {
	return api ? /^\$JS\.(.+)\.API$/.exec(api)?.[1] : undefined;
}

function upstream(configured: UpstreamConfig, info: UpstreamInfo | undefined): Upstream {
	return {
		name: configured.name,
		domain: domainOfApi(configured.external?.api),
		lag: info?.lag,
		activeMs: info?.active === undefined || info.active < 0 ? undefined : Math.round(info.active / 1e6),
	};
}

/** Pure: one STREAM.INFO reply as a TopologyStream. */
export function topologyStreamFrom(info: TopologyInfoReply, domain: string | undefined): TopologyStream {
	const {config, state, cluster} = info;
	const leader = cluster?.leader || undefined;
	const peers = [
		...(leader ? [{name: leader, current: true, offline: false}] : []),
		...(cluster?.replicas ?? [])
			.filter(peer => peer.name !== leader)
			.map(peer => ({name: peer.name, current: peer.current ?? false, offline: peer.offline ?? false})),
	];
	const lastTime = state?.last_ts && !state.last_ts.startsWith('0001-') ? state.last_ts : undefined;
	return {
		name: config.name,
		domain,
		status: 'ok',
		error: undefined,
		cluster: cluster?.name,
		replicas: config.num_replicas ?? 1,
		peers,
		leader,
		placement: {cluster: config.placement?.cluster, tags: config.placement?.tags ?? []},
		subjects: config.subjects ?? [],
		messages: state?.messages,
		bytes: state?.bytes,
		lastSeq: state?.last_seq,
		lastTime,
		consumers: state?.consumer_count,
		mirror: config.mirror ? upstream(config.mirror, info.mirror) : undefined,
		sources: (config.sources ?? []).map(source =>
			upstream(
				source,
				info.sources?.find(entry => entry.name === source.name),
			),
		),
		config,
	};
}

function unreachable(name: string, domain: string | undefined, error: string): TopologyStream {
	return {
		name,
		domain,
		status: 'unreachable',
		error,
		cluster: undefined,
		replicas: undefined,
		peers: [],
		leader: undefined,
		placement: {cluster: undefined, tags: []},
		subjects: [],
		messages: undefined,
		bytes: undefined,
		lastSeq: undefined,
		lastTime: undefined,
		consumers: undefined,
		mirror: undefined,
		sources: [],
		config: undefined,
	};
}

export async function topologyStreamInfo(
	js: JsApi,
	name: string,
	domain: string | undefined,
	timeoutMs: number,
): Promise<TopologyStream> {
	try {
		return topologyStreamFrom(
			await jsRequest<TopologyInfoReply>(js, `STREAM.INFO.${name}`, undefined, {timeoutMs}),
			domain,
		);
	} catch (error) {
		if (error instanceof JsApiError && error.errCode === 10059) throw error;
		if (error instanceof DrError) return unreachable(name, domain, error.message);
		throw error;
	}
}

/** Every stream of one domain, each asked for on its own so a dead region costs one short timeout per stream, in parallel. */
export async function gatherTopologyStreams(
	js: JsApi,
	domain: string | undefined,
	{infoTimeoutMs = Math.min(js.timeoutMs, 2000), signal}: {infoTimeoutMs?: number; signal?: AbortSignal} = {},
): Promise<TopologyStream[]> {
	const names = await listStreamNames(js, Math.min(js.timeoutMs, 3000));
	signal?.throwIfAborted();
	const streams = await Promise.all(
		names.map(async name =>
			topologyStreamInfo(js, name, domain, infoTimeoutMs).catch(error =>
				unreachable(name, domain, (error as Error).message),
			),
		),
	);
	return streams.sort((a, b) => a.name.localeCompare(b.name));
}
