/** A 3-node cluster: one dead node leaves R3 streams without a spare; two dead nodes leave no quorum. */
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';
import {parseJson, runCli} from '../helpers/cli.js';
import {TestCluster} from '../helpers/nats-server.js';
import {addStream, appConnection, cliConnection} from '../helpers/streams.js';

describe('a 3-node cluster losing nodes', () => {
	let cluster: TestCluster;
	let metaLeader: string | undefined;

	before(async () => {
		cluster = await TestCluster.start({nodes: 3});
		metaLeader = await cluster.waitReady();
		const nc = await appConnection(cluster);
		await addStream(nc, {name: 'EVENTS', num_replicas: 3}, 100);
		await nc.close();
	});
	after(async () => cluster?.stopAll());

	test('one dead node, the stream leader if it can be: quorum intact but no spare, also mid-election', async () => {
		const nc = await appConnection(cluster);
		const streamLeader = (await (await nc.jetstreamManager()).streams.info('EVENTS')).cluster?.leader;
		await nc.close();
		// Killing the stream's leader makes STREAM.INFO go silent for the election: the verdict must hold anyway.
		const victim =
			streamLeader && streamLeader !== metaLeader
				? streamLeader
				: cluster.nodes.find(node => node.name !== metaLeader)!.name;
		await cluster.kill(victim);
		const json = parseJson(await runCli(['diagnose', '--json', ...cliConnection(cluster)]));
		const events = json.streams.find((s: any) => s.name === 'EVENTS');
		assert.equal(events.verdict.kind, 'quorum-no-spare', events.verdict.reason);
		assert.match(events.verdict.reason, /keeps running with 2 replicas/);
		await cluster.restart(victim);
		await cluster.waitReady();
	});

	test('two dead nodes: no quorum, and peer-remove is refused with the reason', async () => {
		const survivor = cluster.nodes[0]!;
		for (const node of cluster.nodes.slice(1)) await cluster.kill(node.name);
		const started = Date.now();
		const result = await runCli(['diagnose', '--json', ...cliConnection(cluster)]);
		const elapsed = Date.now() - started;
		assert.equal(result.code, 0, result.stderr);
		const json = parseJson(result);
		assert.equal(json.meta.verdict.kind, 'no-quorum', json.meta.verdict.reason);
		const events = json.streams.find((s: any) => s.name === 'EVENTS');
		assert.ok(events, `EVENTS is listed: ${JSON.stringify(json.streams_partial)}`);
		assert.equal(events.verdict.kind, 'no-quorum', events.verdict.reason);
		assert.ok(elapsed < 15_000, `diagnosis took ${elapsed} ms`);

		const refused = await runCli(['peer-remove', 'n2', '--yes', ...cliConnection(cluster)]);
		assert.equal(refused.code, 1);
		assert.match(refused.stderr, /not possible now: no meta quorum/);
		void survivor;
	});
});
