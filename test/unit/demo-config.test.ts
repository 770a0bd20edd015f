import assert from 'node:assert/strict';
import {chmod, mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
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
	return {
		name,
		port: base,
		clusterPort: base + 1,
		httpPort: base + 2,
		storeDir: `${dir}/store`,
		configFile: `${dir}/server.conf`,
		logFile: `${dir}/server.log`,
	};
}

describe('serverConfig in a supercluster', () => {
	const nodes = ['east', 'west', 'central'].map((cluster, i) => ({
		...node(`${cluster}-1`, 4000 + i * 1000),
		cluster,
		gatewayPort: 4003 + i * 1000,
	}));
	const config = serverConfig(nodes[0]!, nodes, accounts);

	test('a lone server in its cluster routes to itself, as JetStream requires routes, and is tagged with its region', () => {
		assert.match(config, /cluster \{\n {2}name: east\n.*\n {2}routes: \["nats-route:\/\/127\.0\.0\.1:4001"\]/);
		assert.match(config, /^server_tags: \["node:east-1","region:east"\]$/m);
	});

	test('gateways to every other cluster, none to its own', () => {
		assert.match(config, /gateway \{\n {2}name: east\n {2}listen: 127\.0\.0\.1:4003\n/);
		assert.match(
			config,
			/gateways: \[\{"name":"west","urls":\["nats:\/\/127\.0\.0\.1:5003"\]\},\{"name":"central","urls":\["nats:\/\/127\.0\.0\.1:6003"\]\}\]/,
		);
	});
});

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

	test('routes to every other node, not to itself, and no gateway', () => {
		assert.doesNotMatch(config, /gateway/);
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
		assert.deepEqual(
			{url: files.app.url, user: files.app.user, password: files.app.password},
			{url: 'nats://127.0.0.1:1,nats://127.0.0.1:2', user: 'app', password: 'pw-app'},
		);
		assert.deepEqual({user: files.sys.user, password: files.sys.password}, {user: 'sys', password: 'pw-sys'});
	});
});

describe('overridingEnv', () => {
	test('names the NATS_* variables that would override the demo context', () => {
		assert.deepEqual(
			overridingEnv({NATS_URL: 'nats://prod:4222', NATS_CONTEXT: 'x', NATS_PASSWORD: '', HOME: '/root'}),
			['NATS_URL'],
		);
	});
});

describe('findNatsServer', () => {
	test('an explicit path, else the first executable on PATH; missing: how to install it', async () => {
		const dir = await mkdtemp(path.join(tmpdir(), 'nats-dr-find-'));
		try {
			const binary = path.join(dir, 'nats-server');
			await writeFile(binary, '#!/bin/sh\n');
			await chmod(binary, 0o755);
			const noCache = {NATS_DR_BIN_CACHE: path.join(dir, 'no-cache')};
			assert.equal(await findNatsServer(binary, {}), binary);
			assert.equal(
				await findNatsServer(undefined, {...noCache, PATH: ['/nonexistent', dir].join(path.delimiter)}),
				binary,
			);
			await assert.rejects(
				findNatsServer(undefined, {...noCache, PATH: '/nonexistent'}),
				(error: unknown) =>
					error instanceof DrError && error.exitCode === 1 && /sudo apt-get install nats-server/.test(error.hint ?? ''),
			);
			await assert.rejects(findNatsServer(path.join(dir, 'missing'), {}), /is not an executable file/);
		} finally {
			await rm(dir, {recursive: true, force: true});
		}
	});

	test('prefers the newest release built into the cache (by version, not by name), over PATH', async () => {
		const dir = await mkdtemp(path.join(tmpdir(), 'nats-dr-find-'));
		try {
			const cache = path.join(dir, 'cache', 'nats-dr', 'bin');
			const install = async (file: string) => {
				await mkdir(path.dirname(file), {recursive: true});
				await writeFile(file, '#!/bin/sh\n');
				await chmod(file, 0o755);
				return file;
			};

			const onPath = await install(path.join(dir, 'path', 'nats-server'));
			await install(path.join(cache, 'nats-server-v2.9.25', 'nats-server'));
			const newest = await install(path.join(cache, 'nats-server-v2.14.10', 'nats-server'));
			await install(path.join(cache, 'natscli-v0.5.0', 'nats'));
			// A half-finished build (no binary yet) of a newer release is skipped.
			await mkdir(path.join(cache, 'nats-server-v2.15.3'), {recursive: true});
			const env = {PATH: path.dirname(onPath)};
			assert.equal(await findNatsServer(undefined, {...env, XDG_CACHE_HOME: path.join(dir, 'cache')}), newest);
			assert.equal(await findNatsServer(undefined, {...env, NATS_DR_BIN_CACHE: cache}), newest);
			assert.equal(await findNatsServer(undefined, {...env, HOME: dir}), onPath, 'nothing in ~/.cache: PATH');
		} finally {
			await rm(dir, {recursive: true, force: true});
		}
	});
});
