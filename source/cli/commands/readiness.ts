/**
 * `nats-dr readiness [--backups DIR] [--max-rpo 5m] [--domain D…]`: what a region loss would cost,
 * per stream and per region, read-only. With --max-rpo it is a cron check: exit 1 when a stream has
 * no protection outside its region or its RPO is over the limit.
 */
import {listBackups, type BackupSummary} from '../../core/backup-catalog.js';
import {parseDuration} from '../../core/duration.js';
import {DrError, exitCodes, type ExitCode} from '../../core/errors.js';
import {formatBytes} from '../../core/format.js';
import {gatherTopology, type TopologyView} from '../../core/topology/gather.js';
import {assessReadiness, formatAge, type Readiness, type StreamReadiness} from '../../recovery/readiness.js';
import type {CommandContext} from '../context.js';
import {checkArgs} from '../flags.js';
import {table} from '../table.js';

export async function readiness(context: CommandContext): Promise<ExitCode> {
	const {invocation, out, signal} = context;
	checkArgs('readiness', invocation.args);
	const maxRpoMs =
		invocation.flags.maxRpo === undefined ? undefined : parseDuration(invocation.flags.maxRpo, '--max-rpo');
	const backups: BackupSummary[] = invocation.flags.backups ? await listBackups(invocation.flags.backups) : [];
	const session = await context.connect();
	let view: TopologyView;
	try {
		view = await gatherTopology(session, {domains: invocation.flags.domain, signal});
	} finally {
		await session.close();
	}

	const first = view.domains[0]!;
	if (first.problem) throw new DrError(`cannot list the account's streams: ${first.problem}`);
	const servers = view.servers.ok ? view.servers.value : undefined;
	const result = assessReadiness({
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
	if (out.json) out.printJson(readinessJson(view, result));
	else for (const line of readinessReport(view, result)) out.line(line);
	return result.breaches.length > 0 ? exitCodes.failed : exitCodes.ok;
}

function rpoText(stream: StreamReadiness): string {
	if (stream.verdict === 'copy') return '-';
	if (stream.rpo.by === 'none') return 'all data';
	return stream.rpo.ms === undefined ? `${stream.rpo.messages ?? '?'} msgs` : formatAge(stream.rpo.ms);
}

function readinessReport(view: TopologyView, result: Readiness): string[] {
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
	lines.push('');
	const rows = result.streams.map(stream => [
		stream.domain ? `${stream.stream} @${stream.domain}` : stream.stream,
		stream.region ?? '?',
		stream.replicas === undefined ? '?' : `R${stream.replicas}`,
		stream.copies.length === 0
			? '-'
			: stream.copies.map(copy => `${copy.stream} (${copy.kind}, ${copy.region ?? '?'})`).join(', '),
		stream.backup ? `${formatAge(stream.backup.ageMs)} old` : '-',
		rpoText(stream),
		stream.verdict,
	]);
	lines.push(...table(['Stream', 'Region', 'Replicas', 'Copies', 'Backup', 'RPO', 'Verdict'], rows));
	lines.push('');
	for (const stream of result.streams) lines.push(`${stream.stream}: ${stream.words}`);
	const {summary} = result;
	const risk =
		summary.unprotected.length === 0
			? 'every one has a copy outside its region or a backup'
			: `${summary.unprotected.length} ha${summary.unprotected.length === 1 ? 's' : 've'} nothing outside its region (${summary.atRiskMessages.toLocaleString('en-US')} messages, ${formatBytes(summary.atRiskBytes)} at risk)`;
	const worst =
		summary.worstRpoMs === undefined ? '' : `; the worst RPO of the protected ones is ${formatAge(summary.worstRpoMs)}`;
	lines.push('');
	lines.push(
		`Account: ${summary.streams} stream(s) to protect, ${summary.protectedStreams} protected; ${risk}${worst}.`,
	);
	lines.push('');
	lines.push('If a region were lost:');
	for (const region of result.regions) {
		const counted =
			region.losing > region.uncounted.length
				? [
						`up to ${region.lostMessages.toLocaleString('en-US')} messages${region.lostBytes > 0 ? `, ${formatBytes(region.lostBytes)} with no copy at all` : ''}`,
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
		lines.push(`  ${region.region}: ${loss}${unprotected}${meta}`);
	}

	if (result.maxRpoMs !== undefined) {
		lines.push('');
		lines.push(
			result.breaches.length === 0
				? `Every stream is within --max-rpo ${formatAge(result.maxRpoMs)}.`
				: `Over --max-rpo ${formatAge(result.maxRpoMs)} or unprotected: ${result.breaches.join(', ')} (exit code 1)`,
		);
	}

	return lines;
}

function readinessJson(view: TopologyView, result: Readiness): unknown {
	return {
		ok: result.breaches.length === 0,
		time: view.time,
		max_rpo_ms: result.maxRpoMs ?? null,
		breaches: result.breaches,
		meta: result.meta ?? null,
		summary: {
			streams: result.summary.streams,
			protected: result.summary.protectedStreams,
			unprotected: result.summary.unprotected,
			over_limit: result.summary.overLimit,
			at_risk_messages: result.summary.atRiskMessages,
			at_risk_bytes: result.summary.atRiskBytes,
			worst_rpo_ms: result.summary.worstRpoMs ?? null,
		},
		servers: view.servers.ok
			? view.servers.value.servers.map(server => ({
					name: server.name,
					cluster: server.cluster ?? null,
					answering: server.answering,
				}))
			: null,
		clusters: view.clusters.map(cluster => ({
			name: cluster.name,
			servers: cluster.servers,
			answering: cluster.answering,
			down: cluster.down,
		})),
		domains: view.domains.map(domain => ({
			domain: domain.domain ?? null,
			api: domain.api,
			problem: domain.problem ?? null,
		})),
		streams: result.streams.map(stream => ({
			stream: stream.stream,
			domain: stream.domain ?? null,
			region: stream.region ?? null,
			answering: stream.answering,
			replicas: stream.replicas ?? null,
			servers: stream.servers,
			copy_of: stream.copyOf ?? null,
			copies: stream.copies.map(copy => ({
				stream: copy.stream,
				domain: copy.domain ?? null,
				region: copy.region ?? null,
				kind: copy.kind,
				answering: copy.answering,
				lag_messages: copy.lagMessages ?? null,
				lag_ms: copy.lagMs ?? null,
				active_ms: copy.activeMs ?? null,
			})),
			backup: stream.backup
				? {dir: stream.backup.dir, created: stream.backup.created, age_ms: stream.backup.ageMs}
				: null,
			rpo: {
				by: stream.rpo.by,
				ms: stream.rpo.ms ?? null,
				messages: stream.rpo.messages ?? null,
				from: stream.rpo.from ?? null,
			},
			verdict: stream.verdict,
			words: stream.words,
		})),
		regions: result.regions.map(region => ({
			region: region.region,
			streams: region.streams,
			losing: region.losing,
			lost_messages: region.lostMessages,
			lost_bytes: region.lostBytes,
			uncounted: region.uncounted,
			unprotected: region.unprotected,
			meta_quorum_lost: region.metaQuorumLost,
		})),
	};
}
