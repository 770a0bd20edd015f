import {TestCluster} from './helpers/nats-server.js';
import {addStream, appConnection} from './helpers/streams.js';
import {connect} from 'nats';
const cluster = await TestCluster.start({nodes: ['n1', 'n2', 'n3'].map(name => ({name, tags: [`node:${name}`]}))});
try {
	const leader = (await cluster.waitReady())!;
	const victim = ['n1', 'n2', 'n3'].find(n => n !== leader)!;
	const nc = await appConnection(cluster);
	await addStream(nc, {name: 'PINNED', num_replicas: 1, placement: {cluster: '', tags: [`node:${victim}`]}}, 20);
	await nc.close();
	await cluster.kill(victim);
	const sys = await connect({servers: cluster.running().map(n => n.url), user: 'sys', pass: 'sys-secret-pw'});
	const r = await sys.request('$JS.API.SERVER.REMOVE', JSON.stringify({peer: victim}), {timeout: 10000});
	console.log('remove', new TextDecoder().decode(r.data));
	const app = await appConnection(cluster);
	for (let i = 0; i < 6; i++) {
		await new Promise(res => setTimeout(res, 1000));
		const names = await app.request('$JS.API.STREAM.NAMES', '{}', {timeout: 5000});
		let info = '';
		try { info = new TextDecoder().decode((await app.request('$JS.API.STREAM.INFO.PINNED', '', {timeout: 3000})).data).slice(0, 200); } catch (e) { info = String(e); }
		console.log(i, new TextDecoder().decode(names.data), info);
	}
	try { console.log('delete', new TextDecoder().decode((await app.request('$JS.API.STREAM.DELETE.PINNED', '', {timeout: 5000})).data)); } catch (e) { console.log('delete', String(e)); }
	await app.close(); await sys.close();
} finally { await cluster.stopAll(); }
