import {TestCluster} from './helpers/nats-server.js';
import {addStream, appConnection} from './helpers/streams.js';
import {runNats} from './helpers/compat.js';
import {execSync} from 'node:child_process';
const cluster = await TestCluster.start({nodes: 1});
try {
	const nc = await appConnection(cluster);
	await addStream(nc, {name: 'ORDERS'}, 50);
	await addStream(nc, {name: 'MEM', storage: 'memory' as any}, 50);
	const r = await runNats(cluster, ['stream', 'backup', 'ORDERS', '/tmp/probe-nb', '--no-progress']);
	console.log(r);
	console.log(execSync('ls -la /tmp/probe-nb; head -c 600 /tmp/probe-nb/*.json', {encoding: 'utf8'}));
	console.log(await runNats(cluster, ['account', 'backup', '/tmp/probe-na', '-f']));
	console.log(execSync('ls -laR /tmp/probe-na', {encoding: 'utf8'}));
	await nc.close();
} finally { await cluster.stopAll(); }
