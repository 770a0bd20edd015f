/**
 * What a second connection needs to reach another server of the cluster as the nats.js connection
 * reached its own: the settings it was opened with (its authenticator signs the nonce, so every kind
 * of auth works alike) and the servers the cluster advertises (INFO's `connect_urls`).
 */
import {isIP} from 'node:net';
import type {ConnectionOptions, NatsConnection} from 'nats';

export type Endpoint = {hostname: string; port: number; tlsName: string};

/** Beyond this many advertised servers a named one is looked for no further. */
const advertisedLimit = 16;
const tlsKeys = new Set(['certFile', 'keyFile', 'caFile', 'cert', 'key', 'ca', 'handshakeFirst']);

type NatsJsInternals = {options?: ConnectionOptions; protocol?: {server?: Endpoint}};

/** What the nats.js connection was opened with, or undefined when this client cannot do the same. */
export function connectionSource(nc: NatsConnection): {options: ConnectionOptions; server: Endpoint} | undefined {
	// nats.js keeps its parsed options (with the authenticator it built) and current server here.
	const {options, protocol} = nc as unknown as NatsJsInternals;
	const server = protocol?.server;
	if (!options || typeof options.authenticator !== 'function' || !server?.hostname || !server.port) return undefined;
	if (options.tls && Object.keys(options.tls).some(key => !tlsKeys.has(key))) return undefined;
	return {options, server};
}

/** The servers the cluster advertises, other than the connected one. */
export function advertisedElsewhere(nc: NatsConnection): Endpoint[] {
	const here = connectionSource(nc)?.server;
	return (nc.info?.connect_urls ?? [])
		.map(url => endpointOf(url, here))
		.filter((endpoint): endpoint is Endpoint => endpoint !== undefined)
		.filter(endpoint => endpoint.hostname !== here?.hostname || endpoint.port !== here.port)
		.slice(0, advertisedLimit);
}

/**
 * `host:port` as INFO's `connect_urls` lists it (an IPv6 host in brackets). A server advertised by
 * its IP is checked against the certificate name the operator connected with, as nats.js does for
 * the servers it discovers.
 */
function endpointOf(url: string, here: Endpoint | undefined): Endpoint | undefined {
	const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(url);
	const hostname = match?.[1] ?? match?.[2];
	if (!hostname) return undefined;
	const tlsName = isIP(hostname) && here ? here.tlsName || here.hostname : hostname;
	return {hostname, port: Number(match![3]), tlsName};
}
