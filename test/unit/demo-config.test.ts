import assert from 'node:assert/strict';
import {chmod, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, test} from 'node:test';
import {DrError} from '../../source/core/errors.js';
import {contextFiles} from '../../source/demo/contexts.js';
import {findNatsServer} from '../../source/demo/find-server.js';
import {overridingEnv} from '../../source/demo/report.js';
import {serverConfig, type DemoAccounts, type DemoNode} from '../../source/demo/server-config.js';

const accounts: DemoAccounts = {app: {user: 'app', password: 'pw-app'}, sys: {user: 'sys', password: 'pw-sys'}};

function node(name: string, base: number): DemoNode {
	const dir = `/tmp/demo/${name}`;
	return {name, port: base, clusterPort: base + 1, httpPort: base + 2, storeDir: `${dir}/store`, configFile: `${dir}/server.conf`, logFile: `${dir}/server.log`};
}

describe('serverConfig', () => {
	const nodes = [node('n1', 4000), node('n2', 5000), node('n3', 6000)];
	const config = serverConfig(nodes[1]!, nodes, accounts);

	test('listens on 127.0.0.1 only, with monitoring, a node tag and its own store', () => {
		assert.match(config, /^server_name: n2$/m);
		assert.match(config, /^listen: 127\.0\.0\.1:5000$/m);
		assert.match(config, /^http: 127\.0\.0\.1:5002$/m);
		assert.match(config, /^server_tags: \["node:n2"\]$/m);
		assert.match(config, /store_dir: "\/tmp\/demo\/n2\/store"/);
	});

	test('routes to every other node, not to itself', () => {
		assert.match(config, /listen: 127\.0\.0\.1:5001/);
		assert.match(config, /routes: \["nats-route:\/\/127\.0\.0\.1:4001","nats-route:\/\/127\.0\.0\.1:6001"\]/);
	});

	test('an application account with JetStream and a system account, each with its user', () => {
		assert.match(config, /APP: \{\s+jetstream: enabled\s+users: \[\{user: "app", password: "pw-app"\}\]/);
		assert.match(config, /SYS: \{\s+users: \[\{user: "sys", password: "pw-sys"\}\]/);
		assert.match(config, /^system_account: SYS$/m);
	});
});

describe('contextFiles', () => {
	test('natscli contexts with every server URL, one per account', () => {
		const files = contextFiles(['nats://127.0.0.1:1', 'nats://127.0.0.1:2'], accounts);
		assert.deepEqual({url: files.app.url, user: files.app.user, password: files.app.password}, {url: 'nats://127.0.0.1:1,nats://127.0.0.1:2', user: 'app', password: 'pw-app'});
		assert.deepEqual({user: files.sys.user, password: files.sys.password}, {user: 'sys', password: 'pw-sys'});
	});
});

describe('overridingEnv', () => {
	test('names the NATS_* variables that would override the demo context', () => {
		assert.deepEqual(overridingEnv({NATS_URL: 'nats://prod:4222', NATS_CONTEXT: 'x', NATS_PASSWORD: '', HOME: '/root'}), ['NATS_URL']);
	});
});

describe('findNatsServer', () => {
	test('an explicit path, else the first executable on PATH; missing: how to install it', async () => {
		const dir = await mkdtemp(path.join(tmpdir(), 'nats-dr-find-'));
		try {
			const binary = path.join(dir, 'nats-server');
			await writeFile(binary, '#!/bin/sh\n');
			await chmod(binary, 0o755);
			assert.equal(await findNatsServer(binary, {}), binary);
			assert.equal(await findNatsServer(undefined, {PATH: ['/nonexistent', dir].join(path.delimiter)}), binary);
			await assert.rejects(findNatsServer(undefined, {PATH: '/nonexistent'}), (error: unknown) => error instanceof DrError && error.exitCode === 1 && /sudo apt-get install nats-server/.test(error.hint ?? ''));
			await assert.rejects(findNatsServer(path.join(dir, 'missing'), {}), /is not an executable file/);
		} finally {
			await rm(dir, {recursive: true, force: true});
		}
	});
});
