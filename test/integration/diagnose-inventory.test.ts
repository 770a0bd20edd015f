/**
 * What the cluster held, remembered across nats-dr runs: recorded on disk by a healthy diagnosis
 * and by a backup, forgotten for a stream deleted on purpose, and used when quorum is lost and
 * nothing live can list the streams only the dead servers held.
 */
import assert from 'node:assert/strict';
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {parseJson, runCli} from '../helpers/cli.js';
import {TestCluster} from '../helpers/nats-server.js';
import {addPlacedStream, appConnection, cliConnection} from '../helpers/streams.js';

const pinned = (node: string) => ({cluster: 'c1', tags: [`node:${node}`]});

describe('the inventory across runs and failures', () => {
	let cluster: TestCluster;
	// The meta leader and one more die; the survivor is a follower, so no server can answer STREAM.NAMES.
	let doomed: string;
	let other: string;
	let survivor: string;
	const stateHome = mkdtempSync(path.join(tmpdir(), 'nats-dr-state-'));
	const backups = mkdtempSync(path.join(tmpdir(), 'nats-dr-backups-'));
	const env = {XDG_STATE_HOME: stateHome};
	const inventoryDir = path.join(stateHome, 'nats-dr', 'inventory', 'c1');
	const inventory = () => {
		const [file] = readdirSync(inventoryDir);
		return {
			file: path.join(inventoryDir, file!),
			json: JSON.parse(readFileSync(path.join(inventoryDir, file!), 'utf8')),
		};
	};

	before(async () => {
		cluster = await TestCluster.start({nodes: ['n1', 'n2', 'n3'].map(name => ({name, tags: [`node:${name}`]}))});
		doomed = (await cluster.waitReady())!;
		[survivor, other] = cluster.nodes.map(node => node.name).filter(name => name !== doomed) as [string, string];
		const nc = await appConnection(cluster);
		await addPlacedStream(nc, {name: 'KEPT', num_replicas: 1, placement: pinned(doomed)}, 20);
		await addPlacedStream(nc, {name: 'DELETED', num_replicas: 1, placement: pinned(doomed)}, 5);
		await addPlacedStream(nc, {name: 'EVENTS', num_replicas: 3}, 30);
		await addPlacedStream(nc, {name: 'LOCAL', num_replicas: 1, placement: pinned(survivor)}, 10);
		await nc.close();
	});
	after(async () => {
		await cluster?.stopAll();
		for (const dir of [stateHome, backups]) rmSync(dir, {recursive: true, force: true});
	});

	test('a healthy diagnosis records the inventory on disk, private and without secrets', async () => {
		const json = parseJson(await runCli(['diagnose', '--json', ...cliConnection(cluster)], {env}));
		assert.equal(json.inventory.recorded, true);
		const {file, json: recorded} = inventory();
		assert.equal(json.inventory.file, file);
		assert.equal(statSync(file).mode & 0o777, 0o600);
		assert.deepEqual(
			recorded.streams.map((stream: any) => stream.name),
			['DELETED', 'EVENTS', 'KEPT', 'LOCAL'],
		);
		const kept = recorded.streams.find((stream: any) => stream.name === 'KEPT');
		assert.deepEqual(
			[kept.servers, kept.replicas, kept.messages, kept.firstSeq, kept.lastSeq],
			[[doomed], 1, 20, 1, 20],
		);
		assert.deepEqual(
			recorded.servers.map((server: any) => server.name),
			['n1', 'n2', 'n3'],
		);
		assert.doesNotMatch(readFileSync(file, 'utf8'), /secret-pw/);
	});

	test('a backup records the inventory too, and a stream deleted on purpose leaves it at the next full listing', async () => {
		const diagnosed = inventory().json.recordedAt;
		const backup = await runCli(['backup', 'KEPT', path.join(backups, 'KEPT'), ...cliConnection(cluster)], {env});
		assert.equal(backup.code, 0, backup.stderr);
		assert.ok(inventory().json.recordedAt > diagnosed, 'the backup recorded the inventory');
		const nc = await appConnection(cluster);
		await (await nc.jetstreamManager()).streams.delete('DELETED');
		await nc.close();
		const before = inventory().json.recordedAt;
		const json = parseJson(await runCli(['diagnose', '--json', ...cliConnection(cluster)], {env}));
		assert.equal(json.inventory.previous_recorded_at, before);
		assert.deepEqual(
			inventory().json.streams.map((stream: any) => stream.name),
			['EVENTS', 'KEPT', 'LOCAL'],
		);
	});

	test('quorum lost: what it means, which servers must come back, what still works, which backups exist', async () => {
		await cluster.kill(doomed);
		await cluster.kill(other);
		const dead = [doomed, other].sort();
		const started = Date.now();
		const result = await runCli(['diagnose', '--json', '--backups', backups, ...cliConnection(cluster)], {env});
		assert.equal(result.code, 0, result.stderr);
		const json = parseJson(result);
		assert.equal(json.meta.verdict.kind, 'no-quorum', json.meta.verdict.reason);
		assert.equal(json.election.waited, false, 'no election can come without quorum, so nats-dr does not wait');
		assert.ok(Date.now() - started < 15_000);
		assert.deepEqual(
			json.servers.filter((server: any) => !server.online).map((server: any) => server.name),
			dead,
		);
		const steps = json.next_steps.join('\n');
		assert.match(
			steps,
			/Meta quorum lost: 1 of 3 servers answer and 2 are needed\. Until quorum returns no stream or consumer can be created, deleted or restored, and no peer-remove works\./,
		);
		assert.match(steps, new RegExp(`Bring back 1 of ${dead.join(', ')} \\(any 1 of them is enough\\)`));
		assert.match(steps, /Still working: streams whose own group has a leader keep serving reads and writes: LOCAL\./);
		assert.match(steps, new RegExp(`Backups exist for KEPT \\(${path.join(backups, 'KEPT')}\\)`));
		assert.match(steps, /The stream list is partial/);
	});

	test('after a restart of nats-dr, streams only the dead held come from the inventory, and the deleted one stays gone', async () => {
		const json = parseJson(await runCli(['diagnose', '--json', ...cliConnection(cluster)], {env}));
		const byName = new Map(json.streams.map((stream: any) => [stream.name, stream]));
		assert.equal(byName.has('DELETED'), false, 'a stream deleted on purpose is not reported as lost');
		const kept: any = byName.get('KEPT');
		assert.equal(kept?.source, 'inventory', JSON.stringify(json.streams_partial));
		assert.equal(kept.seen_by, 'inventory');
		assert.match(kept.last_seen, /^\d{4}-\d\d-\d\dT/);
		assert.equal(kept.verdict.kind, 'r1-on-dead-node');
		assert.match(
			kept.verdict.reason,
			new RegExp(
				`^LOST\\? last seen on ${doomed} \\(R1\\) at \\d\\d:\\d\\d UTC, 20 messages — not held by any live server`,
			),
		);
		assert.equal((byName.get('LOCAL') as any)?.source, 'live');
		assert.equal(json.inventory.remembered, 1);

		const plain = await runCli(['diagnose', ...cliConnection(cluster)], {env});
		assert.match(
			plain.stdout,
			new RegExp(`KEPT {2}R1 \\[${doomed}!\\], 20 msgs.*\\(from the inventory, not a live answer\\)`),
		);
		assert.doesNotMatch(plain.stdout, /NO LEADER … an election|election may be under way/);
	});
});
