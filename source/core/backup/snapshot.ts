/**
 * The snapshot protocol (protocol doc §3): subscribe to a fresh inbox, request the snapshot, ack
 * every chunk as it arrives, hand it to a sink, and end on the empty message. Every way the
 * transfer can stop short (a status header, silence, a dropped connection, a full disk, the
 * operator) ends it with an error, so a partial archive is never mistaken for a whole one.
 */
import {createInbox, type Msg, type NatsConnection, type QueuedIterator, type Status} from 'nats';
import {setTimeout as sleep} from 'node:timers/promises';
import {formatDuration} from '../duration.js';
import {AbortedError, DrError, JsApiError} from '../errors.js';
import {hasAnswered, requestError, type JsApi} from '../jsapi.js';
import {rawMembers} from './raw-json.js';
import {SnapshotConnection, SnapshotConnectionError, type SnapshotFrames} from './snapshot-connection.js';
import {headerStatus} from './wire-parser.js';

/** How long a snapshot taken again waits for the server to let go of the one given up. */
const givenUpSnapshotWaitMs = 10_000;

export type SnapshotRequest = {
	stream: string;
	consumers: boolean;
	check: boolean;
	chunkSize: number;
	idleTimeoutMs: number;
	/** For the API request; with `check` the server replies only after scanning every block. */
	requestTimeoutMs: number;
	/** The connection's inbox prefix, for accounts whose permissions allow only their own inboxes. */
	inboxPrefix: string | undefined;
	signal: AbortSignal | undefined;
	/** Receive through a connection of our own (the default, where it can be opened) or through nats.js. */
	ownConnection?: boolean;
	/** The stream leader's server name: the connection of our own goes there when it can. */
	leader?: string | undefined;
};

/** The snapshot reply's `config` and `state`, as the server's raw JSON text and parsed. */
export type SnapshotReply = {
	rawConfig: string;
	rawState: string;
	config: Record<string, unknown>;
	state: {messages?: number; bytes?: number; first_seq?: number; last_seq?: number; consumer_count?: number};
};

/** Where chunks go. `write` must not block: it queues, and the sink writes on its own time. */
export type ChunkSink = {
	write(chunk: Uint8Array): void;
	/** Bytes the disk has taken so far. */
	readonly writtenBytes: number;
	/**
	 * How far received data may run ahead of the disk: a chunk is acked only once no more than this is
	 * unwritten up to its end, so the server sends at the disk's pace.
	 */
	readonly backlogLimit: number;
	/**
	 * True once the backlog is past what memory may hold even with acks withheld: nats-server before
	 * 2.10.12 sends a chunk every 10 ms anyway once its window is full (protocol doc §3.4), 100 MiB/s
	 * at 1 MiB chunks, so a disk slower than that would fill memory without end. The backup then stops.
	 */
	readonly overflowing: boolean;
	/** Called by the sink whenever the disk took more bytes. */
	onDrain: (() => void) | undefined;
	/** Set once the sink failed (a full disk, say); the transfer stops with it. */
	onError: ((error: Error) => void) | undefined;
};

/** The disk fell further behind than memory may hold on a server that does not wait for acks. */
export class SnapshotOverflowError extends DrError {
	readonly chunkSize: number;

	constructor(stream: string, chunkSize: number) {
		super(
			`the backup disk is slower than the server sends the snapshot of ${stream}: stopped before the unwritten data outgrew memory`,
			{
				hint: 'nats-server before 2.10.12 sends a chunk every 10 ms even when the client falls behind: back up to a faster disk, or pass a smaller --chunk-size (64KiB holds it to 6.25 MiB/s)',
			},
		);
		this.name = 'SnapshotOverflowError';
		this.chunkSize = chunkSize;
	}
}

/** The server still runs a snapshot of the stream: another backup's, or one given up a moment ago. */
function snapshotInProgress(error: unknown): boolean {
	return error instanceof JsApiError && /snapshot in progress/.test(error.description);
}

/**
 * Runs `attempt` again while the server still finishes a snapshot that was given up: nats-server
 * before 2.10.12 goes on sending it until it notices that nobody listens. Bounded, since a failed
 * health check can leave that state until the server restarts.
 */
export async function afterGivenUpSnapshot<T>(attempt: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
	const until = performance.now() + givenUpSnapshotWaitMs;
	for (let waitMs = 50; ; waitMs = Math.min(waitMs * 2, 1000)) {
		try {
			return await attempt();
		} catch (error) {
			if (!snapshotInProgress(error) || performance.now() + waitMs > until) throw error;
			await sleep(waitMs, undefined, {signal}).catch(() => {
				throw new AbortedError();
			});
		}
	}
}

export type SnapshotTotals = {
	chunks: number;
	bytes: number;
	/** Which client received the chunks: our own connection, or nats.js where that could not be opened. */
	receiver: SnapshotReceiver;
	/** The server our own connection received them from: the stream leader's where it could. */
	server?: string | undefined;
};

export type SnapshotReceiver = 'own' | 'nats.js';

export async function receiveSnapshot(
	js: JsApi,
	request: SnapshotRequest,
	sink: ChunkSink,
	hooks: {onReply(reply: SnapshotReply): void; onChunk(bytes: number): void},
): Promise<SnapshotTotals> {
	const {nc} = js;
	const {stream, signal} = request;
	signal?.throwIfAborted();
	const totals: SnapshotTotals = {chunks: 0, bytes: 0, receiver: 'nats.js'};
	let finish!: () => void;
	let fail!: (error: unknown) => void;
	const ended = new Promise<void>((resolve, reject) => {
		finish = resolve;
		fail = reject;
	});
	let lastActivity = performance.now();
	const deferredAcks: Array<{reply: string; end: number}> = [];
	let overflowed = false;
	let ack = (reply: string): void => nc.publish(reply);

	// One chunk's handling, whichever client receives it: its start (ack), its bytes, possibly in
	// pieces, then its end; an empty message is the end marker.
	let chunkBytes = 0;
	/** Bytes of every chunk begun so far: where the current one ends. */
	let receivedBytes = 0;
	const chunkStart = (reply: string | undefined, size: number, status: () => EndStatus): void => {
		if (size === 0) {
			const failure = endStatus(status(), stream);
			if (failure) fail(failure);
			else finish();
			return;
		}

		if (overflowed) return;
		lastActivity = performance.now();
		chunkBytes = size;
		receivedBytes += size;
		// Acked on receipt, before the disk sees it, unless the disk is far behind: then the ack waits
		// until the disk is close enough to this chunk's end, which is what the server's flow control is
		// for. Acks go out one by one as the disk advances, not all at once when it caught up: a server
		// from 2.10.12 to 2.12.4 gives the snapshot up after 2 s without an ack (408; later ones after
		// 5 s), and a burst would let it send a whole window again, which a slow disk needs seconds to
		// take. A chunk without a reply is never acked.
		if (reply) {
			const end = receivedBytes;
			if (deferredAcks.length > 0 || end - sink.writtenBytes > sink.backlogLimit) deferredAcks.push({reply, end});
			else ack(reply);
		}
	};

	// Chunks still in the socket after an overflow are dropped: the backup has failed anyway.
	const piece = (bytes: Uint8Array): void => {
		if (!overflowed) sink.write(bytes);
	};

	const chunkEnd = (): void => {
		if (overflowed || chunkBytes === 0) return;
		totals.chunks++;
		totals.bytes += chunkBytes;
		const bytes = chunkBytes;
		chunkBytes = 0;
		if (sink.overflowing) {
			overflowed = true;
			fail(new SnapshotOverflowError(stream, request.chunkSize));
			return;
		}

		hooks.onChunk(bytes);
	};

	const inbox = createInbox(request.inboxPrefix);
	const frames: SnapshotFrames = {
		chunkStart: message =>
			chunkStart(message.reply, message.size, () =>
				message.headers ? headerStatus(message.headers) : {code: 0, description: ''},
			),
		piece,
		chunkEnd,
		failed: error => fail(connectionError(error, stream)),
	};
	const own =
		request.ownConnection === false ? undefined : await openOwnConnection(nc, inbox, frames, signal, request.leader);
	if (own) {
		totals.receiver = 'own';
		totals.server = own.serverName;
		ack = reply => own.ack(reply);
	}

	// Subscribed before the request: the server waits at most 2 s for interest (§3.2). A subject of its
	// own, not under the request mux, or every chunk would be delivered twice (§4.6).
	const sub = own
		? undefined
		: nc.subscribe(inbox, {
				callback(error, msg) {
					if (error) {
						fail(
							new DrError(`cannot receive the snapshot of ${stream}: ${error.message}`, {
								hint: 'the user needs permission to subscribe to its inbox',
								cause: error,
							}),
						);
						return;
					}

					chunkStart(msg.reply || undefined, msg.data.length, () => ({
						code: msg.headers?.code ?? 0,
						description: msg.headers?.description ?? '',
					}));
					piece(msg.data);
					chunkEnd();
				},
			});
	sink.onDrain = () => {
		lastActivity = performance.now();
		while (deferredAcks.length > 0 && deferredAcks[0]!.end - sink.writtenBytes <= sink.backlogLimit)
			ack(deferredAcks.shift()!.reply);
	};

	sink.onError = fail;
	const onAbort = (): void => fail(new AbortedError());
	signal?.addEventListener('abort', onAbort, {once: true});
	// With our own connection for the chunks, nats.js carries only the request, whose reply is awaited.
	// nats.js types status() as a plain AsyncIterable, but it is a QueuedIterator; stop() unregisters it.
	const status = own ? undefined : (nc.status() as QueuedIterator<Status>);
	if (status) void watchConnection(nc, status, stream).catch(fail);
	let idleTimer: NodeJS.Timeout | undefined;
	try {
		const replied = requestSnapshot(js, request, inbox);
		replied.catch(() => undefined);
		// A failure (an abort, a dropped connection) must not wait for the reply.
		hooks.onReply(await Promise.race([replied, ended.then(async () => replied)]));
		lastActivity = performance.now();
		const checkIdle = (): void => {
			const quiet = performance.now() - lastActivity;
			if (quiet >= request.idleTimeoutMs) fail(idleError(stream, request.idleTimeoutMs));
			else idleTimer = setTimeout(checkIdle, request.idleTimeoutMs - quiet);
		};

		idleTimer = setTimeout(checkIdle, request.idleTimeoutMs);
		await ended;
		return totals;
	} finally {
		clearTimeout(idleTimer);
		signal?.removeEventListener('abort', onAbort);
		status?.stop();
		sub?.unsubscribe();
		own?.close();
		sink.onDrain = undefined;
		sink.onError = undefined;
		// Errors raised after the outcome was decided have nobody left to tell.
		ended.catch(() => undefined);
	}
}

type EndStatus = {code: number; description: string};

/**
 * Our own receiving connection (snapshot-connection.ts), or undefined to receive through nats.js:
 * when the connection's settings cannot be reproduced, or our client could not connect (a server
 * at its connection limit, say), the transfer has not started and nats.js takes it on.
 */
async function openOwnConnection(
	nc: NatsConnection,
	inbox: string,
	frames: SnapshotFrames,
	signal: AbortSignal | undefined,
	leader: string | undefined,
): Promise<SnapshotConnection | undefined> {
	try {
		return await SnapshotConnection.open(nc, inbox, frames, signal, leader);
	} catch (error) {
		if (error instanceof AbortedError) throw error;
		return undefined;
	}
}

function connectionError(error: SnapshotConnectionError, stream: string): DrError {
	const denied = /^Permissions Violation for Publish to "?(\$JS\.SNAPSHOT\.ACK\.[^"]*)"?/.exec(
		error.serverError ?? '',
	)?.[1];
	if (denied) return ackDeniedError(stream, denied);
	return droppedError(stream, error);
}

function ackDeniedError(stream: string, subject: string): DrError {
	return new DrError(`the server refused the acknowledgements for the snapshot of ${stream} (${subject})`, {
		hint: 'the user needs publish permission on $JS.SNAPSHOT.ACK.>',
	});
}

function droppedError(stream: string, cause?: unknown): DrError {
	return new DrError(`the connection to NATS dropped during the backup of ${stream}: chunks sent meanwhile are lost`, {
		hint: 'check that the servers are up (`nats-dr diagnose`), then take the backup again',
		...(cause ? {cause} : {}),
	});
}

async function requestSnapshot(js: JsApi, request: SnapshotRequest, deliverSubject: string): Promise<SnapshotReply> {
	const subject = `${js.prefix}.STREAM.SNAPSHOT.${request.stream}`;
	const body = {
		deliver_subject: deliverSubject,
		...(request.consumers ? {} : {no_consumers: true}),
		...(request.check ? {jsck: true} : {}),
		chunk_size: request.chunkSize,
	};
	let message: Msg;
	try {
		message = await js.nc.request(subject, new TextEncoder().encode(JSON.stringify(body)), {
			timeout: request.requestTimeoutMs,
		});
	} catch (error) {
		throw requestError(error, subject, request.requestTimeoutMs, hasAnswered(js.nc));
	}

	return parseReply(new TextDecoder().decode(message.data), subject);
}

export function parseReply(text: string, subject: string): SnapshotReply {
	let members: Map<string, string>;
	let parsed: Record<string, unknown>;
	try {
		members = rawMembers(text);
		parsed = JSON.parse(text) as Record<string, unknown>;
	} catch {
		throw new DrError(`${subject}: the reply is not a JSON object`);
	}

	const error = parsed['error'] as {code: number; err_code?: number; description: string} | undefined;
	if (error) throw snapshotError(subject, error);
	const rawConfig = members.get('config');
	const rawState = members.get('state');
	const {config, state} = parsed;
	if (rawConfig === undefined || rawState === undefined || !isObject(config) || !isObject(state)) {
		throw new DrError(`${subject}: the reply has no stream config and state`);
	}

	return {rawConfig, rawState, config, state};
}

function snapshotError(subject: string, error: {code: number; err_code?: number; description: string}): JsApiError {
	const apiError = new JsApiError(subject, error);
	const hint = /snapshot in progress/.test(error.description)
		? "another backup of this stream is running: wait for it to end (on nats-server 2.9-2.12 a failed --check also leaves this state until the stream leader's server restarts)"
		: /snapshot check detected/.test(error.description)
			? "the stream has damaged messages; on nats-server 2.9-2.12 it now refuses further snapshots and deletions until its leader's server restarts"
			: undefined;
	// JsApiError's constructor takes no hint; the codes stay for callers that branch on them.
	return hint ? Object.assign(apiError, {hint}) : apiError;
}

/** The end marker: an empty message, with a status header on newer servers (§3.5). */
function endStatus({code, description}: EndStatus, stream: string): DrError | undefined {
	if (code === 0 || code === 204) return undefined;
	const status = `${code} ${description}`.trim();
	const hint =
		code === 408
			? 'the server stopped waiting for acknowledgements: the client or the link was too slow; retry the backup'
			: 'the server could not finish the snapshot; run `nats-dr diagnose` and retry';
	return new DrError(`the server ended the snapshot of ${stream} with an error: ${status}`, {hint});
}

function idleError(stream: string, idleTimeoutMs: number): DrError {
	return new DrError(`no snapshot data for ${stream} in ${formatDuration(idleTimeoutMs)}: the backup stopped short`, {
		hint: 'the stream leader may be overloaded, gone or re-elected: check `nats-dr diagnose`, then retry, or raise --idle-timeout',
	});
}

/** Chunks published while the connection is down are lost, so any break fails the backup. */
async function watchConnection(nc: NatsConnection, status: AsyncIterable<Status>, stream: string): Promise<void> {
	for await (const event of status) {
		if (event.type === 'disconnect' || event.type === 'reconnect') throw droppedError(stream);
		const denied = (event as Status & {permissionContext?: {subject?: string}}).permissionContext?.subject;
		if (event.type === 'error' && denied?.startsWith('$JS.SNAPSHOT.ACK.')) throw ackDeniedError(stream, denied);
	}

	if (nc.isClosed()) throw new DrError(`the connection to NATS closed during the backup of ${stream}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
