import assert from 'node:assert/strict';
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {expandPath, listContexts, natsConfigDir, resolveContext} from '../../source/core/connection/context.js';
import {DrError, UsageError} from '../../source/core/errors.js';

describe('natsConfigDir', () => {
	test('uses $XDG_CONFIG_HOME/nats', () => {
		assert.equal(natsConfigDir({env: {XDG_CONFIG_HOME: '/xdg'}, home: '/home/op'}), '/xdg/nats');
	});

	test('falls back to ~/.config/nats, also when XDG_CONFIG_HOME is empty', () => {
		assert.equal(natsConfigDir({env: {}, home: '/home/op'}), '/home/op/.config/nats');
		assert.equal(natsConfigDir({env: {XDG_CONFIG_HOME: ''}, home: '/home/op'}), '/home/op/.config/nats');
	});
});

describe('resolveContext', () => {
	let root: string;
	let xdg: string;
	let home: string;
	const where = (env: NodeJS.ProcessEnv = {}) => ({env: {XDG_CONFIG_HOME: xdg, ...env}, home});

	async function select(name: string | undefined): Promise<void> {
		const file = path.join(xdg, 'nats', 'context.txt');
		await (name === undefined ? rm(file, {force: true}) : writeFile(file, `${name}\n`));
	}

	before(async () => {
		root = await mkdtemp(path.join(tmpdir(), 'nats-dr-context-unit-'));
		xdg = path.join(root, 'xdg');
		home = path.join(root, 'home');
		const dir = path.join(xdg, 'nats', 'context');
		await mkdir(dir, {recursive: true});
		await mkdir(path.join(home, '.config', 'nats', 'context'), {recursive: true});
		await writeFile(
			path.join(dir, 'prod.json'),
			JSON.stringify({url: 'nats://prod:4222', user: 'u', password: 'p', extra_unknown: 1}),
		);
		await writeFile(path.join(dir, 'dev.json'), JSON.stringify({url: 'nats://dev:4222'}));
		await writeFile(path.join(dir, 'broken.json'), '{');
		await writeFile(path.join(dir, 'list.json'), '[]');
		await writeFile(path.join(dir, 'notes.txt'), 'not a context');
		await writeFile(
			path.join(home, '.config', 'nats', 'context', 'homeonly.json'),
			JSON.stringify({url: 'nats://home:4222'}),
		);
		await writeFile(path.join(root, 'standalone.json'), JSON.stringify({url: 'nats://file:4222'}));
	});
	after(async () => rm(root, {recursive: true, force: true}));

	test('nothing requested or selected: no context', async () => {
		await select(undefined);
		assert.equal(resolveContext(undefined, where()), undefined);
	});

	test('a name loads the file from the config dir, keeping the settings as written', async () => {
		await select(undefined);
		const loaded = resolveContext('prod', where());
		assert.equal(loaded?.name, 'prod');
		assert.equal(loaded?.path, path.join(xdg, 'nats', 'context', 'prod.json'));
		assert.equal(loaded?.settings.url, 'nats://prod:4222');
		assert.equal(loaded?.settings.password, 'p');
	});

	test('without XDG_CONFIG_HOME the contexts come from ~/.config/nats', async () => {
		assert.equal(resolveContext('homeonly', {env: {}, home})?.settings.url, 'nats://home:4222');
	});

	test('a path to an existing .json file loads it, named after the file', async () => {
		const loaded = resolveContext(path.join(root, 'standalone.json'), where());
		assert.equal(loaded?.name, 'standalone');
		assert.equal(loaded?.settings.url, 'nats://file:4222');
	});

	test('a relative path to a .json file works too', async () => {
		const relative = path.relative(process.cwd(), path.join(root, 'standalone.json'));
		assert.equal(resolveContext(relative, where())?.name, 'standalone');
	});

	test('NATS_CONTEXT is the default of --context, and --context beats it', async () => {
		await select(undefined);
		assert.equal(resolveContext(undefined, where({NATS_CONTEXT: 'dev'}))?.name, 'dev');
		assert.equal(resolveContext('prod', where({NATS_CONTEXT: 'dev'}))?.name, 'prod');
		assert.equal(
			resolveContext(undefined, where({NATS_CONTEXT: path.join(root, 'standalone.json')}))?.name,
			'standalone',
		);
	});

	test('context.txt selects a context when nothing is requested; NATS_CONTEXT beats it', async () => {
		await select('dev');
		assert.equal(resolveContext(undefined, where())?.name, 'dev');
		assert.equal(resolveContext(undefined, where({NATS_CONTEXT: 'prod'}))?.name, 'prod');
		assert.equal(resolveContext(undefined, where({NATS_CONTEXT: ''}))?.name, 'dev', 'an empty NATS_CONTEXT is unset');
		await select('');
		assert.equal(resolveContext(undefined, where()), undefined, 'an empty context.txt selects nothing');
		await select(undefined);
	});

	test('an unknown name is a usage error naming the file', () => {
		assert.throws(
			() => resolveContext('nope', where()),
			(error: unknown) =>
				error instanceof UsageError &&
				error.exitCode === 2 &&
				error.message === `unknown context "nope": ${path.join(xdg, 'nats', 'context', 'nope.json')} does not exist`,
		);
	});

	test('a context.txt naming a missing context is the same usage error', async () => {
		await select('gone');
		assert.throws(() => resolveContext(undefined, where()), /unknown context "gone"/);
		await select(undefined);
	});

	test('names with .., / or \\ that are not existing .json files are refused', () => {
		for (const wanted of ['../prod', 'a/b', 'a\\b', path.join(root, 'missing.json'), '..']) {
			assert.throws(
				() => resolveContext(wanted, where()),
				(error: unknown) => error instanceof UsageError && /neither a context name/.test(error.message),
				wanted,
			);
		}
	});

	test('a file that is not JSON, or not an object, is an error naming the file', () => {
		assert.throws(
			() => resolveContext('broken', where()),
			(error: unknown) =>
				error instanceof DrError &&
				!(error instanceof UsageError) &&
				/context file .*broken\.json cannot be read/.test(error.message),
		);
		assert.throws(() => resolveContext('list', where()), /list\.json does not hold a JSON object/);
	});

	test('listContexts lists .json names, sorted, and the selected one', async () => {
		await select('dev');
		assert.deepEqual(await listContexts(where()), {names: ['broken', 'dev', 'list', 'prod'], selected: 'dev'});
		await select(undefined);
		assert.deepEqual(await listContexts({env: {XDG_CONFIG_HOME: path.join(root, 'none')}, home}), {
			names: [],
			selected: undefined,
		});
	});
});

describe('expandPath', () => {
	const where = {env: {CREDS_DIR: '/secrets', NAME: 'ops'}, home: '/home/op'};

	test('expands a leading ~ to the home directory', () => {
		assert.equal(expandPath('~/.nkeys/ops.creds', where), '/home/op/.nkeys/ops.creds');
		assert.equal(expandPath('~', where), '/home/op');
	});

	test('does not expand ~ elsewhere or ~user', () => {
		assert.equal(expandPath('/a/~/b', where), '/a/~/b');
		assert.equal(expandPath('~other/x', where), '~other/x');
	});

	test('expands $VAR and ${VAR}; unknown variables become empty, as in Go os.ExpandEnv', () => {
		assert.equal(expandPath('$CREDS_DIR/$NAME.creds', where), '/secrets/ops.creds');
		assert.equal(expandPath('${CREDS_DIR}/x-${NAME}.nk', where), '/secrets/x-ops.nk');
		assert.equal(expandPath('/x/$UNSET_VAR/y', where), '/x//y');
	});

	test('combines ~ and $VAR', () => {
		assert.equal(expandPath('~/$NAME/user.creds', where), '/home/op/ops/user.creds');
	});

	test('leaves plain paths alone', () => {
		assert.equal(expandPath('/etc/nats/user.creds', where), '/etc/nats/user.creds');
		assert.equal(expandPath('relative/user.nk', where), 'relative/user.nk');
	});
});
