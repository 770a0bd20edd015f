import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';
import {parseJson, runCli} from '../helpers/cli.js';
import {appUser, connectionFlags, natsServerVersion, TestCluster, waitFor} from '../helpers/nats-server.js';

describe('diagnose on a real 3-node cluster', () => {
	let cluster: TestCluster;
	const connection = () => connectionFlags(cluster.urls);

	before(async () => {
		cluster = await TestCluster.start({nodes: 3});
	});
	after(async () => cluster?.stopAll());

	test('lists the 3 servers and the meta leader', async () => {
		const result = await runCli(['diagnose', '--json', ...connection()]);
		assert.equal(result.code, 0, result.stderr);
		const json = parseJson(result);
		assert.equal(json.schema, 'nats-dr/diagnose/v1');
		assert.deepEqual(
			json.servers.map((s: any) => [s.name, s.cluster, s.version, s.online]),
			['n1', 'n2', 'n3'].map(name => [name, 'c1', natsServerVersion().join('.'), true]),
		);
		const leader = await cluster.metaLeaderSeenBy(cluster.nodes[0]!);
		assert.equal(json.meta.leader, leader);
		assert.deepEqual(
			json.servers.filter((s: any) => s.meta_leader).map((s: any) => s.name),
			[leader],
		);
		assert.doesNotMatch(result.stdout + result.stderr, /secret-pw/);
	});

	test('the readable report marks the leader and names every server', async () => {
		const result = await runCli(['diagnose', ...connection()]);
		assert.equal(result.code, 0, result.stderr);
		const leader = await cluster.metaLeaderSeenBy(cluster.nodes[0]!);
		assert.match(result.stdout, new RegExp(`^\\s*${leader}\\*\\s`, 'm'));
		for (const name of ['n1', 'n2', 'n3']) assert.match(result.stdout, new RegExp(`^\\s*${name}`, 'm'));
		assert.match(result.stdout, /Meta group: leader n\d/);
	});

	test('a SIGKILLed node is reported as not answering within seconds', async () => {
		const leader = await cluster.metaLeaderSeenBy(cluster.nodes[0]!);
		const victim = cluster.nodes.find(node => node.name !== leader)!;
		await cluster.kill(victim.name);
		const survivor = cluster.nodes.find(node => node.name !== victim.name)!;
		const started = Date.now();
		const json = parseJson(
			await runCli(['diagnose', '--json', ...connection().map(arg => (arg === cluster.urls ? survivor.url : arg))]),
		);
		const dead = json.servers.find((s: any) => s.name === victim.name);
		assert.ok(dead, `${victim.name} is listed although it does not answer`);
		assert.equal(dead.online, false);
		assert.equal(json.servers.filter((s: any) => s.online).length, 2);
		assert.ok(Date.now() - started < 10_000, 'diagnosis came back within seconds');
		await waitFor(async () => cluster.running().length === 2, {what: 'two running nodes'});
	});

	test('without system credentials the server part says why it is missing', async () => {
		const result = await runCli([
			'diagnose',
			'--json',
			'--server',
			cluster.running()[0]!.url,
			'--user',
			appUser.user,
			'--password',
			appUser.password,
		]);
		assert.equal(result.code, 0, result.stderr);
		const json = parseJson(result);
		assert.equal(json.system.available, false);
		assert.match(json.system.reason, /no system account permissions/);
		assert.equal(json.servers, null);
	});
});
