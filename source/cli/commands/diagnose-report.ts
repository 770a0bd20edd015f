/** The readable `diagnose` report, as lines; never relies on colour (words and `*`/`!` marks). */
import type {describeConnection} from '../../core/connection/settings.js';
import type {Diagnosis} from '../../core/diagnosis/diagnose.js';
import {table} from '../table.js';

export function diagnosisReport(diagnosis: Diagnosis, connection: ReturnType<typeof describeConnection>): string[] {
	const lines = [
		`Connected to ${connection.servers} as ${connection.auth}${connection.context ? ` (context ${connection.context})` : ''}`,
		'',
	];
	const {servers} = diagnosis;
	if (!servers.ok) {
		lines.push(`Servers: not visible — ${servers.reason}`);
		if (servers.hint) lines.push(`  try: ${servers.hint}`);
		return lines;
	}

	const view = servers.value;
	lines.push(`Servers (${view.answered} of ${view.expected} answering; * = meta leader, ! = not answering)`);
	lines.push(
		...table(
			['Server', 'Cluster', 'Version', 'JetStream', 'State'],
			view.servers.map(server => [
				`${server.name}${server.metaLeader ? '*' : ''}${server.answering ? '' : '!'}`,
				server.cluster ?? '-',
				server.version ?? '-',
				server.jetstream ? 'yes' : 'no',
				server.answering ? 'online' : 'NOT ANSWERING',
			]),
		),
	);
	lines.push('', view.metaLeader ? `Meta leader: ${view.metaLeader}` : 'Meta leader: NONE — the meta group has no leader');
	return lines;
}
