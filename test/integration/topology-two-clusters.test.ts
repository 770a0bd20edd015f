/**
 * A supercluster of two clusters: the meta group of 2 needs both, so losing either cluster loses it.
 * Readiness must say so while everything is still up. (One server per cluster: two clusters of two,
 * started together, each bootstrap a meta group of their own before the gateways connect, and on
 * 2.9.10 the two leaders then flap for good; see test/helpers/topology.ts.)
 */
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';
import {connect} from 'nats';
import {parseJson, runCli} from '../helpers/cli.js';
import {appUser, connectionFlags} from '../helpers/nats-server.js';
import {addStream} from '../helpers/streams.js';
import {Topology} from '../helpers/topology.js';

describe('a supercluster of two clusters', () => {
	let topology: Topology;

	before(async () => {
		topology = await Topology.supercluster([
			{name: 'east', nodes: 1},
			{name: 'west', nodes: 1},
		]);
		const nc = await connect({servers: topology.urlsOf('east'), user: appUser.user, pass: appUser.password});
		await addStream(nc, {name: 'EVENTS', placement: {cluster: 'east', tags: []}}, 10);
		await nc.close();
	});
	after(async () => topology?.stopAll());

	test('readiness warns before it happens: losing either cluster loses the meta quorum', async () => {
		const result = await runCli(['readiness', '--json', ...connectionFlags(topology.urlsOf('west'))]);
		assert.equal(result.code, 0, result.stderr);
		const json = parseJson(result);
		assert.equal(
			json.meta.words,
			'losing any one of the clusters loses the meta quorum (2 of 2): no stream can be created, changed or failed over until it returns',
		);
		assert.deepEqual(
			json.clusters.map((cluster: any) => [cluster.name, cluster.servers.length, cluster.down]),
			[
				['east', 1, false],
				['west', 1, false],
			],
		);
		const events = json.streams.find((entry: any) => entry.stream === 'EVENTS');
		assert.equal(events.region, 'east');
		assert.deepEqual(events.servers, ['east-1']);
		assert.equal(events.verdict, 'unprotected');
		assert.deepEqual(
			json.regions.map((region: any) => [region.region, region.meta_quorum_lost]),
			[
				['east', true],
				['west', true],
			],
		);
	});
});
