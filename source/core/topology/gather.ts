/**
 * Everything readiness and failover need, gathered read-only: the servers grouped by cluster (system
 * account, best effort), and the streams of the connected JetStream domain plus any other domains
 * named, each with its mirrors and sources. Each part fails on its own, with the reason kept.
 */
import type {Session} from '../connection/session.js';
import {gatherServers, type ServersView} from '../diagnosis/servers.js';
import {DrError} from '../errors.js';
import {jsRequest, type JsApi} from '../jsapi.js';
import {clusterView, configuredClusters, type ClusterView} from './clusters.js';
import {gatherTopologyStreams, type TopologyStream} from './streams.js';

type DomainView = {
	/** The domain as the server names it in $JS.API.INFO; undefined without domains. */
	domain: string | undefined;
	api: string;
	streams: TopologyStream[];
	/** Why this domain's streams could not be listed. */
	problem: string | undefined;
};

export type TopologyView = {
	time: string;
	/** The servers with the clusters of those that do not answer worked out from the configured gateways. */
	servers: {ok: true; value: ServersView} | {ok: false; reason: string};
	clusters: ClusterView[];
	domains: DomainView[];
};

type AccountInfo = {domain?: string};

export function apiFor(session: Session, domain: string): JsApi {
	return {...session.js, prefix: `$JS.${domain}.API`};
}

/**
 * The domain's name comes from $JS.API.INFO, best effort: with a cluster down, the account info waits
 * on the lost servers' usage and may not answer at all, and the stream list must not wait for it.
 */
async function domainView(js: JsApi, named: string | undefined, signal: AbortSignal | undefined): Promise<DomainView> {
	const info = jsRequest<AccountInfo>(js, 'INFO', undefined, {timeoutMs: Math.min(js.timeoutMs, 2000)}).catch(
		() => undefined,
	);
	try {
		const streams = await gatherTopologyStreams(js, named, {signal});
		const domain = (await info)?.domain || named;
		return {
			domain,
			api: js.prefix,
			streams: domain === named ? streams : streams.map(stream => ({...stream, domain})),
			problem: undefined,
		};
	} catch (error) {
		if (!(error instanceof DrError)) throw error;
		return {domain: named, api: js.prefix, streams: [], problem: error.message};
	}
}

export async function gatherTopology(
	session: Session,
	{domains = [], signal}: {domains?: string[]; signal?: AbortSignal} = {},
): Promise<TopologyView> {
	const {sys, sysError, settings} = session;
	const servers = sys
		? gatherServers(sys, {timeoutMs: settings.timeoutMs, signal}).then(
				async value => {
					const configured = await configuredClusters(sys, {
						timeoutMs: settings.timeoutMs,
						expected: value.answered,
						signal,
					}).catch(() => []);
					const {servers: fixed, clusters} = clusterView(value.servers, configured);
					return {ok: true as const, value: {...value, servers: fixed}, clusters};
				},
				(error: unknown) => {
					if (error instanceof DrError) return {ok: false as const, reason: error.message};
					throw error;
				},
			)
		: Promise.resolve({ok: false as const, reason: sysError?.message ?? 'no system account connection'});
	const others = domains.filter(domain => domain !== settings.jsDomain);
	const views = await Promise.all([
		domainView(session.js, settings.jsDomain, signal),
		...others.map(async domain => domainView(apiFor(session, domain), domain, signal)),
	]);
	const gathered = await servers;
	return gathered.ok
		? {
				time: new Date().toISOString(),
				servers: {ok: true, value: gathered.value},
				clusters: gathered.clusters,
				domains: views,
			}
		: {time: new Date().toISOString(), servers: gathered, clusters: [], domains: views};
}
