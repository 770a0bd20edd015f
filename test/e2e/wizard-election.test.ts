/**
 * The wizard in a real terminal while the meta group has no leader: a refresh right after the meta
 * leader's node dies shows the election wait and then the new leader; after quorum is lost the
 * overview says so, watches, and refreshes by itself once a server is back and a leader is elected.
 */
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {TestCluster} from '../helpers/nats-server.js';
import {addStream, appConnection, cliConnection} from '../helpers/streams.js';
import {TmuxSession} from '../helpers/tmux.js';

let cluster: TestCluster;
let tmux: TmuxSession | undefined;

before(async () => {
	cluster = await TestCluster.start({nodes: 3});
	await cluster.waitReady();
	const nc = await appConnection(cluster);
	await addStream(nc, {name: 'ORDERS', num_replicas: 3}, 20);
	await nc.close();
});

after(async () => {
	await tmux?.stop();
	await cluster?.stopAll();
});

test('the overview shows the election wait and refreshes by itself when the leader appears', async t => {
	tmux = await TmuxSession.start(cliConnection(cluster), {rows: 40});
	await tmux.waitFor(/Meta group: \S+ healthy/, {timeoutMs: 60_000});

	// The survivors keep naming the dead leader for seconds, so a refresh now usually has to wait for
	// the election; on a loaded machine the election can be over before the refresh looks. Either
	// way the overview must end on the new leader (the wait's own line is checked in wizard-app.test.tsx).
	const first = (await cluster.waitReady())!;
	await cluster.kill(first);
	await tmux.keys('r');
	const seen = await tmux.waitFor(/no meta leader: waiting for the election \(\d+ of 15 s\)|DEGRADED — leader n\d/, {
		timeoutMs: 20_000,
	});
	if (/waiting for the election/.test(seen)) await tmux.save('election-wait');
	else t.diagnostic('the election was over before the refresh looked: no wait to show this time');
	const elected = await tmux.waitFor(/Meta group: \S+ DEGRADED — leader n\d/, {timeoutMs: 30_000});
	assert.match(elected, new RegExp(`not answering: ${first}`));

	const second = cluster.running().find(node => !elected.includes(`leader ${node.name}`))!.name;
	await cluster.kill(second);
	await tmux.keys('r');
	const lost = await tmux.waitFor(/Watching for a meta leader: this overview refreshes by itself/, {timeoutMs: 30_000});
	assert.match(lost, /NO QUORUM/);
	assert.match(lost, /Meta quorum lost: 1 of 3 servers answer and 2 are needed/);
	await tmux.save('quorum-lost');

	await cluster.restart(second);
	await tmux.waitFor(/meta leader n\d elected: the overview refreshed by itself/, {timeoutMs: 60_000});
	const refreshed = await tmux.waitFor(/Meta group: \S+ DEGRADED — leader n\d/, {timeoutMs: 30_000});
	assert.doesNotMatch(refreshed, /NO QUORUM|Watching for a meta leader/);
	assert.match(refreshed, new RegExp(`not answering: ${first}`));
	await tmux.keys('q');
	await tmux.waitFor(/EXIT=0/, {visibleOnly: false, timeoutMs: 30_000});
});
