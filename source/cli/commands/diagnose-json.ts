/**
 * The stable `diagnose --json` document (schema "nats-dr/diagnose/v1", documented in
 * docs/diagnose-json.md). Field names are snake_case like the server's own JSON.
 */
import type {describeConnection} from '../../core/connection/settings.js';
import type {Diagnosis} from '../../core/diagnosis/diagnose.js';
import type {Assessment} from '../../recovery/assess.js';
import type {BackupSummary} from '../../core/backup-catalog.js';
import {nextSteps} from '../../recovery/next-steps.js';
import {isPeerDead} from '../../recovery/stream-verdict.js';

export function diagnosisJson(
	diagnosis: Diagnosis,
	assessment: Assessment,
	connection: ReturnType<typeof describeConnection>,
	backups?: Map<string, BackupSummary>,
) {
	const {servers, streams} = diagnosis;
	const {meta} = assessment;
	const verdicts = new Map(assessment.streams.map(verdict => [verdict.stream, verdict]));
	return {
		schema: 'nats-dr/diagnose/v1',
		time: diagnosis.time,
		elapsed_ms: diagnosis.elapsedMs,
		connection: {servers: connection.servers, auth: connection.auth, context: connection.context ?? null},
		system: servers.ok ? {available: true} : {available: false, reason: servers.reason},
		servers: servers.ok
			? servers.value.servers.map(server => ({
					name: server.name,
					id: server.id ?? null,
					cluster: server.cluster ?? null,
					version: server.version ?? null,
					jetstream: server.jetstream,
					tags: server.tags,
					online: server.answering,
					meta_leader: server.metaLeader,
				}))
			: null,
		meta: {
			leader: meta.leader ?? null,
			cluster: servers.ok ? (servers.value.metaCluster ?? null) : null,
			cluster_size: meta.size ?? null,
			answering: meta.answering,
			quorum: meta.quorum ?? null,
			expected_servers: servers.ok ? servers.value.expected : null,
			peers:
				(servers.ok &&
					servers.value.metaPeers?.map(peer => ({
						name: peer.name,
						peer_id: peer.peer,
						current: peer.current,
						offline: peer.offline,
						active_ms: peer.activeMs,
						lag: peer.lag,
					}))) ||
				null,
			verdict: {kind: meta.kind, reason: meta.reason, peer_remove_possible: meta.peerRemovePossible, dead: meta.dead},
		},
		election: electionJson(diagnosis),
		inventory: {
			file: diagnosis.inventory.file ?? null,
			recorded: diagnosis.inventory.recorded,
			previous_recorded_at: diagnosis.inventory.previousAt ?? null,
			remembered: diagnosis.inventory.remembered.length,
			problem: diagnosis.inventory.problem ?? null,
		},
		streams_error: streams.ok ? null : streams.reason,
		streams_total: streams.ok ? streams.value.total : null,
		streams_missing: streams.ok ? streams.value.missing : null,
		streams_partial: streams.ok ? (streams.value.partial ?? null) : null,
		streams: streams.ok
			? streams.value.streams.map(stream => {
					const verdict = verdicts.get(stream.name)!;
					return {
						name: stream.name,
						status: stream.status,
						error: stream.error ?? null,
						seen_by:
							stream.source === 'api' ? 'api' : 'survivor' in stream.source ? stream.source.survivor : 'inventory',
						source: typeof stream.source === 'object' && 'inventory' in stream.source ? 'inventory' : 'live',
						last_seen:
							typeof stream.source === 'object' && 'inventory' in stream.source ? stream.source.inventory : null,
						storage: stream.storage ?? null,
						replicas: stream.replicas ?? null,
						cluster: stream.cluster ?? null,
						placement: {cluster: stream.placement.cluster ?? null, tags: stream.placement.tags},
						leader: stream.leader ?? null,
						messages: stream.messages ?? null,
						bytes: stream.bytes ?? null,
						first_seq: stream.firstSeq ?? null,
						last_seq: stream.lastSeq ?? null,
						consumers: stream.consumers ?? null,
						hosted_on: diagnosis.hosting.get(stream.name) ?? null,
						peers: stream.peers.map(peer => ({
							name: peer.name,
							peer_id: peer.peerId ?? null,
							leader: peer.leader,
							current: peer.current,
							offline: peer.offline,
							dead: isPeerDead(peer, assessment.facts),
							lag: peer.lag,
							active_ms: peer.activeMs,
						})),
						verdict: {
							kind: verdict.kind,
							reason: verdict.reason,
							next: verdict.next,
							dead_peers: verdict.deadPeers,
							survivors: verdict.survivors,
							quorum: verdict.quorum ?? null,
							spares: verdict.spares,
							peer_remove: verdict.remove,
						},
						newest_backup: backupJson(backups?.get(stream.name)),
					};
				})
			: null,
		next_steps: nextSteps(assessment, backups),
	};
}

/** What happened about the meta election: needed or not, how long it was waited for, whether a leader came. */
function electionJson({election}: Diagnosis) {
	return election
		? {
				waited: true,
				waited_ms: election.waitedMs,
				timeout_ms: election.timeoutMs,
				leader_found: election.leader !== undefined,
				leader: election.leader ?? null,
			}
		: {waited: false, waited_ms: 0, timeout_ms: null, leader_found: null, leader: null};
}

function backupJson(backup: BackupSummary | undefined) {
	return backup
		? {
				dir: backup.dir,
				created: backup.created,
				messages: backup.messages ?? null,
				archive_bytes: backup.archiveBytes,
				verified: backup.verified ?? null,
			}
		: null;
}
