/**
 * Which advertised endpoint is the server of a given name: every server sends one plain `INFO` line
 * as soon as a client connects, naming itself, before any login or TLS. All are asked at once and
 * every socket is closed again; nothing is logged into.
 */
import {connect as netConnect, type Socket} from 'node:net';
import type {NatsConnection} from 'nats';
import {advertisedElsewhere, connectionSource, type Endpoint} from './same-settings.js';

/** An INFO line is a few KiB at most; more without a line end is not a NATS server. */
const infoLineLimit = 64 << 10;

/**
 * Undefined when no advertised server names itself `name` within `timeoutMs`, servers want TLS
 * first, or the signal aborts first.
 */
export async function endpointOfServer(
	nc: NatsConnection,
	name: string,
	{timeoutMs, signal}: {timeoutMs: number; signal?: AbortSignal | undefined},
): Promise<Endpoint | undefined> {
	const source = connectionSource(nc);
	if (!source || source.options.tls?.handshakeFirst) return undefined;
	if (nc.info?.server_name === name) return source.server;
	if (signal?.aborted) return undefined;
	const sockets: Socket[] = [];
	let timer: NodeJS.Timeout | undefined;
	let onAbort: (() => void) | undefined;
	try {
		return await new Promise<Endpoint | undefined>(resolve => {
			const candidates = advertisedElsewhere(nc);
			let unanswered = candidates.length;
			const answered = (): void => {
				if (--unanswered === 0) resolve(undefined);
			};

			if (unanswered === 0) resolve(undefined);
			timer = setTimeout(() => resolve(undefined), timeoutMs);
			onAbort = () => resolve(undefined);
			signal?.addEventListener('abort', onAbort, {once: true});
			for (const endpoint of candidates) {
				const socket = netConnect({host: endpoint.hostname, port: endpoint.port});
				sockets.push(socket);
				let text = '';
				let heard = false;
				const hear = (line: string | undefined): void => {
					if (heard) return;
					heard = true;
					socket.destroy();
					if (line !== undefined && serverName(line) === name) resolve(endpoint);
					else answered();
				};

				socket.setEncoding('utf8');
				socket.on('data', (data: string) => {
					text += data;
					const end = text.indexOf('\r\n');
					if (end >= 0) hear(text.slice(0, end));
					else if (text.length > infoLineLimit) hear(undefined);
				});
				socket.on('error', () => hear(undefined));
				socket.on('close', () => hear(undefined));
			}
		});
	} finally {
		clearTimeout(timer);
		if (onAbort) signal?.removeEventListener('abort', onAbort);
		for (const socket of sockets) socket.destroy();
	}
}

function serverName(line: string): string | undefined {
	if (!line.startsWith('INFO ')) return undefined;
	try {
		return (JSON.parse(line.slice(5)) as {server_name?: unknown}).server_name as string | undefined;
	} catch {
		return undefined;
	}
}
