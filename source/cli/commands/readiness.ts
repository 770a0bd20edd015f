/**
 * `nats-dr readiness [--backups DIR] [--max-rpo 5m] [--domain D…]`: what a region loss would cost,
 * per stream and per region, read-only. With --max-rpo it is a cron check: exit 1 when a stream has
 * no protection outside its region or its RPO is over the limit.
 */
import {listBackups, type BackupSummary} from '../../core/backup-catalog.js';
import {parseDuration} from '../../core/duration.js';
import {exitCodes, type ExitCode} from '../../core/errors.js';
import type {TopologyView} from '../../core/topology/gather.js';
import {formatAge, type Readiness} from '../../recovery/readiness.js';
import {accountWords, copiesText, regionWords, rpoText, topologyWords} from '../../recovery/readiness-words.js';
import {gatherReadiness, type ReadinessReport} from '../../operations/readiness.js';
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
	let report: ReadinessReport;
	try {
		report = await gatherReadiness(session, {domains: invocation.flags.domain, backups, maxRpoMs, signal});
	} finally {
		await session.close();
	}

	const {view, readiness: result} = report;
	if (out.json) out.printJson(readinessJson(view, result));
	else for (const line of readinessReport(view, result)) out.line(line);
	return result.breaches.length > 0 ? exitCodes.failed : exitCodes.ok;
}

function readinessReport(view: TopologyView, result: Readiness): string[] {
	const lines = topologyWords(view, result);
	lines.push('');
	const rows = result.streams.map(stream => [
		stream.domain ? `${stream.stream} @${stream.domain}` : stream.stream,
		stream.region ?? '?',
		stream.replicas === undefined ? '?' : `R${stream.replicas}`,
		copiesText(stream),
		stream.backup ? `${formatAge(stream.backup.ageMs)} old` : '-',
		rpoText(stream),
		stream.verdict,
	]);
	lines.push(...table(['Stream', 'Region', 'Replicas', 'Copies', 'Backup', 'RPO', 'Verdict'], rows));
	lines.push('');
	for (const stream of result.streams) lines.push(`${stream.stream}: ${stream.words}`);
	lines.push('');
	lines.push(accountWords(result));
	lines.push('');
	lines.push('If a region were lost:');
	for (const region of result.regions) lines.push(`  ${regionWords(region)}`);

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
