/** An account without JetStream: diagnose says so in one sentence and still shows the servers. */
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {parseJson, runCli} from '../helpers/cli.js';
import {sysUser, TestCluster} from '../helpers/nats-server.js';

let server: TestCluster;

before(async () => {
	server = await TestCluster.start({
		accountsConfig: `accounts {
  PLAIN: {users: [{user: plain, password: plain-secret-pw}]}
  SYS: {users: [{user: ${sysUser.user}, password: ${sysUser.password}}]}
}
system_account: SYS`,
	});
});
after(async () => server?.stopAll());

test('diagnose of an account without JetStream says so, exit 0, servers still listed', async () => {
	const args = [
		'diagnose',
		'--server',
		server.urls,
		'--user',
		'plain',
		'--password',
		'plain-secret-pw',
		'--sys-user',
		sysUser.user,
		'--sys-password',
		sysUser.password,
	];
	const json = parseJson(await runCli([...args, '--json']));
	assert.match(json.streams_error, /^JetStream is not enabled for this account/);
	assert.equal(json.servers.length, 1);
	const text = await runCli(args);
	assert.equal(text.code, 0, text.stderr);
	assert.match(text.stdout, /Streams: not visible — JetStream is not enabled for this account/);
	assert.doesNotMatch(text.stdout + text.stderr, /secret-pw/);
});

test('backup from an account without JetStream fails with that sentence and exit 1', async () => {
	const result = await runCli([
		'backup',
		'ANY',
		'/tmp/nats-dr-never',
		'--server',
		server.urls,
		'--user',
		'plain',
		'--password',
		'plain-secret-pw',
	]);
	assert.equal(result.code, 1);
	assert.match(result.stderr, /JetStream is not enabled for this account/);
});
