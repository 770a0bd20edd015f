/**
 * A second connection, of our own, that only receives a snapshot: it subscribes to the delivery
 * inbox and acks chunks, and hands each payload on in the pieces the socket reads cut it into.
 * Plain TCP reads go into one reused buffer (`onread`): no buffer is allocated per read or chunk.
 * It connects to the stream leader's server where it can, else to the server the nats.js connection
 * is on, with the credentials and TLS settings that connection was opened with (nats.js's own
 * authenticator signs the nonce), so every kind of auth works alike. When those cannot be read,
 * `open` says so and the caller keeps to nats.js.
 */
import {readFile} from 'node:fs/promises';
import {connect as netConnect, isIP, type Socket} from 'node:net';
import {connect as tlsConnect, type ConnectionOptions as TlsOptions} from 'node:tls';
import type {ConnectionOptions, NatsConnection} from 'nats';
import {advertisedElsewhere, connectionSource, type Endpoint} from '../connection/same-settings.js';
import {AbortedError, throwIfAborted} from '../errors.js';
import {WireParser, type MessageStart} from './wire-parser.js';

/** Where the snapshot's frames go; views are only valid during the call. */
export type SnapshotFrames = {
	chunkStart(message: MessageStart): void;
	piece(bytes: Uint8Array): void;
	chunkEnd(): void;
	/** The connection failed or the server sent `-ERR`; nothing more will arrive. */
	failed(error: SnapshotConnectionError): void;
};

export class SnapshotConnectionError extends Error {
	/** The server's `-ERR` text, when it sent one. */
	readonly serverError: string | undefined;

	constructor(message: string, serverError?: string) {
		super(message);
		this.serverError = serverError;
	}
}

/** One read per socket wakeup at most this big; a few chunks in flight fit. */
const readBufferSize = 1 << 20;
const defaultHandshakeTimeoutMs = 5000;
/**
 * A server the cluster advertises may not be reachable from here (another network, NAT): such an
 * attempt is given up soon, and the connected server takes the snapshot instead.
 */
const leaderAttemptTimeoutMs = 1500;
const subscriptionId = 1;
/** Acks are written together, after this long or once this many wait: see `ack`. */
const ackDelayMs = 2;
const acksPerWrite = 16;

export class SnapshotConnection {
	/** The server logged into, as its INFO names it. */
	serverName: string | undefined;
	/** Set once the handshake is done. */
	#socket: Socket | undefined;
	#closed = false;
	#pendingAcks = '';
	#pendingAckCount = 0;
	#ackTimer: NodeJS.Timeout | undefined;

	private constructor() {}

	/**
	 * Connects, authenticates and subscribes to `inbox`; resolves once the server has the
	 * subscription. Undefined when the nats.js connection's settings cannot be reproduced. It goes to
	 * the server named `leader` when the cluster advertises one by that name (INFO's `connect_urls`):
	 * the chunks then skip the route to the connected server, which on two cores took 2.3 s against
	 * 1.6 s for a 534 MiB snapshot (docs/performance.md). Every advertised server is asked at once;
	 * only the one whose INFO names the leader is logged into. Where none answers as the leader, the
	 * connected server is used.
	 */
	static async open(
		nc: NatsConnection,
		inbox: string,
		frames: SnapshotFrames,
		signal: AbortSignal | undefined,
		leader: string | undefined,
	): Promise<SnapshotConnection | undefined> {
		const elsewhere = advertisedElsewhere(nc);
		if (leader && connectionSource(nc) && nc.info?.server_name !== leader && elsewhere.length > 0) {
			const attempts = elsewhere.map(async server =>
				SnapshotConnection.#open(nc, inbox, frames, signal, {server, name: leader}),
			);
			// Only one server has the leader's name: the others fail at its INFO, before logging in.
			const atLeader = await Promise.any(attempts).catch(() => undefined);
			if (atLeader) return atLeader;
			throwIfAborted(signal);
		}

		return SnapshotConnection.#open(nc, inbox, frames, signal, undefined);
	}

	static async #open(
		nc: NatsConnection,
		inbox: string,
		frames: SnapshotFrames,
		signal: AbortSignal | undefined,
		wanted: {server: Endpoint; name: string} | undefined,
	): Promise<SnapshotConnection | undefined> {
		const source = connectionSource(nc);
		if (!source) return undefined;
		const {options} = source;
		const server = wanted?.server ?? source.server;
		const useTls = Boolean(options.tls) || nc.info?.tls_required === true;
		const tls = useTls ? await tlsOptions(options, server) : undefined;
		let handshake: {info(json: string): void; pong(): void; error(text: string): void} | undefined;
		const connection = new SnapshotConnection();
		const fail = (error: SnapshotConnectionError): void => {
			if (handshake) handshake.error(error.message);
			else if (connection.#socket && !connection.#closed) {
				connection.close();
				frames.failed(error);
			}
		};

		const parser = new WireParser({
			info: json => handshake?.info(json),
			ping() {
				if (!reading.destroyed) reading.write('PONG\r\n');
			},
			pong: () => handshake?.pong(),
			error(text) {
				if (handshake) handshake.error(text);
				else fail(new SnapshotConnectionError(`the server reported an error: ${text}`, text));
			},
			messageStart: message => frames.chunkStart(message),
			payload: piece => frames.piece(piece),
			messageEnd: () => frames.chunkEnd(),
		});
		const feed = (bytes: Buffer): void => {
			try {
				parser.push(bytes);
			} catch (error) {
				fail(new SnapshotConnectionError(`unreadable data from the server: ${(error as Error).message}`));
			}
		};

		const firstTls = tls && options.tls?.handshakeFirst === true;
		const socket = tls
			? firstTls
				? tlsConnect({...tls, port: server.port})
				: netConnect({host: server.hostname, port: server.port})
			: plainSocket(server, feed);
		socket.setNoDelay(true);
		let reading: Socket = socket;
		// Plain reads arrive through `onread`; TLS ones as 'data' events.
		if (tls) socket.on('data', feed);
		const timeoutMs = Math.min(
			options.timeout ?? defaultHandshakeTimeoutMs,
			wanted ? leaderAttemptTimeoutMs : Infinity,
		);
		try {
			await new Promise<void>((resolve, reject) => {
				const timer = setTimeout(
					() =>
						reject(new SnapshotConnectionError(`no answer from ${server.hostname}:${server.port} in ${timeoutMs} ms`)),
					timeoutMs,
				);
				const onAbort = (): void => reject(new AbortedError());
				signal?.addEventListener('abort', onAbort, {once: true});
				const settle = (error?: Error): void => {
					clearTimeout(timer);
					signal?.removeEventListener('abort', onAbort);
					if (error) reject(error);
					else resolve();
				};

				const onClose = (): void => settle(new SnapshotConnectionError('the server closed the connection'));
				socket.on('error', error => settle(new SnapshotConnectionError(error.message)));
				socket.on('close', onClose);
				let greeted = false;
				handshake = {
					info(json) {
						// A cluster's server sends INFO again as routes come and go: only the first is answered.
						if (greeted) return;
						greeted = true;
						let nonce: string | undefined;
						try {
							const info = JSON.parse(json) as {nonce?: string; server_name?: string};
							nonce = info.nonce;
							connection.serverName = info.server_name;
							if (wanted && info.server_name !== wanted.name) {
								settle(new SnapshotConnectionError(`${server.hostname}:${server.port} is not ${wanted.name}`));
								return;
							}
						} catch {
							settle(new SnapshotConnectionError('the server sent an unreadable INFO'));
							return;
						}

						const hello = (target: Socket): void => {
							target.write(
								`CONNECT ${connectJson(options, nonce, useTls)}\r\nSUB ${inbox} ${subscriptionId}\r\nPING\r\n`,
							);
						};

						if (!tls || firstTls) {
							hello(socket);
							return;
						}

						// TLS after the plain INFO, as nats-server expects without handshake-first.
						socket.removeListener('data', feed);
						socket.removeListener('close', onClose);
						const secure = tlsConnect({...tls, socket});
						reading = secure;
						secure.on('data', feed);
						secure.on('error', error => settle(new SnapshotConnectionError(error.message)));
						secure.on('close', onClose);
						secure.once('secureConnect', () => hello(secure));
					},
					pong: () => settle(),
					error: text => settle(new SnapshotConnectionError(`the server refused the connection: ${text}`, text)),
				};
			});
		} catch (error) {
			reading.destroy();
			socket.destroy();
			throw error;
		} finally {
			handshake = undefined;
		}

		reading.removeAllListeners('close');
		reading.removeAllListeners('error');
		connection.#socket = reading;
		reading.on('error', error => fail(new SnapshotConnectionError(error.message)));
		reading.on('close', () => fail(new SnapshotConnectionError('the server closed the connection')));
		return connection;
	}

	/**
	 * An empty message to the chunk's reply subject: the server may send one more chunk. Acks go out
	 * together a moment later, since each write is a system call (measured: 4,300 acks written one
	 * by one took 180 ms of CPU in a 534 MiB backup); the server's window holds 8 MiB, far more than
	 * arrives in that moment.
	 */
	ack(reply: string): void {
		this.#pendingAcks += `PUB ${reply} 0\r\n\r\n`;
		if (++this.#pendingAckCount >= acksPerWrite) this.#flushAcks();
		else this.#ackTimer ??= setTimeout(() => this.#flushAcks(), ackDelayMs);
	}

	#flushAcks(): void {
		clearTimeout(this.#ackTimer);
		this.#ackTimer = undefined;
		const acks = this.#pendingAcks;
		this.#pendingAcks = '';
		this.#pendingAckCount = 0;
		this.#write(acks);
	}

	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		clearTimeout(this.#ackTimer);
		this.#socket?.destroy();
	}

	#write(text: string): void {
		if (!this.#closed) this.#socket?.write(text);
	}
}

function plainSocket(server: Endpoint, feed: (bytes: Buffer) => void): Socket {
	const buffer = Buffer.allocUnsafeSlow(readBufferSize);
	return netConnect({
		host: server.hostname,
		port: server.port,
		onread: {
			buffer,
			callback(size) {
				feed(buffer.subarray(0, size));
				return true;
			},
		},
	});
}

function connectJson(options: ConnectionOptions, nonce: string | undefined, tls: boolean): string {
	// nats.js's authenticator yields the CONNECT fields for every kind: user/pass, token, nkey, JWT.
	const auth = options.authenticator ? (options.authenticator as (nonce?: string) => object)(nonce) : {};
	return JSON.stringify({
		verbose: false,
		pedantic: false,
		tls_required: tls,
		name: `${options.name ?? 'nats-dr'} (snapshot)`,
		lang: 'nats-dr',
		version: '1',
		protocol: 1,
		headers: true,
		...auth,
	});
}

async function tlsOptions(options: ConnectionOptions, server: Endpoint): Promise<TlsOptions> {
	const settings = (options.tls ?? {}) as {
		certFile?: string;
		keyFile?: string;
		caFile?: string;
		cert?: string;
		key?: string;
		ca?: string;
	};
	const [cert, key, ca] = await Promise.all([
		settings.certFile ? readFile(settings.certFile) : settings.cert,
		settings.keyFile ? readFile(settings.keyFile) : settings.key,
		settings.caFile ? readFile(settings.caFile) : settings.ca,
	]);
	const name = server.tlsName || server.hostname;
	return {
		host: server.hostname,
		rejectUnauthorized: true,
		...(isIP(name) ? {} : {servername: name}),
		...(cert ? {cert} : {}),
		...(key ? {key} : {}),
		...(ca ? {ca} : {}),
	};
}
