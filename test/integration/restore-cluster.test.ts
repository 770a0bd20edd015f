/**
 * Restores into a 3-node 2.9.10 cluster whose servers carry tags: the R3 fixture settles with its
 * consumers and current replicas, placement overrides land a stream on the chosen node, an account
 * restore refuses or skips existing streams, an interrupted restore's leftover is named, and a
 * backup written by nats-dr comes back whole.
 */
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, test} from 'node:test';
import type {NatsConnection} from 'nats';
import {binPath, cleanEnv, parseJson, runCli} from '../helpers/cli.js';
import {TestCluster} from '../helpers/nats-server.js';
import {expectRefusedRestore} from '../helpers/restore-refusal.js';
import {
	addFixtureConsumers,
	addStream,
	appConnection,
	cliConnection,
	fixtureStates,
	restoredState,
	streamNames,
} from '../helpers/streams.js';
import {fixturePath} from '../helpers/fixtures.js';
import {damagedCopy} from '../helpers/damaged-backup.js';

const fixture = fixturePath;

describe('restore into a 3-node cluster with server tags', () => {
	let cluster: TestCluster;
	let nc: NatsConnection;
	const scratch = mkdtempSync(join(tmpdir(), 'nats-dr-restore-'));
	const restore = async (args: string[]) =>
		runCli(['restore', ...args, '--audit-log', join(scratch, 'audit.log'), ...cliConnection(cluster)], {
			timeoutMs: 120_000,
		});

	const refused = async (args: string[], pattern: RegExp) => expectRefusedRestore(nc, restore, args, pattern);

	before(async () => {
		cluster = await TestCluster.start({nodes: ['n1', 'n2', 'n3'].map(name => ({name, tags: [`node:${name}`]}))});
		nc = await appConnection(cluster);
	});
	after(async () => {
		await nc?.close();
		await cluster?.stopAll();
		rmSync(scratch, {recursive: true, force: true});
	});

	test('restores the R3 backup and reports it done only once consumers and replicas are there', async () => {
		const result = await restore([fixture('EVENTS-R3'), '--confirm', 'EVENTS', '--json']);
		assert.equal(result.code, 0, result.stderr);
		const [stream] = parseJson(result).streams;
		assert.equal(stream.replicas, 3);
		assert.ok(stream.leader);
		assert.equal(stream.peers.length, 2);
		assert.ok(
			stream.peers.every((peer: any) => peer.current),
			JSON.stringify(stream.peers),
		);
		assert.deepEqual(stream.consumers, [
			{name: 'MONITOR', delivered: 0, ack_floor: 0},
			{name: 'PROCESSOR', delivered: 100, ack_floor: 100},
		]);
		// Checked again independently, straight after the command returned.
		assert.deepEqual(await restoredState(nc, 'EVENTS'), fixtureStates['EVENTS']);
	});

	test('refuses a placement tag no answering server has, and says which', async () => {
		await refused(
			[fixture('RANDOM'), '--tag', 'node:n9', '--yes'],
			/placement tag "node:n9" is on no answering server in cluster c1[\s\S]*try: replace the placement with --tag TAG \(tags in use: node:n1, node:n2, node:n3\)/,
		);
	});

	test('refuses a placement cluster nobody answers for', async () => {
		await refused(
			[fixture('RANDOM'), '--cluster', 'east', '--yes'],
			/placement cluster "east" has no answering JetStream server \(clusters answering: c1\)[\s\S]*--cluster c1/,
		);
	});

	test('refuses more replicas than the cluster has servers', async () => {
		await refused(
			[fixture('RANDOM'), '--replicas', '4', '--yes'],
			/4 replicas, but cluster c1 has 3 answering JetStream servers[\s\S]*--replicas 3/,
		);
	});

	test('--tag lands the stream on the chosen node, with the placement replaced', async () => {
		const json = parseJson(
			await restore([fixture('RANDOM'), '--tag', 'node:n3', '--cluster', 'c1', '--yes', '--json']),
		);
		assert.equal(json.ok, true);
		const info = await (await nc.jetstreamManager()).streams.info('RANDOM');
		assert.equal(info.cluster?.leader, 'n3');
		assert.deepEqual(info.config.placement, {cluster: 'c1', tags: ['node:n3']});
		assert.deepEqual(await restoredState(nc, 'RANDOM'), fixtureStates['RANDOM']);
	});

	test('an account restore refuses existing streams up front, or skips them with --skip-existing', async () => {
		const first = await restore([fixture('account/AUDIT'), '--yes']);
		assert.equal(first.code, 0, first.stderr);
		await refused([fixture('account'), '--yes'], /1 of 2 streams exist already: AUDIT[\s\S]*--skip-existing/);
		const result = await restore([fixture('account'), '--skip-existing', '--confirm', 'account', '--json']);
		assert.equal(result.code, 0, result.stderr);
		const json = parseJson(result);
		assert.deepEqual(
			json.streams.map((stream: any) => [stream.stream, stream.status]),
			[
				['AUDIT', 'skipped'],
				['ORDERS', 'restored'],
			],
		);
		assert.match(result.stderr, /stream "AUDIT" exists already and is skipped \(--skip-existing\)/);
		assert.deepEqual(await restoredState(nc, 'ORDERS'), fixtureStates['ORDERS']);
		assert.deepEqual(await restoredState(nc, 'AUDIT'), fixtureStates['AUDIT']);
	});

	test('an interrupted restore leaves the name taken; the next restore is refused up front and told to delete it', async () => {
		await (await nc.jetstreamManager()).streams.delete('RANDOM');
		const child = spawn(
			process.execPath,
			[
				binPath,
				'restore',
				fixture('RANDOM'),
				'--tag',
				'node:n2',
				'--chunk-size',
				'1KiB',
				'--window',
				'1',
				'--yes',
				...cliConnection(cluster),
			],
			{env: cleanEnv()},
		);
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (text: string) => {
			stdout += text;
			if (/Sent \d+ chunks \(/.test(stdout)) child.kill('SIGINT');
		});
		child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
		const code = await new Promise(resolve => child.once('close', resolve));
		assert.equal(code, 130, stdout + stderr);
		assert.match(
			stderr,
			/restore of RANDOM interrupted during the upload; the cluster still holds the name RANDOM for the unfinished restore, without a stream/,
		);
		assert.match(stderr, /try: delete it \(nats stream rm RANDOM\) before retrying/);
		await refused([fixture('RANDOM'), '--yes'], /the name "RANDOM" is still taken by an unfinished restore/);
	});

	test('a damaged archive: the upload stops before its end, the unfinished R3 restore is deleted, and the name restores at once', async () => {
		const jsm = await nc.jetstreamManager();
		if ((await streamNames(nc)).includes('RANDOM')) await jsm.streams.delete('RANDOM');
		const dir = damagedCopy(fixture('RANDOM'), join(scratch, 'damaged', 'RANDOM'));
		const result = await restore([dir, '--replicas', '3', '--yes']);
		assert.equal(result.code, 1, result.stdout + result.stderr);
		assert.match(
			result.stderr,
			/the archive of RANDOM is damaged: CRC mismatch in chunk at byte \d+: the archive is corrupt\. The upload stopped before its last chunk, so the server restored none of it; no stream was created/,
		);
		assert.ok(!(await streamNames(nc)).includes('RANDOM'));
		// Left alone, the cluster would keep the name and later make it an empty stream: the sound
		// backup must restore under it, whole, straight away.
		const sound = await restore([fixture('RANDOM'), '--replicas', '3', '--yes']);
		assert.equal(sound.code, 0, sound.stdout + sound.stderr);
		assert.deepEqual(await restoredState(nc, 'RANDOM'), {...fixtureStates['RANDOM'], replicas: 3});
	});

	test('a backup written by nats-dr restores to the same stream', async () => {
		await addStream(nc, {name: 'ROUND', num_replicas: 3}, 300);
		await addFixtureConsumers(nc, 'ROUND', 40);
		const original = await restoredState(nc, 'ROUND');
		const dir = join(scratch, 'round-trip', 'ROUND');
		const backup = await runCli(['backup', 'ROUND', dir, ...cliConnection(cluster)], {timeoutMs: 60_000});
		assert.equal(backup.code, 0, backup.stderr);
		await (await nc.jetstreamManager()).streams.delete('ROUND');
		const result = await restore([dir, '--confirm', 'ROUND']);
		assert.equal(result.code, 0, result.stderr);
		assert.deepEqual(await restoredState(nc, 'ROUND'), original);
	});
});
