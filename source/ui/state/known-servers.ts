/**
 * Servers this session has seen. Once a quorum is lost, the survivors' view of the meta group may
 * stop naming the dead ("2 unnamed servers"); the wizard still knows their names from before.
 */
import type {ServerEntry} from '../../core/diagnosis/servers.js';
import type {DiagnosisResult} from '../services.js';

export type KnownServer = {name: string; cluster: string | undefined};

export function rememberServers(known: KnownServer[], result: DiagnosisResult): KnownServer[] {
	if (!result.diagnosis.servers.ok) return known;
	const names = new Set(known.map(server => server.name));
	const added = result.diagnosis.servers.value.servers
		.filter(server => !names.has(server.name))
		.map(server => ({name: server.name, cluster: server.cluster}));
	return added.length === 0 ? known : [...known, ...added];
}

/** Servers seen earlier in the session that the latest diagnosis does not list at all. */
export function vanished(known: KnownServer[], servers: ServerEntry[]): KnownServer[] {
	const listed = new Set(servers.map(server => server.name));
	return known.filter(server => !listed.has(server.name));
}

/** Every server that should answer but does not: the dead the diagnosis names, and the ones it forgot. */
export function missingServers(known: KnownServer[], result: DiagnosisResult | undefined): string[] {
	if (!result) return [];
	const dead = result.assessment.meta.dead;
	const servers = result.diagnosis.servers.ok ? result.diagnosis.servers.value.servers : [];
	const notAnswering = servers.filter(server => !server.answering).map(server => server.name);
	return [...new Set([...dead, ...notAnswering, ...vanished(known, servers).map(server => server.name)])];
}
