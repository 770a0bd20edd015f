/**
 * The region-loss part of `diagnose`: when streams do not answer and a whole cluster is down, each
 * silent stream gets the readiness verdict — a mirror elsewhere to fail over to, a backup to restore
 * into a surviving cluster, or nothing left. Gathered only then, because it reads every stream's
 * mirror configuration again, which a healthy diagnosis has no use for.
 */
import type {BackupSummary} from '../../core/backup-catalog.js';
import type {Session} from '../../core/connection/session.js';
import type {Diagnosis} from '../../core/diagnosis/diagnose.js';
import {clusterView, configuredClusters} from '../../core/topology/clusters.js';
import {gatherTopology} from '../../core/topology/gather.js';
import type {StreamReadiness} from '../../recovery/readiness.js';
import {assessView} from '../../operations/readiness.js';

export type RegionLoss = {
	down: string[];
	streams: StreamReadiness[];
	/** Each server's cluster worked out from the configured gateways: the diagnosis places a silent server in the meta leader's. */
	clusters: Map<string, string | undefined>;
};

export async function regionLoss(
	session: Session,
	diagnosis: Diagnosis,
	/** Read only when a region is lost: the wizard asks on every refresh. */
	backups: () => Promise<BackupSummary[]>,
	signal: AbortSignal,
): Promise<RegionLoss | undefined> {
	// A stream no live server holds is either silent or only remembered from the inventory.
	const silent =
		diagnosis.streams.ok &&
		diagnosis.streams.value.streams.some(
			stream => stream.status !== 'ok' || (typeof stream.source === 'object' && 'inventory' in stream.source),
		);
	if (!silent || !session.sys || !diagnosis.servers.ok) return undefined;
	// One VARZ round trip first: without a whole cluster down (any single-cluster setup), nothing more is asked.
	const {timeoutMs} = session.settings;
	const configured = await configuredClusters(session.sys, {
		timeoutMs,
		expected: diagnosis.servers.value.answered,
		signal,
	}).catch(() => []);
	if (!clusterView(diagnosis.servers.value.servers, configured).clusters.some(cluster => cluster.down))
		return undefined;
	const view = await gatherTopology(session, {signal});
	const down = view.clusters.filter(cluster => cluster.down).map(cluster => cluster.name);
	if (down.length === 0 || !view.servers.ok) return undefined;
	const readiness = assessView(view, {backups: await backups(), maxRpoMs: undefined});
	return {
		down,
		streams: readiness.streams.filter(stream => !stream.answering && stream.verdict !== 'copy'),
		clusters: new Map(view.servers.value.servers.map(server => [server.name, server.cluster])),
	};
}

/** The diagnosis with its silent servers placed in the clusters the region loss worked out. */
export function placeServers(diagnosis: Diagnosis, loss: RegionLoss | undefined): Diagnosis {
	if (!loss || !diagnosis.servers.ok) return diagnosis;
	const servers = diagnosis.servers.value.servers.map(server => ({
		...server,
		cluster: loss.clusters.get(server.name) ?? server.cluster,
	}));
	return {...diagnosis, servers: {ok: true, value: {...diagnosis.servers.value, servers}}};
}

export function regionLossLines(loss: RegionLoss): string[] {
	return [
		'',
		`Region loss: cluster${loss.down.length > 1 ? 's' : ''} ${loss.down.join(', ')} not answering at all`,
		...loss.streams.map(stream => `  ${stream.stream}: ${stream.words}`),
	];
}

export function regionLossJson(loss: RegionLoss): unknown {
	return {
		down: loss.down,
		streams: loss.streams.map(stream => ({
			stream: stream.stream,
			region: stream.region ?? null,
			recovery:
				stream.rpo.by === 'mirror' || stream.rpo.by === 'source'
					? 'failover'
					: stream.rpo.by === 'backup'
						? 'restore'
						: 'lost',
			from: stream.rpo.from ?? null,
			words: stream.words,
		})),
	};
}
