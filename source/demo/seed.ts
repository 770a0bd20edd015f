/**
 * Seeds the demo cluster with streams an operator would recognise: an R3 ORDERS stream with durable
 * consumers (one part-way through its work), an R1 INVOICES stream pinned by tag to one server, and
 * an R1 AUDIT stream on the spare. Messages carry headers, as real traffic does.
 */
import {
	AckPolicy,
	ErrorCode,
	headers,
	StorageType,
	type JetStreamClient,
	type JetStreamManager,
	type MsgHdrs,
	type NatsConnection,
} from 'nats';
import {DrError, throwIfAborted} from '../core/errors.js';
import {delay} from './wait.js';
import {demoClusterName, nodeTag} from './server-config.js';

export const demoStreams = {replicated: 'ORDERS', pinned: 'INVOICES', safe: 'AUDIT'} as const;

export type SeededStream = {
	name: string;
	replicas: number;
	/** Servers holding a replica, leader first. */
	peers: string[];
	/** The placement tag pinning an R1 stream to one server. */
	pinnedTo: string | undefined;
	messages: number;
	consumers: string[];
};

const regions = ['eu-west', 'eu-central', 'us-east', 'ap-south'];
const orderEvents = ['created', 'created', 'paid', 'paid', 'shipped'];
const encoder = new TextEncoder();
const inFlight = 250;
/**
 * Each JetStream request of the seeding (create a stream, a consumer, a publish's ack) may take this
 * long: on a loaded machine a just-started cluster answers an R3 create after nats.js's 5 s default.
 */
export const seedingTimeout = {timeout: 30_000};

type Message = {subject: string; body: unknown; headers: Record<string, string>};

/**
 * A request lost on a loaded machine (nats.js's TIMEOUT), or a subject nobody listens to yet (503:
 * a just-created stream's or consumer's interest still crossing the routes), is asked again: every
 * step is safe to repeat (creating with the same config is accepted, publishes carry a Nats-Msg-Id
 * the stream deduplicates, the first batch acks only what is still unacked). CI saw one demo fail
 * with a bare TIMEOUT on a busy machine, and one on nats-server 2.15.3 with three 503s in a row
 * while acknowledging ORDERS' first batch: interest takes time, so a 503 is asked again after a
 * pause, a TIMEOUT (which waited 30 s already) at once.
 */
export function attemptsFor(error: unknown): number {
	const code = (error as {code?: string}).code;
	if (code === ErrorCode.Timeout) return 3;
	if (code === ErrorCode.NoResponders) return 6;
	return 1;
}

/** Before the attempt after `attempt`: 0.25 s, doubling to 2 s (5.75 s over six attempts). */
export function pauseAfter(error: unknown, attempt: number): number {
	return (error as {code?: string}).code === ErrorCode.NoResponders ? Math.min(2000, 250 * 2 ** (attempt - 1)) : 0;
}

/** nats.js errors are bare codes (TIMEOUT, 503): the step they stopped goes with them. */
export async function seedingStep<T>(what: string, signal: AbortSignal, step: () => Promise<T>): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await step();
		} catch (error) {
			if (error instanceof DrError) throw error;
			if (attempt < attemptsFor(error) && !signal.aborted) {
				await delay(pauseAfter(error, attempt), signal);
				continue;
			}

			throw new Error(`${what}: ${(error as Error).message}`, {cause: error});
		}
	}
}

export async function publishAll(
	js: JetStreamClient,
	count: number,
	message: (i: number) => Message,
	signal: AbortSignal,
): Promise<void> {
	let pending: Array<Promise<unknown>> = [];
	for (let i = 1; i <= count; i++) {
		const {subject, body, headers: values} = message(i);
		const h: MsgHdrs = headers();
		for (const [key, value] of Object.entries(values)) h.set(key, value);
		const data = encoder.encode(JSON.stringify(body));
		if (i === 1) {
			await firstPublish(js, subject, data, h, signal);
			continue;
		}

		pending.push(js.publish(subject, data, {headers: h}));
		if (pending.length >= inFlight) {
			await Promise.all(pending);
			pending = [];
			throwIfAborted(signal);
		}
	}

	await Promise.all(pending);
}

/** How long a stream just created may take to listen on its subjects at the server this client talks to. */
const listeningTimeoutMs = 30_000;

/**
 * A stream just created on another server is listened for here only once the interest has crossed
 * the routes: until then a publish gets 503 (no responders), seen on a loaded machine.
 */
async function firstPublish(
	js: JetStreamClient,
	subject: string,
	data: Uint8Array,
	h: MsgHdrs,
	signal: AbortSignal,
): Promise<void> {
	const deadline = Date.now() + listeningTimeoutMs;
	for (;;) {
		try {
			await js.publish(subject, data, {headers: h});
			return;
		} catch (error) {
			if ((error as {code?: string}).code !== ErrorCode.NoResponders || Date.now() > deadline) throw error;
		}

		await delay(100, signal);
	}
}

export function order(i: number): Message {
	const event = orderEvents[i % orderEvents.length]!;
	const id = `ord-${String(Math.ceil(i / 2)).padStart(5, '0')}`;
	const region = regions[i % regions.length]!;
	return {
		subject: `ORDERS.${event}`,
		body: {
			order_id: id,
			event,
			customer: `cust-${(i * 7919) % 500}`,
			region,
			items: (i % 5) + 1,
			total_cents: 995 + ((i * 37) % 20_000),
			currency: 'EUR',
		},
		headers: {
			'Nats-Msg-Id': `${id}-${event}-${i}`,
			'Content-Type': 'application/json',
			'X-Region': region,
			'X-Event': event,
		},
	};
}

export function invoice(i: number): Message {
	const id = `inv-${String(i).padStart(5, '0')}`;
	return {
		subject: `INVOICES.issued.${regions[i % regions.length]!}`,
		body: {
			invoice_id: id,
			order_id: `ord-${String(i).padStart(5, '0')}`,
			amount_cents: 995 + ((i * 53) % 20_000),
			currency: 'EUR',
		},
		headers: {'Nats-Msg-Id': id, 'Content-Type': 'application/json', 'X-Currency': 'EUR'},
	};
}

export function auditEvent(i: number): Message {
	return {
		subject: 'AUDIT.login',
		body: {actor: `user-${i % 40}`, action: 'login', ok: i % 13 !== 0},
		headers: {'Nats-Msg-Id': `audit-${i}`, 'Content-Type': 'application/json', 'X-Actor': `user-${i % 40}`},
	};
}

/** Creates ORDERS (R3) and its consumers, publishes to it, and waits until every replica is current. */
export async function seedReplicated(
	nc: NatsConnection,
	{messages, signal}: {messages: number; signal: AbortSignal},
): Promise<SeededStream> {
	const jsm = await nc.jetstreamManager(seedingTimeout);
	const js = nc.jetstream(seedingTimeout);
	const name = demoStreams.replicated;
	await seedingStep(`creating ${name}`, signal, async () =>
		jsm.streams.add({
			name,
			subjects: [`${name}.>`],
			num_replicas: 3,
			storage: StorageType.File,
			description: 'Order lifecycle events',
		}),
	);
	await seedingStep(`adding the consumers of ${name}`, signal, async () => {
		await jsm.consumers.add(name, {
			durable_name: 'fulfillment',
			ack_policy: AckPolicy.Explicit,
			filter_subject: `${name}.paid`,
			description: 'Ships paid orders',
		});
		await jsm.consumers.add(name, {
			durable_name: 'analytics',
			ack_policy: AckPolicy.Explicit,
			description: 'Reads every order event',
		});
	});
	await seedingStep(`publishing to ${name}`, signal, async () => publishAll(js, messages, order, signal));
	await seedingStep(`acknowledging a first batch of ${name}`, signal, async () =>
		workOff(jsm, js, name, 'fulfillment', 100),
	);
	const peers = await seedingStep(`waiting for the replicas of ${name}`, signal, async () =>
		waitAllCurrent(jsm, name, signal),
	);
	return {name, replicas: 3, peers, pinnedTo: undefined, messages, consumers: ['fulfillment', 'analytics']};
}

/**
 * Acknowledges a first batch, so the consumer has progress that a recovery must keep. Only what is
 * not yet acknowledged is fetched, so a repeated step does not ack more than `count`.
 */
async function workOff(
	jsm: JetStreamManager,
	js: JetStreamClient,
	stream: string,
	consumer: string,
	count: number,
): Promise<void> {
	const acked = (await jsm.consumers.info(stream, consumer)).ack_floor.consumer_seq;
	if (acked >= count) return;
	const messages = await (await js.consumers.get(stream, consumer)).fetch({max_messages: count - acked, expires: 5000});
	let last;
	for await (const message of messages) {
		message.ack();
		last = message;
	}

	await last?.ackAck();
}

/** Creates an R1 stream placed by tag on one server. */
export async function seedPinned(
	nc: NatsConnection,
	{
		name,
		server,
		messages,
		signal,
	}: {name: typeof demoStreams.pinned | typeof demoStreams.safe; server: string; messages: number; signal: AbortSignal},
): Promise<SeededStream> {
	const jsm = await nc.jetstreamManager(seedingTimeout);
	const tag = nodeTag(server);
	const description =
		name === demoStreams.pinned ? 'Issued invoices (R1: kept on one server)' : 'Login audit trail (R1)';
	await seedingStep(`creating ${name}`, signal, async () =>
		jsm.streams.add({
			name,
			subjects: [`${name}.>`],
			num_replicas: 1,
			storage: StorageType.File,
			placement: {cluster: demoClusterName, tags: [tag]},
			description,
		}),
	);
	await seedingStep(`publishing to ${name}`, signal, async () =>
		publishAll(nc.jetstream(seedingTimeout), messages, name === demoStreams.pinned ? invoice : auditEvent, signal),
	);
	return {name, replicas: 1, peers: [server], pinnedTo: tag, messages, consumers: []};
}

async function waitAllCurrent(jsm: JetStreamManager, stream: string, signal: AbortSignal): Promise<string[]> {
	const deadline = Date.now() + 20_000;
	while (Date.now() < deadline) {
		throwIfAborted(signal);
		const {cluster} = await jsm.streams.info(stream);
		const replicas = cluster?.replicas ?? [];
		if (cluster?.leader && replicas.length === 2 && replicas.every(replica => replica.current && !replica.lag)) {
			return [cluster.leader, ...replicas.map(replica => replica.name)];
		}

		await delay(200, signal);
	}

	throw new DrError(`the replicas of ${stream} did not catch up within 20s while seeding the demo`);
}
