/** Seeds streams through nats.js directly, independent of the code under test. */
import {connect, headers, type NatsConnection, type StreamConfig} from 'nats';
import {appUser, sysUser, type TestCluster} from './nats-server.js';

export async function appConnection(cluster: TestCluster): Promise<NatsConnection> {
	return connect({servers: cluster.running().map(node => node.url), user: appUser.user, pass: appUser.password});
}

export async function addStream(nc: NatsConnection, config: Partial<StreamConfig> & {name: string}, messages = 0): Promise<void> {
	const jsm = await nc.jetstreamManager();
	await jsm.streams.add({subjects: [`${config.name}.>`], ...config});
	const js = nc.jetstream();
	const pending: Array<Promise<unknown>> = [];
	for (let i = 1; i <= messages; i++) {
		const h = headers();
		h.set('X-Seq', String(i));
		pending.push(js.publish(`${config.name}.s${i % 7}`, new TextEncoder().encode(JSON.stringify({i, stream: config.name})), {headers: h}));
		if (pending.length >= 200) await Promise.all(pending.splice(0));
	}

	await Promise.all(pending);
}

/** CLI arguments that connect to the running nodes with app and system credentials. */
export function cliConnection(cluster: TestCluster, {sys = true} = {}): string[] {
	return [
		'--server',
		cluster.running().map(node => node.url).join(','),
		'--user',
		appUser.user,
		'--password',
		appUser.password,
		...(sys ? ['--sys-user', sysUser.user, '--sys-password', sysUser.password] : []),
	];
}
