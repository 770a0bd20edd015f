/**
 * A 3-node cluster where the server restoring a stream dies after the last chunk while the server
 * this client is connected to lives on: the end marker then meets no responders. That is the
 * restoring server gone, not "JetStream is not enabled for this account".
 */
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, test} from 'node:test';
import {binPath, cleanEnv} from '../helpers/cli.js';
import {endMarkerTrap} from '../helpers/end-marker-trap.js';
import {fixturePath} from '../helpers/fixtures.js';
import {appUser, TestCluster, waitFor} from '../helpers/nats-server.js';

describe('the restoring server dies after the last chunk, the connected one lives', () => {
	let cluster: TestCluster;
	const scratch = mkdtempSync(join(tmpdir(), 'nats-dr-restore-gone-'));

	before(async () => {
		cluster = await TestCluster.start({nodes: ['n1', 'n2', 'n3'].map(name => ({name, tags: [`node:${name}`]}))});
	});
	after(async () => {
		await cluster?.stopAll();
		rmSync(scratch, {recursive: true, force: true});
	});

	test('the failure names the restoring server as gone, not JetStream as missing', async () => {
		const n1 = cluster.node('n1');
		const trap = await endMarkerTrap(n1.port);
		try {
			const args = [
				'restore',
				fixturePath('account/AUDIT'),
				'--tag',
				'node:n2',
				'--yes',
				'--server',
				trap.url,
				'--user',
				appUser.user,
				'--password',
				appUser.password,
				'--audit-log',
				join(scratch, 'audit.log'),
			];
			const child = spawn(process.execPath, [binPath, ...args], {env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe']});
			let stdout = '';
			let stderr = '';
			child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
			child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
			const exit = new Promise<number | null>(resolve => child.once('close', resolve));
			const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
			await trap.trapped;
			// 2.10 and later pool several routes per peer: the count before the kill is the reference.
			const routes = async (): Promise<number> =>
				((await (await fetch(`http://127.0.0.1:${n1.httpPort}/routez`)).json()) as {num_routes: number}).num_routes;
			const before = await routes();
			await cluster.kill('n2');
			// The end marker must reach n1 only once n1 knows n2 is gone, or n1 would still route it there.
			await waitFor(async () => (await routes()) < before, {timeoutMs: 30_000, what: 'n1 to drop its routes to n2'});
			trap.release();
			const code = await exit;
			clearTimeout(killer);
			assert.equal(code, 1, stdout + stderr);
			assert.doesNotMatch(stderr, /not enabled/);
			assert.match(
				stderr,
				/^nats-dr: the server restoring AUDIT went away after the last chunk: nothing receives the end of the upload any more/m,
			);
		} finally {
			await trap.close();
		}
	});
});
