/** Seeds streams through nats.js directly, independent of the code under test. */
import {connect, headers, type NatsConnection, type StreamConfig} from 'nats';
import {AckPolicy, ErrorCode} from 'nats';
import {randomBytes} from 'node:crypto';
import {appUser, delay, sysUser, waitFor, type TestCluster} from './nats-server.js';

export async function appConnection(cluster: TestCluster): Promise<NatsConnection> {
	return connect({servers: cluster.running().map(node => node.url), user: appUser.user, pass: appUser.password});
}

export async function addStream(
	nc: NatsConnection,
	config: Partial<StreamConfig> & {name: string},
	messages = 0,
): Promise<void> {
	const jsm = await nc.jetstreamManager();
	// Right after a cluster forms, the meta leader may not have every server's statistics yet and refuses
	// placement (seen on nats-server 2.10.27 for over 20 s on a loaded machine, even for R1), or takes
	// longer than nats.js waits for the first stream (a TIMEOUT on 2.14.10 in CI): those are retried,
	// and creating a stream again with the same config is accepted.
	const deadline = Date.now() + 60_000;
	for (let attempt = 0; ; attempt++) {
		try {
			await jsm.streams.add({subjects: [`${config.name}.>`], ...config});
			break;
		} catch (error) {
			const slow = (error as {code?: string}).code === ErrorCode.Timeout;
			if (!(slow || /no suitable peers/.test(String(error))) || Date.now() > deadline) throw error;
			// The leader takes a peer's tags and stats only from its statsz broadcasts, sent at growing
			// intervals up to every 10 s after start; a ping without a reply subject makes every server
			// broadcast at once (nats-server events.go, statszReq).
			if (attempt % 8 === 0) await askForStatsz(nc);
			await delay(250);
		}
	}

	const js = nc.jetstream();
	const publish = async (i: number) => {
		const h = headers();
		h.set('X-Seq', String(i));
		return js.publish(`${config.name}.s${i % 7}`, new TextEncoder().encode(JSON.stringify({i, stream: config.name})), {
			headers: h,
		});
	};

	// A stream placed in another cluster of a supercluster answers publishes only once the gateways
	// have carried its interest: until then a publish gets 503 (no responders), so the first is retried.
	if (messages > 0) {
		const deadline = Date.now() + 20_000;
		for (;;) {
			try {
				await publish(1);
				break;
			} catch (error) {
				if ((error as {code?: string}).code !== '503' || Date.now() > deadline) throw error;
				await delay(100);
			}
		}
	}

	const pending: Array<Promise<unknown>> = [];
	for (let i = 2; i <= messages; i++) {
		pending.push(publish(i));
		if (pending.length >= 200) await Promise.all(pending.splice(0));
	}

	await Promise.all(pending);
}

/**
 * Right after a cluster is ready, newer servers may still refuse a placement ("no suitable peers
 * for placement, peer offline") until the meta leader has heard from every peer: retried until placed.
 */
export async function addPlacedStream(
	nc: NatsConnection,
	config: Partial<StreamConfig> & {name: string},
	messages = 0,
): Promise<void> {
	const jsm = await nc.jetstreamManager();
	await waitFor(async () => jsm.streams.add({subjects: [`${config.name}.>`], ...config}).then(() => true), {
		what: `stream ${config.name} placed`,
	});
	await addStream(nc, config, messages);
}

/** CLI arguments that connect to the running nodes with app and system credentials. */
export function cliConnection(cluster: TestCluster, {sys = true} = {}): string[] {
	return [
		'--server',
		cluster
			.running()
			.map(node => node.url)
			.join(','),
		'--user',
		appUser.user,
		'--password',
		appUser.password,
		...(sys ? ['--sys-user', sysUser.user, '--sys-password', sysUser.password] : []),
	];
}

/** Appends `mib` MiB of incompressible 64 KiB messages, so the archive is as big as the data. */
export async function fillRandom(nc: NatsConnection, subject: string, mib: number): Promise<void> {
	const js = nc.jetstream();
	const pending: Array<Promise<unknown>> = [];
	for (let i = 0; i < mib * 16; i++) {
		pending.push(js.publish(subject, randomBytes(64 * 1024)));
		if (pending.length >= 64) await Promise.all(pending.splice(0));
	}

	await Promise.all(pending);
}

/**
 * The consumers of the natscli fixtures: PROCESSOR (explicit ack, the first `acked` messages
 * fetched and acked) and MONITOR (filtered to `<stream>.s1`, nothing delivered).
 */
export async function addFixtureConsumers(nc: NatsConnection, stream: string, acked = 100): Promise<void> {
	const jsm = await nc.jetstreamManager();
	await jsm.consumers.add(stream, {durable_name: 'PROCESSOR', ack_policy: AckPolicy.Explicit});
	await jsm.consumers.add(stream, {
		durable_name: 'MONITOR',
		ack_policy: AckPolicy.Explicit,
		filter_subject: `${stream}.s1`,
	});
	const consumer = await nc.jetstream().consumers.get(stream, 'PROCESSOR');
	let got = 0;
	while (got < acked) {
		const batch = await consumer.fetch({max_messages: acked - got, expires: 2000});
		for await (const message of batch) {
			await message.ackAck();
			got++;
		}
	}
}

export {fixtureBackups} from './fixtures.js';

export type RestoredState = {
	messages: number;
	firstSeq: number;
	lastSeq: number;
	numDeleted: number;
	replicas: number;
	/** name → [delivered stream seq, ack floor stream seq] */
	consumers: Record<string, [number, number]>;
};

/** What the fixtures README says each fixture stream must look like after a restore. */
export const fixtureStates: Record<string, RestoredState> = {
	ORDERS: {
		messages: 2995,
		firstSeq: 1,
		lastSeq: 3000,
		numDeleted: 5,
		replicas: 1,
		consumers: {MONITOR: [0, 0], PROCESSOR: [105, 105]},
	},
	AUDIT: {messages: 1000, firstSeq: 1, lastSeq: 1000, numDeleted: 0, replicas: 1, consumers: {}},
	EVENTS: {
		messages: 2000,
		firstSeq: 1,
		lastSeq: 2000,
		numDeleted: 0,
		replicas: 3,
		consumers: {MONITOR: [0, 0], PROCESSOR: [100, 100]},
	},
	RANDOM: {messages: 3072, firstSeq: 1, lastSeq: 3072, numDeleted: 0, replicas: 1, consumers: {}},
};

/** A stream's state and consumers as the server reports them through nats.js. */
export async function restoredState(nc: NatsConnection, stream: string): Promise<RestoredState> {
	const jsm = await nc.jetstreamManager();
	const {state, config} = await jsm.streams.info(stream);
	const consumers: RestoredState['consumers'] = {};
	for (const info of await jsm.consumers.list(stream).next())
		consumers[info.name] = [info.delivered.stream_seq, info.ack_floor.stream_seq];
	return {
		messages: state.messages,
		firstSeq: state.first_seq,
		lastSeq: state.last_seq,
		numDeleted: state.num_deleted ?? 0,
		replicas: config.num_replicas,
		consumers,
	};
}

/** Every stream name the server knows, including a name an unfinished restore holds. */
export async function streamNames(nc: NatsConnection): Promise<string[]> {
	const reply = await nc.request('$JS.API.STREAM.NAMES', new TextEncoder().encode('{}'), {timeout: 5000});
	return ((JSON.parse(new TextDecoder().decode(reply.data)) as {streams: string[] | null}).streams ?? []).sort();
}

/** Best effort: a cluster whose accounts have no system user of ours is left to its own pace. */
async function askForStatsz(nc: NatsConnection): Promise<void> {
	const server = nc.getServer();
	const sys = await connect({servers: server, user: sysUser.user, pass: sysUser.password}).catch(() => undefined);
	if (!sys) return;
	try {
		sys.publish('$SYS.REQ.SERVER.PING.STATSZ');
		await sys.flush();
	} finally {
		await sys.close();
	}
}
