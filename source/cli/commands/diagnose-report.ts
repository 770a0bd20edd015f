/** The readable `diagnose` report, as lines; never relies on colour (words and `*`/`!` marks). */
import type {describeConnection} from '../../core/connection/settings.js';
import type {Diagnosis} from '../../core/diagnosis/diagnose.js';
import type {Assessment} from '../../recovery/assess.js';
import type {BackupSummary} from '../../core/backup-catalog.js';
import {nextSteps} from '../../recovery/next-steps.js';
import {isPeerDead, verdictOrder, verdictTitles} from '../../recovery/stream-verdict.js';
import {formatBytes} from '../../core/format.js';
import {table} from '../table.js';

export function diagnosisReport(
	diagnosis: Diagnosis,
	assessment: Assessment,
	connection: ReturnType<typeof describeConnection>,
	backups?: Map<string, BackupSummary>,
): string[] {
	const lines = [
		`Connected to ${connection.servers} as ${connection.auth}${connection.context ? ` (context ${connection.context})` : ''}`,
		'',
		...serverLines(diagnosis),
		'',
		...streamLines(diagnosis, assessment, backups ?? new Map()),
		'',
		'Next steps',
		...nextSteps(assessment, backups).map(step => `  - ${step}`),
	];
	return lines;
}

function serverLines(diagnosis: Diagnosis): string[] {
	const {servers} = diagnosis;
	if (!servers.ok) {
		return [`Servers: not visible — ${servers.reason}`, ...(servers.hint ? [`  try: ${servers.hint}`] : [])];
	}

	const view = servers.value;
	const peers = new Map((view.metaPeers ?? []).map(peer => [peer.name, peer]));
	return [
		`Servers (${view.answered} of ${view.expected} answering; * = meta leader, ! = not answering)`,
		...table(
			['Server', 'Cluster', 'Version', 'JetStream', 'State', 'Meta'],
			view.servers.map(server => {
				const peer = peers.get(server.name);
				const meta = server.metaLeader
					? 'leader'
					: peer
						? `${peer.current ? 'current' : 'NOT CURRENT'}${peer.lag ? `, lag ${peer.lag}` : ''}, seen ${Math.round(peer.activeMs / 1000)}s ago`
						: '-';
				return [
					`${server.name}${server.metaLeader ? '*' : ''}${server.answering ? '' : '!'}`,
					server.cluster ?? '-',
					server.version ?? '-',
					server.jetstream ? 'yes' : 'no',
					server.answering ? 'online' : 'NOT ANSWERING',
					meta,
				];
			}),
		).map(line => `  ${line}`),
		'',
		metaLine(diagnosis),
	];
}

function metaLine({servers, election}: Diagnosis): string {
	const view = servers.ok ? servers.value : undefined;
	if (view?.metaLeader) {
		return election
			? `Meta group: leader ${view.metaLeader} (elected while nats-dr waited ${Math.round(election.waitedMs / 1000)} s)`
			: `Meta group: leader ${view.metaLeader}`;
	}

	if (view?.metaClusterSize === undefined) return 'Meta group: none (a standalone server has no meta group)';
	return election
		? `Meta group: NO LEADER after waiting ${Math.round(election.waitedMs / 1000)} s for the election`
		: 'Meta group: NO LEADER';
}

function streamLines(diagnosis: Diagnosis, assessment: Assessment, backups: Map<string, BackupSummary>): string[] {
	const {streams} = diagnosis;
	if (!streams.ok)
		return [`Streams: not visible — ${streams.reason}`, ...(streams.hint ? [`  try: ${streams.hint}`] : [])];
	const lines = [`Meta verdict: ${assessment.meta.reason}`, '', `Streams (${streams.value.total})`];
	if (streams.value.partial) lines.push(`  note: ${streams.value.partial}`);
	const views = new Map(streams.value.streams.map(stream => [stream.name, stream]));
	for (const kind of verdictOrder) {
		const group = assessment.streams.filter(verdict => verdict.kind === kind);
		if (group.length === 0) continue;
		lines.push('', `${verdictTitles[kind]} (${group.length})`);
		for (const verdict of group) {
			const view = views.get(verdict.stream)!;
			const replicas = view.peers
				.map(
					peer =>
						`${peer.name}${peer.leader ? '*' : ''}${isPeerDead(peer, assessment.facts) || !peer.current ? '!' : ''}`,
				)
				.join(',');
			const size = view.bytes === undefined ? '' : `, ${view.messages ?? 0} msgs, ${formatBytes(view.bytes)}`;
			const seenBy =
				view.source === 'api'
					? ''
					: 'survivor' in view.source
						? ` (as seen by ${view.source.survivor})`
						: ' (from the inventory, not a live answer)';
			lines.push(`  ${verdict.stream}  R${view.replicas ?? '?'}${replicas ? ` [${replicas}]` : ''}${size}${seenBy}`);
			if (kind !== 'healthy') lines.push(`    why: ${verdict.reason}`, `    next: ${verdict.next}`);
			const backup = backups.get(verdict.stream);
			if (backup)
				lines.push(
					`    newest backup: ${backup.dir} (${backup.created}, ${backup.messages ?? '?'} msgs${backup.verified ? ', verified' : ''}): nats-dr restore ${backup.dir}`,
				);
		}
	}

	return lines;
}
