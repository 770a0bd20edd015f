/**
 * An account restore runs several streams at once (`--concurrency`, default 8): each comes back
 * exactly, one at a time or together, and a bad count is refused before anything is sent.
 */
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, test} from 'node:test';
import type {NatsConnection} from 'nats';
import {runCli} from '../helpers/cli.js';
import {TestCluster, waitFor} from '../helpers/nats-server.js';
import {appConnection, cliConnection, fixtureStates, restoredState, streamNames} from '../helpers/streams.js';
import {fixturePath} from '../helpers/fixtures.js';

describe('account restore, several streams at once', () => {
	let cluster: TestCluster;
	let nc: NatsConnection;
	const scratch = mkdtempSync(join(tmpdir(), 'nats-dr-restore-account-'));
	const restore = async (args: string[]) =>
		runCli(['restore', ...args, '--audit-log', join(scratch, 'audit.log'), ...cliConnection(cluster)], {
			timeoutMs: 90_000,
		});

	before(async () => {
		cluster = await TestCluster.start();
		nc = await appConnection(cluster);
	});
	after(async () => {
		await nc?.close();
		await cluster?.stopAll();
		rmSync(scratch, {recursive: true, force: true});
	});

	async function dropAll(): Promise<void> {
		const jsm = await nc.jetstreamManager();
		for (const name of await streamNames(nc)) await jsm.streams.delete(name);
		await waitFor(async () => (await streamNames(nc)).length === 0, {what: 'no streams'});
	}

	for (const concurrency of ['1', '2']) {
		test(`--concurrency ${concurrency} restores every stream exactly`, async () => {
			const result = await restore([fixturePath('account'), '--confirm', 'account', '--concurrency', concurrency]);
			assert.equal(result.code, 0, result.stderr);
			assert.match(result.stdout, /Restored from .*account: 2 of 2 streams restored, 0 failed, 0 skipped/);
			assert.deepEqual(await restoredState(nc, 'ORDERS'), fixtureStates['ORDERS']);
			assert.deepEqual(await restoredState(nc, 'AUDIT'), fixtureStates['AUDIT']);
			await dropAll();
		});
	}

	test("a bad --concurrency, or one for a single stream's backup, is refused before anything is sent", async () => {
		const bad = await restore([fixturePath('account'), '--confirm', 'account', '--concurrency', '0']);
		assert.equal(bad.code, 2, bad.stderr);
		assert.match(bad.stderr, /--concurrency 0 is out of range/);
		const single = await restore([fixturePath('account/AUDIT'), '--yes', '--concurrency', '2']);
		assert.equal(single.code, 2, single.stderr);
		assert.match(single.stderr, /--concurrency works only for an account backup directory/);
		assert.deepEqual(await streamNames(nc), []);
	});
});
