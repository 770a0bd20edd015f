/**
 * The sentences of a readiness report, shared by `nats-dr readiness` and the wizard's readiness
 * screen so that both say the same thing about the same facts. Pure.
 */
import {formatBytes, formatCount} from '../core/format.js';
import type {TopologyView} from '../core/topology/gather.js';
import {formatAge, type Readiness, type RegionLoss, type StreamReadiness} from './readiness.js';

export function rpoText(stream: StreamReadiness): string {
	if (stream.verdict === 'copy') return '-';
	if (stream.rpo.by === 'none') return 'all data';
	return stream.rpo.ms === undefined ? `${stream.rpo.messages ?? '?'} msgs` : formatAge(stream.rpo.ms);
}

export function copiesText(stream: StreamReadiness): string {
	return stream.copies.length === 0
		? '-'
		: stream.copies.map(copy => `${copy.stream} (${copy.kind}, ${copy.region ?? '?'})`).join(', ');
}

export function accountWords({summary}: Readiness): string {
	const risk =
		summary.unprotected.length === 0
			? 'every one has a copy outside its region or a backup'
			: `${summary.unprotected.length} ha${summary.unprotected.length === 1 ? 's' : 've'} nothing outside its region (${formatCount(summary.atRiskMessages)} messages, ${formatBytes(summary.atRiskBytes)} at risk)`;
	const worst =
		summary.worstRpoMs === undefined ? '' : `; the worst RPO of the protected ones is ${formatAge(summary.worstRpoMs)}`;
	return `Account: ${summary.streams} stream(s) to protect, ${summary.protectedStreams} protected; ${risk}${worst}.`;
}

/** What losing one region would cost, in one line. */
export function regionWords(region: RegionLoss): string {
	const counted =
		region.losing > region.uncounted.length
			? [
					`up to ${formatCount(region.lostMessages)} messages${region.lostBytes > 0 ? `, ${formatBytes(region.lostBytes)} with no copy at all` : ''}`,
				]
			: [];
	const uncounted =
		region.uncounted.length > 0 ? [`all of ${region.uncounted.join(', ')} (not answering, size unknown)`] : [];
	const loss =
		region.losing === 0
			? 'no stream loses data'
			: `${region.losing} of ${region.streams} stream(s) lose data: ${[...counted, ...uncounted].join('; ')}`;
	const unprotected =
		region.unprotected.length > 0 ? ` (nothing outside ${region.region}: ${region.unprotected.join(', ')})` : '';
	const meta = region.metaQuorumLost ? '; the meta quorum goes with it' : '';
	return `${region.region}: ${loss}${unprotected}${meta}`;
}

/** The clusters with their servers, the meta group, and the domains that could not be read. */
export function topologyWords(view: TopologyView, result: Readiness): string[] {
	const lines: string[] = [];
	if (!view.servers.ok) lines.push(`Servers: not visible (${view.servers.reason}); regions are taken from the streams`);
	const servers = view.servers.ok ? view.servers.value.servers : [];
	for (const cluster of view.clusters) {
		const names = cluster.servers.map(
			name => `${name}${servers.find(server => server.name === name)?.answering ? '' : ' (not answering)'}`,
		);
		lines.push(
			`Cluster ${cluster.name}: ${names.join(', ') || 'no server known'}${cluster.down ? ' — the whole cluster is not answering' : ''}`,
		);
	}

	const placeless = servers.filter(server => !server.cluster);
	if (placeless.length > 0)
		lines.push(`Not answering, cluster unknown: ${placeless.map(server => server.name).join(', ')}`);
	if (result.meta) lines.push(`Meta group: ${result.meta.words}`);
	for (const domain of view.domains.filter(entry => entry.problem))
		lines.push(`Domain ${domain.domain ?? '(default)'}: not readable (${domain.problem!})`);
	return lines;
}
