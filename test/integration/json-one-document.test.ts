/**
 * `--json` promises one document on stdout per run, whatever happens. A peer-remove whose watch
 * times out used to print the watch's document and then the error's; the error document now
 * carries what was done.
 */
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, test} from 'node:test';
import {parseJson, runCli} from '../helpers/cli.js';
import {TestCluster} from '../helpers/nats-server.js';
import {addStream, appConnection, cliConnection} from '../helpers/streams.js';

describe('one JSON document per run', () => {
	let cluster: TestCluster;
	const scratch = mkdtempSync(join(tmpdir(), 'nats-dr-json-'));

	before(async () => {
		// Four nodes: a replica removed from an R3 stream is replaced on the spare, which must catch up.
		cluster = await TestCluster.start({nodes: 4});
		const nc = await appConnection(cluster);
		await addStream(nc, {name: 'EVENTS', num_replicas: 3}, 2000);
		await nc.close();
	});
	after(async () => {
		await cluster?.stopAll();
		rmSync(scratch, {recursive: true, force: true});
	});

	test('peer-remove whose watch times out: exit 1 and one document saying what was removed and what is pending', async () => {
		const diagnosis = parseJson(await runCli(['diagnose', '--json', ...cliConnection(cluster)]));
		const events = diagnosis.streams.find((stream: {name: string}) => stream.name === 'EVENTS') as {
			leader: string;
			peers: Array<{name: string}>;
		};
		const victim = events.peers.find(peer => peer.name !== events.leader)!.name;
		// A watch of 1 ms takes one look, right after the removal: the replacement cannot have caught up.
		const result = await runCli(
			[
				'peer-remove',
				victim,
				'--stream',
				'EVENTS',
				'--force',
				'--confirm',
				victim,
				'--json',
				'--watch-timeout',
				'1ms',
				'--audit-log',
				join(scratch, 'audit.log'),
				...cliConnection(cluster),
			],
			{timeoutMs: 60_000},
		);
		assert.equal(result.code, 1, result.stdout + result.stderr);
		const json = parseJson(result);
		assert.equal(json.ok, false);
		assert.equal(json.exit_code, 1);
		assert.equal(json.removed, victim);
		assert.match(json.error, /^recovery not complete after 0s: EVENTS waits for /);
		assert.equal(json.streams[0].stream, 'EVENTS');
		assert.equal(json.streams[0].done, false);
		assert.match(result.stderr, /^nats-dr: recovery not complete/m);
	});

	test('usage errors and refusals in --json mode print one document too', async () => {
		for (const args of [
			['backup', 'A.B', join(scratch, 'x')],
			['restore', join(scratch, 'missing'), '--yes'],
			['diagnose', '--timeout', '0'],
		]) {
			const result = await runCli([...args, '--json', ...cliConnection(cluster)]);
			assert.notEqual(result.code, 0);
			const json = parseJson(result);
			assert.equal(json.ok, false, JSON.stringify(args));
			assert.equal(json.exit_code, result.code);
		}
	});
});
