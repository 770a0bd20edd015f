/**
 * Everything readiness and failover need, gathered read-only: the servers grouped by cluster (system
 * account, best effort), and the streams of the connected JetStream domain plus any other domains
 * named, each with its mirrors and sources. Each part fails on its own, with the reason kept.
 */
import type {Session} from '../connection/session.js';
import {gatherServers, type ServersView} from '../diagnosis/servers.js';
import {DrError} from '../errors.js';
import {jsRequest, type JsApi} from '../jsapi.js';
import {gatherTopologyStreams, type TopologyStream} from './streams.js';

export type DomainView = {
	/** The domain as the server names it in $JS.API.INFO; undefined without domains. */
	domain: string | undefined;
	api: string;
	streams: TopologyStream[];
	/** Why this domain's streams could not be listed. */
	problem: string | undefined;
};

export type TopologyView = {
	time: string;
	servers: {ok: true; value: ServersView} | {ok: false; reason: string};
	domains: DomainView[];
};

type AccountInfo = {domain?: string};

export function apiFor(session: Session, domain: string): JsApi {
	return {...session.js, prefix: `$JS.${domain}.API`};
}

async function domainView(js: JsApi, named: string | undefined, signal: AbortSignal | undefined): Promise<DomainView> {
	try {
		const info = await jsRequest<AccountInfo>(js, 'INFO', undefined, {timeoutMs: Math.min(js.timeoutMs, 3000)});
		const domain = info.domain || named;
		return {domain, api: js.prefix, streams: await gatherTopologyStreams(js, domain, {signal}), problem: undefined};
	} catch (error) {
		if (!(error instanceof DrError)) throw error;
		return {domain: named, api: js.prefix, streams: [], problem: error.message};
	}
}

export async function gatherTopology(session: Session, {domains = [], signal}: {domains?: string[]; signal?: AbortSignal} = {}): Promise<TopologyView> {
	const {sys, sysError, settings} = session;
	const servers = sys
		? gatherServers(sys, {timeoutMs: settings.timeoutMs, signal}).then(
				value => ({ok: true as const, value}),
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
	return {time: new Date().toISOString(), servers: await servers, domains: views};
}
