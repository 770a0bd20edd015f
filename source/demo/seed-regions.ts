/**
 * Seeds the region-loss demo: three streams in the doomed cluster, each protected differently, so
 * losing that cluster shows the three outcomes side by side — ORDERS has a mirror in the surviving
 * cluster (fail over), INVOICES has a backup taken by nats-dr (restore into the surviving cluster),
 * AUDIT has nothing outside its cluster (lost).
 */
import path from 'node:path';
import {AckPolicy, StorageType, type JetStreamManager, type NatsConnection, type StreamConfig} from 'nats';
import {DrError} from '../core/errors.js';
import {backupStream} from '../core/backup/backup-stream.js';
import {defaultTimeoutMs} from '../core/connection/settings.js';
import {jsApiPrefix} from '../core/jsapi.js';
import {watchCatchUp} from '../core/topology/stream-changes.js';
import {mirrorRecord} from '../recovery/failover-plan.js';
import {auditEvent, invoice, order, publishAll, seedingStep, seedingTimeout, type SeededStream} from './seed.js';
import {delay} from './wait.js';

export const regions = {lost: 'east', surviving: 'west', third: 'central'} as const;

/** One server per cluster: servers are named `<cluster>-1`. */
export const regionNodes = [regions.lost, regions.surviving, regions.third].map(cluster => `${cluster}-1`);

export function clusterOfNode(name: string): string {
	return name.replace(/-\d+$/, '');
}

export const regionStreams = {
	failover: 'ORDERS',
	mirror: 'ORDERS_WEST',
	restore: 'INVOICES',
	lost: 'AUDIT',
} as const;

const counts = {failover: 2000, restore: 500, lost: 200};

type Options = {dir: string; signal: AbortSignal; onProgress: (step: string) => void};

/**
 * The meta leader learns each cluster's JetStream servers over the gateways a little after it agrees
 * to lead (seen on 2.9.10): until then a placement in that cluster finds "no suitable peers".
 */
async function addPlaced(jsm: JetStreamManager, config: Partial<StreamConfig>, signal: AbortSignal): Promise<void> {
	const deadline = Date.now() + 20_000;
	for (;;) {
		try {
			await jsm.streams.add(config);
			return;
		} catch (error) {
			if (!/no suitable peers/.test((error as Error).message)) throw error;
			if (Date.now() > deadline)
				throw new DrError(
					`cluster ${config.placement?.cluster ?? '?'} had no JetStream server for ${config.name ?? '?'} within 20s while seeding the demo`,
				);
		}

		await delay(250, signal);
	}
}

export type RegionSeed = {streams: SeededStream[]; backupDir: string};

async function addInRegion(
	nc: NatsConnection,
	name: string,
	description: string,
	messages: number,
	make: typeof order,
	signal: AbortSignal,
): Promise<SeededStream> {
	const jsm = await nc.jetstreamManager(seedingTimeout);
	await seedingStep(`creating ${name}`, signal, async () =>
		addPlaced(
			jsm,
			{
				name,
				subjects: [`${name}.>`],
				num_replicas: 1,
				storage: StorageType.File,
				placement: {cluster: regions.lost, tags: []},
				description,
			},
			signal,
		),
	);
	await seedingStep(`publishing to ${name}`, signal, async () =>
		publishAll(nc.jetstream(seedingTimeout), messages, make, signal),
	);
	return {name, replicas: 1, peers: [`${regions.lost}-1`], pinnedTo: undefined, messages, consumers: []};
}

export async function seedRegions(nc: NatsConnection, {dir, signal, onProgress}: Options): Promise<RegionSeed> {
	const {failover, mirror, restore, lost} = regionStreams;
	onProgress(`Seeding ${failover}, ${restore} and ${lost} in ${regions.lost}`);
	const orders = await addInRegion(nc, failover, 'Order lifecycle events', counts.failover, order, signal);
	const jsm = await nc.jetstreamManager(seedingTimeout);
	await seedingStep(`adding the consumer of ${failover}`, signal, async () =>
		jsm.consumers.add(failover, {
			durable_name: 'fulfillment',
			ack_policy: AckPolicy.Explicit,
			filter_subject: `${failover}.paid`,
		}),
	);
	const invoices = await addInRegion(nc, restore, 'Issued invoices', counts.restore, invoice, signal);
	const audit = await addInRegion(nc, lost, 'Login audit trail', counts.lost, auditEvent, signal);

	onProgress(`Mirroring ${failover} into ${regions.surviving} as ${mirror}`);
	// The configuration `nats-dr protect` gives a mirror, its record of the origin's subjects included.
	await seedingStep(`creating ${mirror}`, signal, async () =>
		addPlaced(
			jsm,
			{
				name: mirror,
				description: mirrorRecord(failover, [`${failover}.>`]),
				num_replicas: 1,
				storage: StorageType.File,
				mirror: {name: failover},
				placement: {cluster: regions.surviving, tags: []},
			},
			signal,
		),
	);
	const js = {nc, prefix: jsApiPrefix(undefined), timeoutMs: defaultTimeoutMs};
	await watchCatchUp(js, mirror, counts.failover, {timeoutMs: 30_000, signal});

	const backupDir = path.join(dir, 'backups', restore);
	onProgress(`Backing up ${restore} into ${backupDir}, before ${regions.lost} is lost`);
	await backupStream(js, restore, backupDir, {signal});
	return {
		streams: [
			{...orders, consumers: ['fulfillment']},
			invoices,
			audit,
			{
				name: mirror,
				replicas: 1,
				peers: [`${regions.surviving}-1`],
				pinnedTo: undefined,
				messages: counts.failover,
				consumers: [],
			},
		],
		backupDir,
	};
}
