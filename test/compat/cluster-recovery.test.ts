/**
 * Diagnosis and repair on one 4-node cluster of the server under test, in the order an operator meets
 * them: a stream leader step-down, a dead node (diagnosis, a stream peer-remove without a spare, the
 * meta peer-remove and the heal onto the spare), then the meta leader killed.
 * n1-n3 carry the tag zone:a, n4 zone:b; ZONED is pinned to zone:a, so it has no spare once a node dies.
 */
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';
import type {NatsConnection} from 'nats';
import {parseJson, runCli} from '../helpers/cli.js';
import {feature, observed} from '../helpers/compat.js';
import {natsServerVersion, serverAtLeast, TestCluster, waitFor} from '../helpers/nats-server.js';
import {addStream, appConnection, cliConnection} from '../helpers/streams.js';

type Diagnosis = {
	meta: {leader: string | null; verdict: {kind: string; peer_remove_possible: boolean}};
	servers: Array<{name: string; online: boolean}> | null;
	streams: Array<{name: string; leader: string | null; messages: number | null; peers: Array<{name: string; current: boolean}>; verdict: {kind: string; reason: string; peer_remove: string[]}}>;
};

describe('diagnosis and repair on a 4-node cluster', () => {
	let cluster: TestCluster;
	let nc: NatsConnection;
	let metaLeader: string;
	let victim: string;

	async function diagnose(): Promise<Diagnosis> {
		const result = await runCli(['diagnose', '--json', ...cliConnection(cluster)], {timeoutMs: 90_000});
		assert.equal(result.code, 0, result.stderr);
		return parseJson<Diagnosis>(result);
	}

	const stream = (diagnosis: Diagnosis, name: string) => diagnosis.streams.find(s => s.name === name)!;

	before(async () => {
		const tags = (name: string) => [`zone:${name === 'n4' ? 'b' : 'a'}`];
		cluster = await TestCluster.start({nodes: ['n1', 'n2', 'n3', 'n4'].map(name => ({name, tags: tags(name)}))});
		metaLeader = (await cluster.waitReady())!;
		nc = await appConnection(cluster);
		await addStream(nc, {name: 'EVENTS', num_replicas: 3}, 300);
		await addStream(nc, {name: 'ZONED', num_replicas: 3, placement: {cluster: '', tags: ['zone:a']}}, 100);
		const jsm = await nc.jetstreamManager();
		const members = async (name: string) => {
			const info = await jsm.streams.info(name);
			return [info.cluster!.leader!, ...info.cluster!.replicas!.map(replica => replica.name)];
		};

		const zoned = await members('ZONED');
		victim = (await members('EVENTS')).find(name => zoned.includes(name) && name !== metaLeader)!;
	});

	after(async () => {
		await nc?.close();
		await cluster?.stopAll();
	});

	test('step-down elects another leader for the stream', async () => {
		await feature('step-down', async () => {
			const before = stream(await diagnose(), 'EVENTS').leader;
			const result = await runCli(['step-down', 'EVENTS', '--confirm', 'EVENTS', ...cliConnection(cluster)]);
			assert.equal(result.code, 0, result.stderr + result.stdout);
			await waitFor(async () => {
				const leader = (await (await nc.jetstreamManager()).streams.info('EVENTS')).cluster?.leader;
				return leader && leader !== before;
			}, {what: 'a new EVENTS leader'});
		});
	});

	test('a dead node: diagnosis names it and says EVENTS heals after a peer-remove', async () => {
		await cluster.kill(victim);
		await feature('diagnose', async () => {
			const diagnosis = await diagnose();
			assert.equal(diagnosis.servers?.find(server => server.name === victim)?.online, false);
			assert.equal(diagnosis.meta.verdict.peer_remove_possible, true);
			const events = stream(diagnosis, 'EVENTS');
			assert.equal(events.verdict.kind, 'self-healing-after-peer-remove', events.verdict.reason);
			assert.deepEqual(events.verdict.peer_remove, [victim]);
			assert.equal(events.messages, 300);
		});
	});

	const zonedMembers = async () => {
		const info = await (await nc.jetstreamManager()).streams.info('ZONED');
		return {messages: info.state.messages, members: [info.cluster?.leader, ...(info.cluster?.replicas ?? []).map(replica => replica.name)]};
	};

	test('stream peer-remove without a spare: up to 2.14 the group shrinks; 2.15 refuses and nats-dr says so', async () => {
		await feature('peer-remove', async () => {
			const result = await runCli(['peer-remove', victim, '--stream', 'ZONED', '--confirm', victim, '--watch-timeout', '30s', ...cliConnection(cluster)], {timeoutMs: 60_000});
			if (serverAtLeast(2, 15)) {
				observed('stream peer-remove without a spare', 'refused with 10075, the peer stays');
				assert.equal(result.code, 1, result.stderr + result.stdout);
				assert.match(result.stderr, new RegExp(`nats-server ${natsServerVersion().join('\\.')} refused to remove ${victim} from stream ZONED.*nothing was removed`));
				const zoned = await zonedMembers();
				assert.ok(zoned.members.includes(victim), `${victim} is still a peer of ZONED`);
				assert.equal(zoned.messages, 100);
				return;
			}

			observed('stream peer-remove without a spare', 'peer removed (10075), the group shrinks');
			assert.equal(result.code, 0, result.stderr + result.stdout);
			assert.match(result.stdout, /the group shrank/);
			const zoned = await waitFor(async () => {
				const candidate = await zonedMembers();
				return !candidate.members.includes(victim) && candidate;
			}, {what: `${victim} gone from ZONED`, timeoutMs: 30_000});
			assert.equal(zoned.messages, 100);
		});
	});

	test('meta peer-remove of the dead node: EVENTS heals onto the spare', async () => {
		await feature('peer-remove', async () => {
			const result = await runCli(['peer-remove', victim, '--confirm', victim, '--watch-timeout', '60s', ...cliConnection(cluster)], {timeoutMs: 90_000});
			assert.equal(result.code, 0, result.stderr + result.stdout);
			assert.match(result.stdout, /EVENTS: recovered/);
			const events = await waitFor(async () => {
				const candidate = stream(await diagnose(), 'EVENTS');
				return candidate.verdict.kind === 'healthy' && candidate;
			}, {what: 'EVENTS healthy', timeoutMs: 60_000});
			assert.equal(events.peers.length, 3);
			assert.ok(events.peers.every(peer => peer.current && peer.name !== victim), JSON.stringify(events.peers));
			assert.equal(events.messages, 300);
		});
	});

	test('the meta leader killed: diagnosis finds the new leader and names the dead one', async () => {
		const leader = (await cluster.waitReady(60_000))!;
		await cluster.kill(leader);
		await feature('diagnose', async () => {
			const diagnosis = await waitFor(async () => {
				const candidate = await diagnose();
				return candidate.meta.leader !== null && candidate.meta.leader !== leader ? candidate : undefined;
			}, {what: 'a new meta leader in the diagnosis', timeoutMs: 60_000});
			assert.equal(diagnosis.servers?.find(server => server.name === leader)?.online, false);
			assert.equal(stream(diagnosis, 'EVENTS').messages, 300);
		});
	});
});
