/**
 * The meta leader's node dies while it holds the only copy of an R1 stream: run at once, as an
 * operator would, diagnose must still report that stream as needing a backup and name the dead
 * server, whether or not the election is over by the time it looks.
 */
import assert from 'node:assert/strict';
import {mkdtempSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, before, test} from 'node:test';
import {parseJson, runCli} from '../helpers/cli.js';
import {TestCluster} from '../helpers/nats-server.js';
import {addPlacedStream, appConnection, cliConnection} from '../helpers/streams.js';

let cluster: TestCluster;
let metaLeader: string;
let other: string;
const stateHome = mkdtempSync(path.join(tmpdir(), 'nats-dr-state-'));

before(async () => {
	cluster = await TestCluster.start({nodes: ['n1', 'n2', 'n3'].map(name => ({name, tags: [`node:${name}`]}))});
	metaLeader = (await cluster.waitReady())!;
	other = cluster.nodes.find(node => node.name !== metaLeader)!.name;
	const nc = await appConnection(cluster);
	await addPlacedStream(
		nc,
		{name: 'PINNED', num_replicas: 1, placement: {cluster: 'c1', tags: [`node:${metaLeader}`]}},
		240,
	);
	await addPlacedStream(nc, {name: 'ORDERS', num_replicas: 3}, 50);
	await addPlacedStream(
		nc,
		{name: 'ELSEWHERE', num_replicas: 1, placement: {cluster: 'c1', tags: [`node:${other}`]}},
		10,
	);
	await nc.close();
});
after(async () => {
	await cluster?.stopAll();
	rmSync(stateHome, {recursive: true, force: true});
});

test('the meta leader killed with an R1 stream on it: the stream needs a backup and the dead server is named', async () => {
	const env = {XDG_STATE_HOME: stateHome};
	const healthy = parseJson(await runCli(['diagnose', '--json', ...cliConnection(cluster)], {env}));
	assert.equal(healthy.inventory.recorded, true, JSON.stringify(healthy.inventory));
	assert.deepEqual(readdirSync(path.join(stateHome, 'nats-dr', 'inventory')), ['c1']);

	await cluster.kill(metaLeader);
	const result = await runCli(['diagnose', '--json', ...cliConnection(cluster)], {env});
	assert.equal(result.code, 0, result.stderr);
	const json = parseJson(result);
	const pinned = json.streams.find((stream: any) => stream.name === 'PINNED');
	assert.ok(pinned, `PINNED is in the report: ${JSON.stringify(json.streams.map((s: any) => s.name))}`);
	assert.equal(pinned.verdict.kind, 'r1-on-dead-node', pinned.verdict.reason);
	assert.ok(
		pinned.verdict.dead_peers.includes(metaLeader) || pinned.verdict.reason.includes(metaLeader),
		pinned.verdict.reason,
	);
	assert.ok(
		json.next_steps.some((step: string) => step.includes('PINNED')),
		JSON.stringify(json.next_steps),
	);
	assert.equal(json.servers.find((server: any) => server.name === metaLeader)?.online, false);
	const elsewhere = json.streams.find((stream: any) => stream.name === 'ELSEWHERE');
	assert.equal(elsewhere?.verdict.kind, 'healthy');
	assert.ok(json.streams.some((stream: any) => stream.name === 'ORDERS'));
	// Whether nats-dr had to wait depends on the election's timing; what it says must match what it did.
	if (json.election.waited) {
		assert.match(result.stderr, /no meta leader: waiting for the election \(0 of 15 s\)/);
		assert.equal(json.election.leader_found, json.meta.leader !== null);
		assert.equal(json.election.timeout_ms, 15_000);
	}

	// Once the election is over, a first run with no inventory at all still finds the stream.
	const fresh = mkdtempSync(path.join(tmpdir(), 'nats-dr-state-'));
	try {
		const again = parseJson(
			await runCli(['diagnose', '--json', '--election-timeout', '30s', ...cliConnection(cluster)], {
				env: {XDG_STATE_HOME: fresh},
			}),
		);
		const seen = again.streams.find((stream: any) => stream.name === 'PINNED');
		assert.equal(seen?.verdict.kind, 'r1-on-dead-node', JSON.stringify(again.streams_partial));
		assert.deepEqual(seen.verdict.dead_peers, [metaLeader]);
		assert.equal(seen.source, 'live');
	} finally {
		rmSync(fresh, {recursive: true, force: true});
	}
});
