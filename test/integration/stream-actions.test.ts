/** Stream-level recovery actions on a real 3-node cluster: leader step-down and stream peer-remove. */
import assert from 'node:assert/strict';
import {readFile, rm} from 'node:fs/promises';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {parseJson, runCli} from '../helpers/cli.js';
import {serverAtLeast, TestCluster, waitFor} from '../helpers/nats-server.js';
import {addStream, appConnection, cliConnection} from '../helpers/streams.js';

describe('stream step-down and stream peer-remove', () => {
	let cluster: TestCluster;
	const audit = path.join(mkdtempSync(path.join(tmpdir(), 'nats-dr-audit-')), 'audit.log');

	before(async () => {
		cluster = await TestCluster.start({nodes: 3});
		await cluster.waitReady();
		const nc = await appConnection(cluster);
		await addStream(nc, {name: 'EVENTS', num_replicas: 3}, 50);
		await addStream(nc, {name: 'SINGLE', num_replicas: 1}, 5);
		await nc.close();
	});
	after(async () => {
		await cluster?.stopAll();
		await rm(path.dirname(audit), {recursive: true, force: true});
	});

	const streamInfo = async (name: string) => {
		const json = parseJson(await runCli(['diagnose', '--json', ...cliConnection(cluster)]));
		return json.streams.find((s: {name: string}) => s.name === name) as {
			leader: string;
			peers: Array<{name: string; current: boolean}>;
			verdict: {kind: string};
		};
	};

	test('step-down needs the stream name typed, then elects another leader', async () => {
		const before = (await streamInfo('EVENTS')).leader;
		const refused = await runCli(['step-down', 'EVENTS', ...cliConnection(cluster)]);
		assert.equal(refused.code, 2);
		assert.match(refused.stderr, /cannot ask for confirmation without a terminal/);
		const result = await runCli([
			'step-down',
			'EVENTS',
			'--confirm',
			'EVENTS',
			'--audit-log',
			audit,
			...cliConnection(cluster),
		]);
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stdout, /Equivalent: nats stream cluster step-down EVENTS/);
		assert.match(result.stdout, /New leader elected "n\d"/);
		const after = await waitFor(async () => {
			const leader = (await streamInfo('EVENTS')).leader;
			return leader && leader !== before ? leader : undefined;
		});
		assert.notEqual(after, before);
	});

	test('step-down of an R1 stream is refused: there is no other replica', async () => {
		const result = await runCli(['step-down', 'SINGLE', '--yes', ...cliConnection(cluster)]);
		assert.equal(result.code, 1);
		assert.match(result.stderr, /no other replica to take over; nothing was changed/);
	});

	test(
		'stream peer-remove of a dead replica shrinks the group (no spare) and is audited',
		// test/compat covers the refusal.
		{skip: serverAtLeast(2, 15) && 'from 2.15 the server refuses to shrink a group without a spare'},
		async () => {
			const events = await streamInfo('EVENTS');
			const victim = events.peers.find(peer => peer.name !== events.leader)!.name;
			await cluster.kill(victim);
			const notPeer = await runCli(['peer-remove', 'n9', '--stream', 'EVENTS', '--yes', ...cliConnection(cluster)]);
			assert.equal(notPeer.code, 2);
			assert.match(notPeer.stderr, /not a peer of stream EVENTS/);
			const result = await runCli(
				[
					'peer-remove',
					victim,
					'--stream',
					'EVENTS',
					'--confirm',
					victim,
					'--audit-log',
					audit,
					'--watch-timeout',
					'30s',
					...cliConnection(cluster),
				],
				{timeoutMs: 60_000},
			);
			assert.equal(result.code, 0, result.stderr + result.stdout);
			assert.match(result.stdout, new RegExp(`Removing peer "${victim}"`));
			assert.match(result.stdout, /EVENTS: recovered/);
			const after = await streamInfo('EVENTS');
			assert.deepEqual(after.peers.map(peer => peer.name).includes(victim), false);
			const lines = (await readFile(audit, 'utf8'))
				.trim()
				.split('\n')
				.map(line => JSON.parse(line) as {action: string; result: string});
			assert.deepEqual(
				lines.map(line => `${line.action}:${line.result}`),
				['step-down:ok', 'stream-peer-remove:ok'],
			);
		},
	);
});
