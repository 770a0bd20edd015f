/**
 * How a running demo is shown without the wizard: the briefing an operator reads, the one-line
 * JSON document tooling parses, and the instructions for servers kept running. Pure.
 */
import type {DemoInfo} from './run-demo.js';
import {connectionArgs, diagnoseCommand, shellWord} from './story.js';

/** Variables that override a --context in both nats-dr and natscli, and so would point the printed commands elsewhere. */
const overridingVariables = [
	'NATS_URL',
	'NATS_USER',
	'NATS_PASSWORD',
	'NATS_TOKEN',
	'NATS_CREDS',
	'NATS_NKEY',
	'NATS_CERT',
	'NATS_KEY',
	'NATS_CA',
	'NATS_JWT',
];

export function overridingEnv(env: NodeJS.ProcessEnv): string[] {
	return overridingVariables.filter(name => env[name]);
}

export function demoJson(info: DemoInfo) {
	return {
		schema: 'nats-dr/demo/v1',
		ready: true,
		scenario: info.scenario,
		dir: info.dir,
		context: info.contexts.app,
		sys_context: info.contexts.sys,
		audit_log: info.auditLog,
		meta_leader: info.metaLeader,
		killed: info.killed,
		spare: info.spare,
		backup_dir: info.backupDir ?? null,
		servers: info.servers.map(server => ({
			name: server.name,
			url: server.url,
			cluster_port: server.clusterPort,
			http_port: server.httpPort,
			tags: server.tags,
			pid: server.pid,
			state: server.state,
			config: server.configFile,
			log: server.logFile,
		})),
		pids: info.servers.map(server => server.pid),
		streams: info.streams.map(stream => ({
			name: stream.name,
			replicas: stream.replicas,
			peers: stream.peers,
			pinned_to: stream.pinnedTo ?? null,
			messages: stream.messages,
			consumers: stream.consumers,
		})),
		diagnose: diagnoseCommand(info),
		story: info.story,
	};
}

export function briefing(
	info: DemoInfo,
	env: NodeJS.ProcessEnv,
	{wizard, keep}: {wizard: boolean; keep: boolean},
): string[] {
	const {story} = info;
	const width = Math.max(...info.streams.map(stream => stream.name.length));
	const lines = [
		'',
		`nats-dr demo — ${story.title}`,
		'',
		`Cluster: ${info.servers.length} servers on 127.0.0.1, everything in ${info.dir}`,
		...info.servers.map(
			server => `  ${server.name}  ${server.url}  pid ${server.pid}  ${serverState(info, server.name, server.state)}`,
		),
		'Streams (account APP)',
		...info.streams.map(
			stream =>
				`  ${stream.name.padEnd(width)}  R${stream.replicas} on ${stream.peers.join(', ')}  ${stream.messages} messages${stream.consumers.length > 0 ? `, consumers ${stream.consumers.join(', ')}` : ''}`,
		),
		'',
		'What broke',
		...story.broke.map(text => `  ${text}`),
		'',
		'What diagnose should show you',
		...story.find.map(text => `  ${text}`),
		`  ${diagnoseCommand(info)}`,
		`  nats --context ${shellWord(info.contexts.app)} stream report`,
		`  nats --context ${shellWord(info.contexts.sys)} server report jetstream`,
		'',
		'What to do',
		...story.steps.flatMap((step, i) => [`  ${i + 1}. ${step.say}`, ...step.run.map(command => `       ${command}`)]),
		'',
		`Contexts: ${info.contexts.app} (application account), ${info.contexts.sys} (system account)`,
		`Every nats-dr command takes them as ${connectionArgs(info)}`,
		`Actions are audited to ${info.auditLog} when you pass --audit-log as above.`,
	];
	const overriding = overridingEnv(env);
	if (overriding.length > 0) {
		lines.push(
			`Careful: ${overriding.join(', ')} ${overriding.length === 1 ? 'is' : 'are'} set in your environment and would override --context: run \`unset ${overriding.join(' ')}\` in the shell you use for the demo.`,
		);
	}

	const stop = wizard ? 'Quit the wizard to end the demo' : 'Press Ctrl-C to end the demo';
	lines.push(
		'',
		keep ? `${stop}: its servers keep running (--keep).` : `${stop}: it stops its servers and removes ${info.dir}.`,
	);
	return lines;
}

function serverState(info: DemoInfo, name: string, state: string): string {
	const roles = [state === 'running' ? 'running' : state === 'wiped' ? 'killed, store wiped' : 'killed'];
	if (name === info.metaLeader) roles.push('meta leader');
	if (name === info.spare) roles.push('spare');
	return roles.join(', ');
}

/** For `--keep`: what still runs and how to stop it. */
export function keptLines(info: DemoInfo): string[] {
	const running = info.servers.filter(server => server.state === 'running');
	return [
		`The demo's servers keep running (--keep): ${running.map(server => `${server.name} pid ${server.pid}`).join(', ')}`,
		`Stop them:  kill ${running.map(server => server.pid).join(' ')}`,
		`Then remove the demo's files:  rm -rf ${shellWord(info.dir)}`,
	];
}
