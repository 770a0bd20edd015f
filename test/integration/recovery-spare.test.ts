/**
 * Automatic recovery on a real 4-node cluster: one node dies; the R3 stream with a replica on it
 * has a spare and heals after peer-remove; the R1 stream pinned to it is "R1 on a dead node".
 */
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';
import {parseJson, runCli} from '../helpers/cli.js';
import {TestCluster, waitFor} from '../helpers/nats-server.js';
import {addStream, appConnection, cliConnection} from '../helpers/streams.js';

describe('a 4-node cluster losing one node', () => {
	let cluster: TestCluster;
	let victim: string;

	before(async () => {
		cluster = await TestCluster.start({nodes: ['n1', 'n2', 'n3', 'n4'].map(name => ({name, tags: [`node:${name}`]}))});
		const metaLeader = await cluster.waitReady();
		const nc = await appConnection(cluster);
		await addStream(nc, {name: 'ORDERS', num_replicas: 3}, 500);
		const info = await (await nc.jetstreamManager()).streams.info('ORDERS');
		victim = info.cluster!.replicas!.map(replica => replica.name).find(name => name !== metaLeader)!;
		await addStream(nc, {name: 'PINNED', num_replicas: 1, placement: {cluster: '', tags: [`node:${victim}`]}}, 50);
		await addStream(nc, {name: 'SAFE', num_replicas: 1, placement: {cluster: '', tags: [`node:${metaLeader}`]}}, 10);
		await nc.close();
		await cluster.kill(victim);
	});
	after(async () => cluster?.stopAll());

	test('diagnose gives each stream its verdict, with reasons', async () => {
		const result = await runCli(['diagnose', '--json', ...cliConnection(cluster)]);
		assert.equal(result.code, 0, result.stderr);
		const json = parseJson(result);
		const verdicts: any = Object.fromEntries(json.streams.map((s: any) => [s.name, s.verdict]));
		assert.equal(verdicts.ORDERS.kind, 'self-healing-after-peer-remove', verdicts.ORDERS.reason);
		assert.deepEqual(verdicts.ORDERS.peer_remove, [victim]);
		assert.equal(verdicts.ORDERS.spares.length, 1);
		assert.equal(verdicts.PINNED.kind, 'r1-on-dead-node', verdicts.PINNED.reason);
		assert.match(verdicts.PINNED.reason, new RegExp(victim));
		assert.equal(verdicts.SAFE.kind, 'healthy');
		assert.equal(json.meta.verdict.peer_remove_possible, true);
		assert.ok(json.next_steps.some((step: string) => step.includes(`nats-dr peer-remove ${victim}`)));
	});

	test('peer-remove refuses an online server and an unknown name, and removes nothing', async () => {
		const online = cluster.running()[0]!.name;
		const refused = await runCli(['peer-remove', online, '--yes', ...cliConnection(cluster)]);
		assert.equal(refused.code, 1);
		assert.match(refused.stderr, /online and answering.*nothing was removed/);
		const unknown = await runCli(['peer-remove', 'no-such-node', '--yes', ...cliConnection(cluster)]);
		assert.equal(unknown.code, 2);
		assert.match(unknown.stderr, /not a member of the meta group/);
		const noConfirm = await runCli(['peer-remove', victim, ...cliConnection(cluster)]);
		assert.equal(noConfirm.code, 2);
		assert.match(noConfirm.stderr, /cannot ask for confirmation without a terminal/);
		const wrongConfirm = await runCli(['peer-remove', victim, '--confirm', 'n9', ...cliConnection(cluster)]);
		assert.equal(wrongConfirm.code, 2);
		const json = parseJson(await runCli(['diagnose', '--json', ...cliConnection(cluster)]));
		assert.ok(
			json.meta.peers.some((peer: any) => peer.name === victim),
			'the dead node is still a meta peer',
		);
	});

	test('peer-remove without system credentials says so and removes nothing', async () => {
		const result = await runCli(['peer-remove', victim, '--yes', ...cliConnection(cluster, {sys: false})]);
		assert.equal(result.code, 1);
		assert.match(result.stderr, /needs the system account/);
	});

	test('peer-remove shows the impact, removes the node and watches ORDERS recover', async () => {
		const result = await runCli(
			['peer-remove', victim, '--confirm', victim, '--watch-timeout', '60s', ...cliConnection(cluster)],
			{timeoutMs: 90_000},
		);
		assert.equal(result.code, 0, result.stderr + result.stdout);
		assert.match(result.stdout, /ORDERS: a replacement replica is placed on/);
		assert.match(result.stdout, /PINNED: R1 stream: its data on .* is lost/);
		assert.match(result.stdout, /Equivalent: nats server cluster peer-remove/);
		assert.match(result.stdout, /ORDERS: recovered/);

		const json = await waitFor(
			async () => {
				const diagnosis = parseJson(await runCli(['diagnose', '--json', ...cliConnection(cluster)]));
				return diagnosis.streams.find((s: any) => s.name === 'ORDERS').verdict.kind === 'healthy' && diagnosis;
			},
			{what: 'ORDERS healthy'},
		);
		const orders = json.streams.find((s: any) => s.name === 'ORDERS');
		assert.equal(orders.peers.length, 3);
		assert.ok(orders.peers.every((peer: any) => peer.current && peer.name !== victim));
		assert.equal(orders.messages, 500);
	});
});
