/**
 * The stable `diagnose --json` document (schema "nats-dr/diagnose/v1", documented in
 * docs/diagnose-json.md). Field names are snake_case like the server's own JSON.
 */
import type {describeConnection} from '../../core/connection/settings.js';
import type {Diagnosis} from '../../core/diagnosis/diagnose.js';

export function diagnosisJson(diagnosis: Diagnosis, connection: ReturnType<typeof describeConnection>) {
	const {servers} = diagnosis;
	return {
		schema: 'nats-dr/diagnose/v1',
		time: diagnosis.time,
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
		meta: servers.ok
			? {
					leader: servers.value.metaLeader ?? null,
					cluster: servers.value.metaCluster ?? null,
					cluster_size: servers.value.metaClusterSize ?? null,
					expected_servers: servers.value.expected,
					answered_servers: servers.value.answered,
					peers:
						servers.value.metaPeers?.map(peer => ({
							name: peer.name,
							peer_id: peer.peer,
							current: peer.current,
							offline: peer.offline,
							active_ms: peer.activeMs,
							lag: peer.lag,
						})) ?? null,
				}
			: null,
	};
}
