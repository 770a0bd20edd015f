/**
 * natscli contexts end to end: a temp XDG_CONFIG_HOME with context files, the built CLI selecting
 * them by --context, NATS_CONTEXT or context.txt, and flags overriding context values.
 */
import assert from 'node:assert/strict';
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {parseJson, runCli, type CliResult} from '../helpers/cli.js';
import {appUser, freePorts, sysUser, TestCluster} from '../helpers/nats-server.js';

const wrongPassword = 'ctx-wrong-pw-77';

describe('natscli contexts', () => {
	let server: TestCluster;
	let root: string;
	let deadUrl: string;
	let elsewhere: string;

	/** A config dir with every context and, when given, a context.txt selecting one. */
	async function configHome(selected?: string): Promise<string> {
		const home = await mkdtemp(path.join(root, 'xdg-'));
		const dir = path.join(home, 'nats', 'context');
		await mkdir(dir, {recursive: true});
		const contexts: Record<string, object> = {
			good: {description: 'the app user', url: server.urls, user: appUser.user, password: appUser.password},
			badpw: {url: server.urls, user: appUser.user, password: wrongPassword},
			badurl: {url: deadUrl, user: appUser.user, password: appUser.password},
			sys: {url: server.urls, user: sysUser.user, password: sysUser.password},
		};
		for (const [name, settings] of Object.entries(contexts)) {
			await writeFile(path.join(dir, `${name}.json`), JSON.stringify(settings, null, 2), {mode: 0o600});
		}

		if (selected !== undefined) await writeFile(path.join(home, 'nats', 'context.txt'), `${selected}\n`);
		return home;
	}

	const cli = async (args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> =>
		runCli(['diagnose', '--json', ...args], {env});

	function assertConnected(result: CliResult, context: string): any {
		assert.equal(result.code, 0, result.stderr);
		const json = parseJson(result);
		assert.equal(json.connection.context, context);
		assert.ok(!(result.stdout + result.stderr).includes(appUser.password), 'the password was printed');
		return json;
	}

	function assertRejected(result: CliResult): void {
		assert.equal(result.code, 1, result.stderr);
		assert.match(result.stderr, /^nats-dr: authentication failed at /);
		assert.ok(!(result.stdout + result.stderr).includes(wrongPassword), 'the wrong password was printed');
	}

	let plain: string;
	let selectsGood: string;
	let selectsBad: string;

	before(async () => {
		root = await mkdtemp(path.join(tmpdir(), 'nats-dr-contexts-'));
		server = await TestCluster.start();
		deadUrl = `nats://127.0.0.1:${(await freePorts(1))[0]!}`;
		plain = await configHome();
		selectsGood = await configHome('good');
		selectsBad = await configHome('badpw');
		elsewhere = path.join(root, 'elsewhere', 'ops-prod.json');
		await mkdir(path.dirname(elsewhere), {recursive: true});
		await writeFile(elsewhere, JSON.stringify({url: server.urls, user: appUser.user, password: appUser.password}));
	});
	after(async () => {
		await server?.stopAll();
		await rm(root, {recursive: true, force: true});
	});

	test('--context NAME reads $XDG_CONFIG_HOME/nats/context/NAME.json', async () => {
		const json = assertConnected(await cli(['--context', 'good'], {XDG_CONFIG_HOME: plain}), 'good');
		assert.equal(json.connection.servers, server.urls);
		assert.equal(json.connection.auth, 'user "app" with a password');
	});

	test('--context with the path of a .json file outside the config dir', async () => {
		assertConnected(await cli(['--context', elsewhere], {XDG_CONFIG_HOME: plain}), 'ops-prod');
	});

	test('NATS_CONTEXT selects a context, over context.txt', async () => {
		assertConnected(await cli([], {XDG_CONFIG_HOME: selectsBad, NATS_CONTEXT: 'good'}), 'good');
	});

	test('context.txt selects the context when nothing else does', async () => {
		assertConnected(await cli([], {XDG_CONFIG_HOME: selectsGood}), 'good');
		assertRejected(await cli([], {XDG_CONFIG_HOME: selectsBad}));
	});

	test('--context beats NATS_CONTEXT', async () => {
		assertConnected(await cli(['--context', 'good'], {XDG_CONFIG_HOME: plain, NATS_CONTEXT: 'badpw'}), 'good');
		assertRejected(await cli(['--context', 'badpw'], {XDG_CONFIG_HOME: plain, NATS_CONTEXT: 'good'}));
	});

	test('--no-context ignores the selected context and NATS_CONTEXT', async () => {
		const flags = ['--no-context', '--server', server.urls, '--user', appUser.user, '--password', appUser.password];
		const result = await cli(flags, {XDG_CONFIG_HOME: selectsBad, NATS_CONTEXT: 'badpw'});
		assert.equal(result.code, 0, result.stderr);
		assert.equal(parseJson(result).connection.context, null);
		const both = await cli(['--no-context', '--context', 'good'], {XDG_CONFIG_HOME: plain});
		assert.equal(both.code, 2);
		assert.match(both.stderr, /--context and --no-context contradict each other/);
	});

	test('--password overrides the context password', async () => {
		assertRejected(await cli(['--context', 'badpw'], {XDG_CONFIG_HOME: plain}));
		assertConnected(
			await cli(['--context', 'badpw', '--password', appUser.password], {XDG_CONFIG_HOME: plain}),
			'badpw',
		);
	});

	test('NATS_PASSWORD overrides the context password too', async () => {
		assertConnected(
			await cli(['--context', 'badpw'], {XDG_CONFIG_HOME: plain, NATS_PASSWORD: appUser.password}),
			'badpw',
		);
	});

	test('--server overrides the context url', async () => {
		const unreachable = await cli(['--context', 'badurl'], {XDG_CONFIG_HOME: plain});
		assert.equal(unreachable.code, 1);
		assert.match(unreachable.stderr, new RegExp(`^nats-dr: cannot reach a NATS server at ${deadUrl}: `));
		const json = assertConnected(
			await cli(['--context', 'badurl', '--server', server.urls], {XDG_CONFIG_HOME: plain}),
			'badurl',
		);
		assert.equal(json.connection.servers, server.urls);
	});

	test('--sys-context gives the system view from its own context', async () => {
		const json = assertConnected(
			await cli(['--context', 'good', '--sys-context', 'sys'], {XDG_CONFIG_HOME: plain}),
			'good',
		);
		assert.equal(json.system.available, true);
		assert.deepEqual(
			json.servers.map((s: any) => s.name),
			['n1'],
		);
		assert.ok(!JSON.stringify(json).includes(sysUser.password));
	});

	test('an unknown context name exits 2 with one clear line', async () => {
		for (const env of [{XDG_CONFIG_HOME: plain}, {XDG_CONFIG_HOME: plain, NATS_CONTEXT: 'nope'}]) {
			const result = await runCli(['diagnose', ...('NATS_CONTEXT' in env ? [] : ['--context', 'nope'])], {env});
			assert.equal(result.code, 2, result.stderr);
			assert.match(result.stderr, /^nats-dr: unknown context "nope": .*nats\/context\/nope\.json does not exist$/m);
			assert.doesNotMatch(result.stderr, /^\s+at /m);
		}
	});

	test('a context path that does not exist, or a name with a path in it, exits 2', async () => {
		for (const wanted of [path.join(root, 'missing.json'), '../good']) {
			const result = await runCli(['diagnose', '--context', wanted], {env: {XDG_CONFIG_HOME: plain}});
			assert.equal(result.code, 2, result.stderr);
			assert.match(result.stderr, /is neither a context name nor an existing \.json file/);
		}
	});

	test('a context file that is not JSON exits 1 naming the file', async () => {
		const broken = path.join(root, 'broken.json');
		await writeFile(broken, '{"url": ');
		const result = await runCli(['diagnose', '--context', broken], {env: {XDG_CONFIG_HOME: plain}});
		assert.equal(result.code, 1, result.stderr);
		assert.match(result.stderr, /^nats-dr: context file .*broken\.json cannot be read: /);
	});
});
