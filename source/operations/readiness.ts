/**
 * DR readiness, gathered and assessed once for `nats-dr readiness`, the region-loss part of
 * `diagnose` and the wizard's readiness screen: read-only, so it needs no write permission.
 */
import type {BackupSummary} from '../core/backup-catalog.js';
import type {Session} from '../core/connection/session.js';
import {DrError} from '../core/errors.js';
import {gatherTopology, type TopologyView} from '../core/topology/gather.js';
import {assessReadiness, type Readiness} from '../recovery/readiness.js';

export type ReadinessReport = {view: TopologyView; readiness: Readiness};

export function assessView(
	view: TopologyView,
	{backups, maxRpoMs}: {backups: BackupSummary[]; maxRpoMs: number | undefined},
): Readiness {
	const servers = view.servers.ok ? view.servers.value : undefined;
	return assessReadiness({
		streams: view.domains.flatMap(domain => domain.streams),
		servers: servers?.servers.map(server => ({
			name: server.name,
			cluster: server.cluster,
			answering: server.answering,
			jetstream: server.jetstream,
		})),
		metaClusterSize: servers?.metaClusterSize,
		backups,
		now: Date.parse(view.time),
		maxRpoMs,
		downRegions: view.clusters.filter(cluster => cluster.down).map(cluster => cluster.name),
	});
}

/** Fails with a sentence when the account's streams cannot be listed: without them there is nothing to judge. */
export async function gatherReadiness(
	session: Session,
	{
		domains = [],
		backups,
		maxRpoMs,
		signal,
	}: {domains?: string[]; backups: BackupSummary[]; maxRpoMs: number | undefined; signal?: AbortSignal},
): Promise<ReadinessReport> {
	const view = await gatherTopology(session, {domains, signal});
	const first = view.domains[0]!;
	if (first.problem) throw new DrError(`cannot list the account's streams: ${first.problem}`);
	return {view, readiness: assessView(view, {backups, maxRpoMs})};
}
