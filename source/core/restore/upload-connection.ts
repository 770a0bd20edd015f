/**
 * The restore's upload on a connection to the server that receives it. For R>1 that is the new
 * stream group's leader, which can be any of its peers: through the connected server every chunk
 * crossed a route, and a 128 MiB upload took 424–520 ms against 327–336 ms on the leader's own
 * server (2.9.10, docs/performance.md). The receiving server is the one holding the deliver
 * subject's subscription, which only the system account sees (SUBSZ); without it, when any step
 * fails, or once the operator aborts, the upload stays on the connected server (and there sees the abort).
 */
import {isIP} from 'node:net';
import {connect, type ConnectionOptions, type NatsConnection, type TlsOptions} from 'nats';
import {connectionSource, type Endpoint} from '../connection/same-settings.js';
import {endpointOfServer} from '../connection/server-by-name.js';
import {sysGather} from '../sys-gather.js';

/** Each step is short: the server's 5 s stall timer runs from the restore's reply. */
const lookupTimeoutMs = 500;
const connectTimeoutMs = 1000;
/** Below this the route costs less than finding the server and connecting to it. */
const directUploadFromBytes = 8 << 20;

type SubszReply = {server?: {name?: string}; data?: {subscriptions_list?: Array<{subject?: string}>}};

export type UploadConnection = {
	nc: NatsConnection;
	/** The server the chunks go to, as it names itself. */
	server: string | undefined;
	/** Close once the upload is over: the connection was opened for it. */
	close(): Promise<void>;
};

export async function uploadConnection(
	nc: NatsConnection,
	sys: NatsConnection | undefined,
	{
		deliverSubject,
		archiveBytes,
		signal,
	}: {deliverSubject: string; archiveBytes: number; signal?: AbortSignal | undefined},
): Promise<UploadConnection> {
	const connected: UploadConnection = {nc, server: nc.info?.server_name, close: async () => undefined};
	const source = connectionSource(nc);
	if (!sys || !source || archiveBytes < directUploadFromBytes || signal?.aborted) return connected;
	try {
		const name = await receivingServer(sys, deliverSubject, signal);
		if (!name || name === nc.info?.server_name || signal?.aborted) return connected;
		const endpoint = await endpointOfServer(nc, name, {timeoutMs: lookupTimeoutMs, signal});
		if (!endpoint || signal?.aborted) return connected;
		const usesTls = Boolean(source.options.tls) || nc.info?.tls_required === true;
		const direct = await connect(directOptions(source.options, usesTls, endpoint));
		// An abort while connecting: the upload on the connected server sees it at once and stops.
		if (direct.info?.server_name !== name || signal?.aborted) {
			await direct.close();
			return connected;
		}

		return {nc: direct, server: name, close: async () => direct.close()};
	} catch {
		return connected;
	}
}

/**
 * The operator's own connection options, to the one server. A server advertised by its IP is checked
 * against the certificate name the operator connected with, as nats.js does for the servers it finds
 * itself; an IP given in `servers` would be checked against no name of ours (Node then checks
 * "localhost"), so over TLS with certificates that name hosts the upload always went through a route.
 */
export function directOptions(options: ConnectionOptions, usesTls: boolean, endpoint: Endpoint): ConnectionOptions {
	const host = endpoint.hostname.includes(':') ? `[${endpoint.hostname}]` : endpoint.hostname;
	const certificateName =
		usesTls && isIP(endpoint.hostname) && endpoint.tlsName && !isIP(endpoint.tlsName) ? endpoint.tlsName : undefined;
	// nats.js hands its tls options to Node's tls.connect, where `servername` is the name checked.
	const tls = certificateName ? {tls: {...options.tls, servername: certificateName} as TlsOptions} : {};
	return {
		...options,
		...tls,
		servers: [`${host}:${endpoint.port}`],
		reconnect: false,
		ignoreClusterUpdates: true,
		timeout: connectTimeoutMs,
	};
}

/** The server with a local subscription on the deliver subject; others only route to it. */
async function receivingServer(
	sys: NatsConnection,
	deliverSubject: string,
	signal: AbortSignal | undefined,
): Promise<string | undefined> {
	const holds = (reply: SubszReply): boolean =>
		(reply.data?.subscriptions_list ?? []).some(subscription => subscription.subject === deliverSubject);
	const replies = await sysGather<SubszReply>(
		sys,
		'$SYS.REQ.SERVER.PING.SUBSZ',
		{subscriptions: true, test: deliverSubject},
		{
			expected: (count, latest) => (holds(latest as SubszReply) ? count : undefined),
			quietMs: 100,
			maxWaitMs: lookupTimeoutMs,
			...(signal ? {signal} : {}),
		},
	);
	return replies.find(holds)?.server?.name;
}
