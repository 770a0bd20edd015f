import assert from 'node:assert/strict';
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {
	defaultServer,
	defaultTimeoutMs,
	describeConnection,
	resolveSettings,
	resolveSystemSettings,
	secretsOf,
	splitUserInfo,
	type ConnectionFlags,
} from '../../source/core/connection/settings.js';
import type {ContextFile} from '../../source/core/connection/context.js';
import {UsageError} from '../../source/core/errors.js';

type Contexts = Record<string, ContextFile>;

describe('resolveSettings', () => {
	let root: string;
	let xdg: string;
	const home = '/home/op';

	async function contexts(all: Contexts): Promise<void> {
		const dir = path.join(xdg, 'nats', 'context');
		await rm(dir, {recursive: true, force: true});
		await mkdir(dir, {recursive: true});
		for (const [name, settings] of Object.entries(all))
			await writeFile(path.join(dir, `${name}.json`), JSON.stringify(settings));
	}

	const resolve = (flags: ConnectionFlags = {}, env: NodeJS.ProcessEnv = {}) =>
		resolveSettings(flags, {env: {XDG_CONFIG_HOME: xdg, ...env}, home});

	before(async () => {
		root = await mkdtemp(path.join(tmpdir(), 'nats-dr-settings-unit-'));
		xdg = path.join(root, 'xdg');
	});
	after(async () => rm(root, {recursive: true, force: true}));

	test('defaults: local server, no credentials, 5 s timeout, no context', () => {
		const settings = resolve();
		assert.deepEqual(settings.servers, [defaultServer]);
		assert.deepEqual(settings.credentials, {kind: 'none'});
		assert.equal(settings.token, undefined);
		assert.equal(settings.tls, undefined);
		assert.equal(settings.timeoutMs, defaultTimeoutMs);
		assert.equal(settings.context, undefined);
	});

	test('a comma-separated url becomes a server list', () => {
		assert.deepEqual(resolve({server: 'nats://a:4222, nats://b:4222,'}).servers, ['nats://a:4222', 'nats://b:4222']);
	});

	test('flag beats NATS_* variable beats context value', async () => {
		await contexts({c: {url: 'nats://ctx:4222', user: 'ctx-user', password: 'ctx-pw', token: 'ctx-token'}});
		const fromContext = resolve({context: 'c'});
		assert.deepEqual(fromContext.servers, ['nats://ctx:4222']);
		assert.deepEqual(fromContext.credentials, {kind: 'user', user: 'ctx-user', password: 'ctx-pw'});
		assert.equal(fromContext.token, 'ctx-token');
		assert.deepEqual(fromContext.context, {name: 'c', path: path.join(xdg, 'nats', 'context', 'c.json')});

		const env = {NATS_URL: 'nats://env:4222', NATS_USER: 'env-user', NATS_PASSWORD: 'env-pw', NATS_TOKEN: 'env-token'};
		const fromEnv = resolve({context: 'c'}, env);
		assert.deepEqual(fromEnv.servers, ['nats://env:4222']);
		assert.deepEqual(fromEnv.credentials, {kind: 'user', user: 'env-user', password: 'env-pw'});
		assert.equal(fromEnv.token, 'env-token');

		const fromFlags = resolve(
			{context: 'c', server: 'nats://flag:4222', user: 'flag-user', password: 'flag-pw', token: 'flag-token'},
			env,
		);
		assert.deepEqual(fromFlags.servers, ['nats://flag:4222']);
		assert.deepEqual(fromFlags.credentials, {kind: 'user', user: 'flag-user', password: 'flag-pw'});
		assert.equal(fromFlags.token, 'flag-token');
	});

	test('an empty flag or variable does not override the context', async () => {
		await contexts({c: {url: 'nats://ctx:4222', password: 'ctx-pw', user: 'u'}});
		const settings = resolve({context: 'c', server: ''}, {NATS_URL: '', NATS_PASSWORD: ''});
		assert.deepEqual(settings.servers, ['nats://ctx:4222']);
		assert.deepEqual(settings.credentials, {kind: 'user', user: 'u', password: 'ctx-pw'});
	});

	test('--password overrides only the password of the context user', async () => {
		await contexts({c: {user: 'app', password: 'wrong'}});
		assert.deepEqual(resolve({context: 'c', password: 'right'}).credentials, {
			kind: 'user',
			user: 'app',
			password: 'right',
		});
	});

	test('a user without a password is a token, as in natscli', () => {
		const settings = resolve({user: 's3cret-token'});
		assert.deepEqual(settings.credentials, {kind: 'none'});
		assert.equal(settings.token, 's3cret-token');
		assert.equal(describeConnection(settings).auth, 'token');
	});

	test('auth precedence: user+password, then creds, then nkey, then user_jwt; token on top', async () => {
		await contexts({
			all: {
				user: 'u',
				password: 'p',
				creds: '/c.creds',
				nkey: '/n.nk',
				user_jwt: 'eyJ.jwt',
				user_seed: 'SUSEED',
				token: 't0k',
			},
			noUser: {creds: '/c.creds', nkey: '/n.nk', user_jwt: 'eyJ.jwt'},
			nkeyJwt: {nkey: '/n.nk', user_jwt: 'eyJ.jwt'},
			jwt: {user_jwt: 'eyJ.jwt', user_seed: 'SUSEED'},
		});
		const all = resolve({context: 'all'});
		assert.equal(all.credentials.kind, 'user');
		assert.equal(all.token, 't0k');
		assert.deepEqual(resolve({context: 'noUser'}).credentials, {kind: 'creds', file: '/c.creds'});
		assert.deepEqual(resolve({context: 'nkeyJwt'}).credentials, {kind: 'nkey', file: '/n.nk'});
		assert.deepEqual(resolve({context: 'jwt'}).credentials, {kind: 'jwt', jwt: 'eyJ.jwt', seed: 'SUSEED'});
		assert.deepEqual(resolve({context: 'jwt'}, {NATS_JWT: 'eyJ.env', NATS_SEED: 'SUENV'}).credentials, {
			kind: 'jwt',
			jwt: 'eyJ.env',
			seed: 'SUENV',
		});
	});

	test('a --creds flag beats an nkey in the context; NATS_CREDS and NATS_NKEY count as given', async () => {
		await contexts({c: {nkey: '/ctx.nk'}});
		assert.deepEqual(resolve({context: 'c', creds: '/flag.creds'}).credentials, {kind: 'creds', file: '/flag.creds'});
		assert.deepEqual(resolve({context: 'c'}, {NATS_CREDS: '/env.creds'}).credentials, {
			kind: 'creds',
			file: '/env.creds',
		});
		assert.deepEqual(resolve({}, {NATS_NKEY: '/env.nk'}).credentials, {kind: 'nkey', file: '/env.nk'});
	});

	test('~ and $VAR are expanded in creds, nkey, cert, key and ca paths from a context', async () => {
		await contexts({
			creds: {
				creds: '~/.nkeys/$ACCOUNT/user.creds',
				cert: '$PKI/client.pem',
				key: '${PKI}/client-key.pem',
				ca: '~/ca.pem',
			},
			nkey: {nkey: '$SEEDS/ops.nk'},
			fileUri: {creds: 'file://~/x.creds'},
		});
		const env = {ACCOUNT: 'APP', PKI: '/etc/pki', SEEDS: '/run/seeds'};
		const settings = resolve({context: 'creds'}, env);
		assert.deepEqual(settings.credentials, {kind: 'creds', file: '/home/op/.nkeys/APP/user.creds'});
		assert.deepEqual(settings.tls, {
			cert: '/etc/pki/client.pem',
			key: '/etc/pki/client-key.pem',
			ca: '/home/op/ca.pem',
		});
		assert.deepEqual(resolve({context: 'nkey'}, env).credentials, {kind: 'nkey', file: '/run/seeds/ops.nk'});
		assert.deepEqual(resolve({context: 'fileUri'}, env).credentials, {kind: 'creds', file: '/home/op/x.creds'});
	});

	test('~ in a --creds flag value is expanded too', () => {
		assert.deepEqual(resolve({creds: '~/a.creds'}).credentials, {kind: 'creds', file: '/home/op/a.creds'});
	});

	test('op:// and nsc:// credentials are refused with a usage error that says what to do', async () => {
		assert.throws(
			() => resolve({creds: 'op://vault/item/creds'}),
			(error: unknown) => error instanceof UsageError && /op read/.test(error.hint ?? ''),
		);
		await contexts({legacy: {nsc: 'nsc://op/acct/user'}});
		assert.throws(
			() => resolve({context: 'legacy'}),
			(error: unknown) => error instanceof UsageError && /nsc generate creds/.test(error.hint ?? ''),
		);
	});

	test('TLS: a cert needs a key; a CA alone or tls_first enable TLS', async () => {
		assert.throws(
			() => resolve({tlscert: '/c.pem'}),
			(error: unknown) => error instanceof UsageError && /--tlscert and --tlskey/.test(error.message),
		);
		assert.throws(() => resolve({tlskey: '/k.pem'}), UsageError);
		assert.deepEqual(resolve({tlsca: '/ca.pem'}).tls, {ca: '/ca.pem'});
		assert.deepEqual(resolve({tlsfirst: true}).tls, {handshakeFirst: true});
		await contexts({first: {tls_first: true}});
		assert.deepEqual(resolve({context: 'first'}).tls, {handshakeFirst: true});
		assert.equal(describeConnection(resolve({tlsca: '/ca.pem'})).auth, 'no credentials, TLS');
		assert.equal(
			describeConnection(resolve({tlscert: '/c.pem', tlskey: '/k.pem'})).auth,
			'no credentials, TLS client certificate',
		);
	});

	test('JetStream domain, API prefix and inbox prefix come from the context; --js-domain wins', async () => {
		await contexts({js: {jetstream_domain: 'hub', jetstream_api_prefix: '$JS.hub.API', inbox_prefix: '_I.ops'}});
		const settings = resolve({context: 'js'});
		assert.equal(settings.jsDomain, 'hub');
		assert.equal(settings.jsApiPrefix, '$JS.hub.API');
		assert.equal(settings.inboxPrefix, '_I.ops');
		assert.equal(resolve({context: 'js', jsDomain: 'leaf'}).jsDomain, 'leaf');
	});

	test('a SOCKS proxy context is refused unless --server is given', async () => {
		await contexts({socks: {url: 'nats://far:4222', socks_proxy: 'socks5://proxy:1080'}});
		assert.throws(
			() => resolve({context: 'socks'}),
			(error: unknown) => error instanceof UsageError && /SOCKS proxy/.test(error.message),
		);
		assert.deepEqual(resolve({context: 'socks', server: 'nats://near:4222'}).servers, ['nats://near:4222']);
	});

	test('noContext skips the selected context', async () => {
		await contexts({c: {url: 'nats://ctx:4222'}});
		assert.deepEqual(resolve({noContext: true}, {NATS_CONTEXT: 'c'}).servers, [defaultServer]);
	});

	test('credentials in a server URL are used when nothing else gives credentials', () => {
		assert.deepEqual(resolve({server: 'nats://app:pw%40x@h:4222'}).credentials, {
			kind: 'user',
			user: 'app',
			password: 'pw@x',
		});
		const token = resolve({server: 'nats://tok3n@h:4222'});
		assert.deepEqual(token.credentials, {kind: 'none'});
		assert.equal(token.token, 'tok3n');
		assert.deepEqual(resolve({server: 'nats://app:pw@h:4222', user: 'other', password: 'o'}).credentials, {
			kind: 'user',
			user: 'other',
			password: 'o',
		});
		assert.equal(resolve({server: 'nats://tok3n@h:4222', creds: '/c.creds'}).token, undefined);
	});

	test('the timeout flag is kept', () => {
		assert.equal(resolve({timeoutMs: 1500}).timeoutMs, 1500);
	});
});

describe('secrets and descriptions', () => {
	const where = {env: {}, home: '/home/op'};

	test('secretsOf lists passwords, tokens, JWT seeds and URL passwords', () => {
		const main = resolveSettings(
			{server: 'nats://a:url-pw@h:1,nats://h2:1', user: 'u', password: 'flag-pw', token: 'tok-1'},
			where,
		);
		const jwt = resolveSettings({}, {env: {NATS_JWT: 'eyJ.x', NATS_SEED: 'SUSEEDX'}, home: '/'});
		assert.deepEqual(
			new Set(secretsOf(main, undefined, jwt)),
			new Set(['flag-pw', 'tok-1', 'a:url-pw', 'url-pw', 'eyJ.x', 'SUSEEDX']),
		);
	});

	test('secretsOf keeps short secrets: the scrubber decides how to mask them safely', () => {
		assert.deepEqual(secretsOf(resolveSettings({user: 'u', password: 'pw'}, where)), ['pw']);
	});

	test('secretsOf reads the JWT and the seed out of a creds file and the seed out of an nkey file', async () => {
		const dir = await mkdtemp(path.join(tmpdir(), 'nats-dr-creds-unit-'));
		const jwt = 'eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJVQSJ9.c2lnbmF0dXJl';
		const seed = `SU${'A'.repeat(56)}`;
		const creds = path.join(dir, 'u.creds');
		await writeFile(
			creds,
			`-----BEGIN NATS USER JWT-----\n${jwt}\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n${seed}\n------END USER NKEY SEED------\n`,
		);
		const nkey = path.join(dir, 'u.nk');
		await writeFile(nkey, `${seed}\n`);
		try {
			assert.deepEqual(secretsOf(resolveSettings({creds}, where)), [jwt, seed]);
			assert.deepEqual(secretsOf(resolveSettings({nkey}, where)), [seed]);
			assert.deepEqual(secretsOf(resolveSettings({nkey: path.join(dir, 'missing.nk')}, where)), []);
		} finally {
			await rm(dir, {recursive: true, force: true});
		}
	});

	test('every URL form loses its user part when parsed, whatever the user part holds', () => {
		const cases: Array<[string, string, string | undefined, string | undefined]> = [
			['nats://app:secret@h:4222', 'nats://h:4222', 'app', 'secret'],
			['app:s3cret@127.0.0.1:4222', '127.0.0.1:4222', 'app', 's3cret'],
			['tls://tok@h:4222', 'tls://h:4222', 'tok', undefined],
			['tok3n@h', 'h', 'tok3n', undefined],
			['nats://admin:p%40ss@h', 'nats://h', 'admin', 'p@ss'],
			['nats://admin:p@ss/w@h:1', 'nats://h:1', 'admin', 'p@ss/w'],
			['nats://u:100%@h', 'nats://h', 'u', '100%'],
			['nats://h:4222', 'nats://h:4222', undefined, undefined],
		];
		for (const [url, clean, user, password] of cases) {
			const parsed = splitUserInfo(url);
			assert.deepEqual([parsed.url, parsed.user, parsed.password], [clean, user, password], url);
		}
	});

	test('settings render no secret: not in their servers, their JSON or their inspection', async () => {
		const {inspect} = await import('node:util');
		const settings = resolveSettings({server: 'nats://a:p%40ss-1@h:1, tok-2@h2:2,nats://h3:3'}, where);
		assert.deepEqual(settings.servers, ['nats://h:1', 'h2:2', 'nats://h3:3']);
		assert.deepEqual(settings.credentials, {kind: 'user', user: 'a', password: 'p@ss-1'});
		assert.doesNotMatch(JSON.stringify(settings), /p%40ss|p@ss|tok-2/);
		assert.doesNotMatch(inspect(settings, {showHidden: false}), /p%40ss|p@ss|tok-2/);
		const token = resolveSettings({token: 'tok-3', user: 'u', password: 'pw-4'}, where);
		assert.doesNotMatch(JSON.stringify(token) + inspect(token), /tok-3|pw-4/);
		const system = resolveSystemSettings({sysUser: 'sys', sysPassword: 'pw-5'}, token, where);
		assert.doesNotMatch(JSON.stringify(system) + inspect(system), /pw-5/);
		assert.deepEqual(new Set(secretsOf(settings)), new Set(['p@ss-1', 'a:p%40ss-1', 'tok-2']));
	});

	test('describeConnection names each kind of credentials without a secret', () => {
		const cases: Array<[ConnectionFlags, NodeJS.ProcessEnv, string]> = [
			[{}, {}, 'user "u" with a password'], // From the URL, when nothing else is given.
			[{user: 'app', password: 'secret-1'}, {}, 'user "app" with a password'],
			[{token: 'secret-2'}, {}, 'token'],
			[{creds: '/x/u.creds'}, {}, 'creds file /x/u.creds'],
			[{nkey: '/x/u.nk'}, {}, 'nkey seed file /x/u.nk'],
			[{}, {NATS_JWT: 'eyJ.secret-3', NATS_SEED: 'SUsecret-4'}, 'user JWT'],
		];
		for (const [flags, env, auth] of cases) {
			const described = describeConnection(
				resolveSettings({server: 'nats://u:secret-5@h:1', ...flags}, {env, home: '/'}),
			);
			assert.equal(described.auth, auth);
			assert.equal(described.servers, 'nats://h:1');
			assert.doesNotMatch(JSON.stringify(described), /secret-/);
		}
	});
});

describe('resolveSystemSettings', () => {
	let root: string;
	let where: {env: NodeJS.ProcessEnv; home: string};

	before(async () => {
		root = await mkdtemp(path.join(tmpdir(), 'nats-dr-sys-unit-'));
		const dir = path.join(root, 'nats', 'context');
		await mkdir(dir, {recursive: true});
		await writeFile(
			path.join(dir, 'sys.json'),
			JSON.stringify({url: 'nats://sys-host:4222', user: 'sys', password: 'sys-pw', jetstream_domain: 'hub'}),
		);
		where = {env: {XDG_CONFIG_HOME: root}, home: '/home/op'};
	});
	after(async () => rm(root, {recursive: true, force: true}));

	const main = () =>
		resolveSettings(
			{server: 'nats://main:4222', user: 'app', password: 'app-pw', jsDomain: 'hub', timeoutMs: 1234},
			where,
		);

	test('nothing system-specific: undefined, so the main connection is tried', () => {
		assert.equal(resolveSystemSettings({}, main(), where), undefined);
	});

	test('--sys-password alone is a usage error', () => {
		assert.throws(() => resolveSystemSettings({sysPassword: 'x'}, main(), where), /--sys-password needs --sys-user/);
	});

	test('--sys-user uses the main servers with other credentials and no JetStream domain', () => {
		const sys = resolveSystemSettings({sysUser: 'sys', sysPassword: 'sys-pw'}, main(), where)!;
		assert.deepEqual(sys.servers, ['nats://main:4222']);
		assert.deepEqual(sys.credentials, {kind: 'user', user: 'sys', password: 'sys-pw'});
		assert.equal(sys.token, undefined);
		assert.equal(sys.jsDomain, undefined);
		assert.equal(sys.timeoutMs, 1234);
	});

	test('--sys-creds expands its path', () => {
		const sys = resolveSystemSettings({sysCreds: '~/sys.creds'}, main(), where)!;
		assert.deepEqual(sys.credentials, {kind: 'creds', file: '/home/op/sys.creds'});
	});

	test('--sys-context uses its own context and ignores the NATS_* variables of the main one', () => {
		const withEnv = {
			...where,
			env: {...where.env, NATS_URL: 'nats://env:4222', NATS_USER: 'envuser', NATS_PASSWORD: 'envpw'},
		};
		const sys = resolveSystemSettings({sysContext: 'sys'}, main(), withEnv)!;
		assert.deepEqual(sys.servers, ['nats://sys-host:4222']);
		assert.deepEqual(sys.credentials, {kind: 'user', user: 'sys', password: 'sys-pw'});
		assert.equal(sys.jsDomain, undefined);
		assert.equal(sys.context?.name, 'sys');
		assert.equal(sys.timeoutMs, 1234);
	});
});
