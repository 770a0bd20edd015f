/**
 * The wizard in a real terminal on a real 4-node cluster: a node dies, the overview shows it,
 * the operator walks through automatic recovery, types the node's name, and watches ORDERS catch up.
 */
import assert from 'node:assert/strict';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, before, test} from 'node:test';
import {TestCluster} from '../helpers/nats-server.js';
import {addStream, appConnection, cliConnection} from '../helpers/streams.js';
import {TmuxSession} from '../helpers/tmux.js';

let cluster: TestCluster;
let victim: string;
let dir: string;
let tmux: TmuxSession | undefined;

before(async () => {
	dir = await mkdtemp(path.join(tmpdir(), 'nats-dr-e2e-'));
	cluster = await TestCluster.start({nodes: ['n1', 'n2', 'n3', 'n4'].map(name => ({name, tags: [`node:${name}`]}))});
	const metaLeader = await cluster.waitReady();
	const nc = await appConnection(cluster);
	await addStream(nc, {name: 'ORDERS', num_replicas: 3}, 200);
	const info = await (await nc.jetstreamManager()).streams.info('ORDERS');
	victim = info.cluster!.replicas!.map(replica => replica.name).find(name => name !== metaLeader)!;
	await addStream(nc, {name: 'PINNED', num_replicas: 1, placement: {cluster: '', tags: [`node:${victim}`]}}, 20);
	await nc.close();
	await cluster.kill(victim);
});

after(async () => {
	await tmux?.stop();
	await cluster?.stopAll();
	await rm(dir, {recursive: true, force: true});
});

test('automatic recovery from the wizard: overview → plan → typed confirmation → catch-up → summary', async () => {
	const audit = path.join(dir, 'audit.log');
	tmux = await TmuxSession.start([...cliConnection(cluster), '--audit-log', audit]);
	const overview = await tmux.waitFor(/Automatic recovery \(1 dead node\)/);
	assert.match(overview, new RegExp(`${victim}!\\s+c1\\s+-\\s+NOT ANSWERING`));
	assert.match(overview, /1 R1 on a dead node/);
	assert.match(overview, /1 Self-healing after peer-remove/);
	await tmux.save('01-overview');

	await tmux.keys('Enter');
	await tmux.waitFor(/which dead node\?/);
	await tmux.keys('Enter');
	const plan = await tmux.waitFor(/Recovery plan for/);
	assert.match(plan, /ORDERS R3: 2 alive \(quorum 2\)/);
	assert.match(plan, /PINNED/);
	await tmux.save('02-recovery-plan');

	await tmux.keys('Enter');
	await tmux.waitFor(/Type the server name/);
	await tmux.type('wrong');
	await tmux.keys('Enter');
	await tmux.waitFor(/Value must be exactly/);
	await tmux.save('03-typed-confirmation');
	for (let i = 0; i < 'wrong'.length; i++) await tmux.keys('BSpace');
	await tmux.type(victim);
	await tmux.keys('Enter');
	const done = await tmux.waitFor(/1 stream\(s\) recovered/, {timeoutMs: 90_000});
	assert.match(done, /ORDERS: \[.*\] all current/);
	assert.match(done, /Recovered: ORDERS/);
	assert.match(done, new RegExp(`Lost: PINNED \\(R1 on ${victim}`));
	assert.match(done, /Left to do: restore PINNED from a backup/);
	await tmux.save('04-recovery-done');

	await tmux.choose(/Back to the overview/);
	await tmux.waitFor(/Meta group: .*healthy/, {timeoutMs: 30_000});
	await tmux.keys('q');
	const end = await tmux.waitFor(/EXIT=0/, {visibleOnly: false});
	assert.match(end, new RegExp(`peer-remove ${victim}: OK`));
	assert.match(end, new RegExp(`equivalent: nats server cluster peer-remove ${victim}`));
	const log = (await readFile(audit, 'utf8'))
		.trim()
		.split('\n')
		.map(line => JSON.parse(line) as {action: string; result: string});
	assert.deepEqual(
		log.map(entry => [entry.action, entry.result]),
		[['peer-remove', 'ok']],
	);
	assert.doesNotMatch(await readFile(audit, 'utf8'), /secret-pw/);
});
