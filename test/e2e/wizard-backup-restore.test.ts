/**
 * The wizard in a real terminal on a real 3-node cluster: a node dies, the overview shows it, the
 * operator backs up an R1 stream with progress, deletes it, restores it with typed confirmation,
 * and the summary left in the scrollback lists both actions.
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
let dir: string;
let tmux: TmuxSession | undefined;
let dead: string;

before(async () => {
	dir = await mkdtemp(path.join(tmpdir(), 'nats-dr-e2e-'));
	cluster = await TestCluster.start({nodes: ['n1', 'n2', 'n3'].map(name => ({name, tags: [`node:${name}`]}))});
	const metaLeader = (await cluster.waitReady())!;
	dead = cluster.nodes.find(node => node.name !== metaLeader)!.name;
	const nc = await appConnection(cluster);
	await addStream(nc, {name: 'LEDGER', num_replicas: 1, placement: {cluster: '', tags: [`node:${metaLeader}`]}}, 3000);
	await addStream(nc, {name: 'ORDERS', num_replicas: 3}, 100);
	await nc.close();
	await cluster.kill(dead);
});

after(async () => {
	await tmux?.stop();
	await cluster?.stopAll();
	await rm(dir, {recursive: true, force: true});
});

test('back up an R1 stream, delete it, restore it with typed confirmation, and find both in the summary', async () => {
	const audit = path.join(dir, 'audit.log');
	const backups = path.join(dir, 'backups');
	tmux = await TmuxSession.start([...cliConnection(cluster), '--audit-log', audit]);
	const overview = await tmux.waitFor(/Back up streams/);
	assert.match(overview, new RegExp(`${dead}!\\s+c1\\s+-\\s+NOT ANSWERING`));

	await tmux.choose(/Back up streams/);
	await tmux.waitFor(/choose streams/);
	await tmux.keys('Space');
	await tmux.waitFor(/\[x\] LEDGER/);
	await tmux.save('05-backup-select');
	await tmux.keys('Enter');
	await tmux.waitFor(/into which directory\?/);
	// Ctrl+U empties the field, however long the default path (TMPDIR) is.
	await tmux.keys('C-u');
	await tmux.type(backups);
	await tmux.keys('Enter');
	// The line may wrap: a long temporary directory (TMPDIR) makes the path longer than the terminal.
	const backedUp = await tmux.waitFor(/LEDGER: [\s\S]*?verified/, {timeoutMs: 60_000});
	assert.match(backedUp.replaceAll(/\s+/g, ''), new RegExp(`in${backups}/LEDGER`));
	await tmux.save('06-backup-done');
	await tmux.keys('Enter');

	await tmux.waitFor(/Restore from a backup/);
	await tmux.choose(/Restore from a backup/);
	await tmux.waitFor(/which directory holds the backups\?/);
	// Ctrl+U empties the field, however long the default path (TMPDIR) is.
	await tmux.keys('C-u');
	await tmux.type(backups);
	await tmux.keys('Enter');
	const plan = await tmux.waitFor(/REFUSE Stream "LEDGER" already exist/, {timeoutMs: 30_000});
	assert.match(plan, /verified while it uploads/);
	await tmux.save('07-restore-preflight');
	await tmux.choose(/Delete the existing stream LEDGER first/);
	await tmux.waitFor(/WARNING: deleting stream LEDGER/);
	await tmux.type('LEDGER');
	await tmux.keys('Enter');
	await tmux.waitFor(/no stream "LEDGER" exists yet/, {timeoutMs: 30_000});
	await tmux.choose(/Restore LEDGER/);
	await tmux.waitFor(/Type the stream name LEDGER/);
	await tmux.save('08-restore-confirm');
	await tmux.type('LEDGER');
	await tmux.keys('Enter');
	const restored = await tmux.waitFor(/Restored stream LEDGER/, {timeoutMs: 60_000});
	assert.match(restored, /3000 messages, sequences 1–3000/);
	await tmux.save('09-restore-done');
	await tmux.keys('Enter');
	await tmux.waitFor(/Back up streams/);
	await tmux.keys('q');

	const end = await tmux.waitFor(/EXIT=0/, {visibleOnly: false});
	assert.match(end, /backup LEDGER: OK/);
	assert.match(end, /stream-delete LEDGER: OK/);
	assert.match(end, /restore LEDGER: OK/);
	assert.match(end, /equivalent: nats stream restore/);
	const actions = (await readFile(audit, 'utf8'))
		.trim()
		.split('\n')
		.map(line => (JSON.parse(line) as {action: string}).action);
	assert.deepEqual(actions, ['backup', 'stream-delete', 'restore']);
});
