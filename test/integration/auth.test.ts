/**
 * Every kind of credentials against a real nats-server configured for it: the built CLI connects
 * with the right secret, fails with one clear line with a wrong one, and never prints a secret.
 */
import assert from 'node:assert/strict';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {nkeys} from 'nats';
import {parseJson, runCli, type CliResult} from '../helpers/cli.js';
import {appUser, freePorts, sysUser, TestCluster} from '../helpers/nats-server.js';
import {TestOperator, type KeyPair} from '../helpers/operator.js';
import {createPki, opensslMissing, type TestPki} from '../helpers/tls.js';

const createUserKeys = (nkeys as {createUser(): KeyPair}).createUser;

let scratch: string;
before(async () => {
	scratch = await mkdtemp(path.join(tmpdir(), 'nats-dr-auth-'));
});
after(async () => rm(scratch, {recursive: true, force: true}));

async function secretFile(name: string, content: string): Promise<string> {
	const file = path.join(scratch, name);
	await writeFile(file, content, {mode: 0o600});
	return file;
}

function assertNoSecrets(result: CliResult, secrets: string[]): void {
	const all = result.stdout + result.stderr;
	for (const secret of secrets)
		assert.ok(!all.includes(secret), `a secret (${secret.slice(0, 4)}…) was printed:\n${all}`);
}

/** Exit 1 and one readable error line (plus at most a hint line), no stack trace. */
function assertOneLineFailure(result: CliResult, pattern: RegExp): void {
	assert.equal(result.code, 1, `expected exit 1, got ${result.code}\n${result.stderr}`);
	const lines = result.stderr.trimEnd().split('\n');
	assert.match(lines[0]!, pattern);
	assert.ok(lines.length <= 2, `more than an error and a hint line:\n${result.stderr}`);
	if (lines[1] !== undefined) assert.match(lines[1], /^ {2}try: /);
	assert.doesNotMatch(result.stderr, /^\s+at /m, 'a stack trace was printed');
	assert.doesNotMatch(result.stderr, /unexpected error/);
}

const authFailed = /^nats-dr: authentication failed at nats:\/\/[^ ]*127\.0\.0\.1:\d+: /;

describe('user/password and nkey users of the APP account', () => {
	let server: TestCluster;
	const user = createUserKeys();
	const seed = new TextDecoder().decode(user.getSeed());
	const stranger = new TextDecoder().decode(createUserKeys().getSeed());
	const secrets = [appUser.password, sysUser.password, seed, stranger];

	before(async () => {
		server = await TestCluster.start({auth: {appUsers: [`{nkey: ${user.getPublicKey()}}`]}});
	});
	after(async () => server?.stopAll());

	test('--user/--password connects and names the user', async () => {
		const result = await runCli([
			'diagnose',
			'--json',
			'-s',
			server.urls,
			'--user',
			appUser.user,
			'--password',
			appUser.password,
		]);
		assert.equal(result.code, 0, result.stderr);
		const json = parseJson(result);
		assert.equal(json.connection.auth, 'user "app" with a password');
		assert.equal(json.connection.servers, server.urls);
		assertNoSecrets(result, secrets);
	});

	test('a wrong password fails with one authentication line', async () => {
		const result = await runCli([
			'diagnose',
			'-s',
			server.urls,
			'--user',
			appUser.user,
			'--password',
			'wrong-password-42',
		]);
		assertOneLineFailure(result, authFailed);
		assert.match(result.stderr, /user "app" with a password/);
		assertNoSecrets(result, [...secrets, 'wrong-password-42']);
	});

	test('--json failures still print one error line on stderr and a JSON error on stdout', async () => {
		const result = await runCli([
			'diagnose',
			'--json',
			'-s',
			server.urls,
			'--user',
			appUser.user,
			'--password',
			'wrong-password-42',
		]);
		assertOneLineFailure(result, authFailed);
		const json = parseJson(result);
		assert.equal(json.ok, false);
		assert.equal(json.exit_code, 1);
		assert.match(json.error, /^authentication failed/);
		assertNoSecrets(result, [...secrets, 'wrong-password-42']);
	});

	test('credentials embedded in the server URL are used and never printed', async () => {
		const url = server.urls.replace('nats://', `nats://${appUser.user}:${appUser.password}@`);
		const result = await runCli(['diagnose', '--json', '-s', url]);
		assert.equal(result.code, 0, result.stderr);
		const json = parseJson(result);
		assert.equal(json.connection.servers, server.urls);
		assert.equal(json.connection.auth, 'user "app" with a password');
		assertNoSecrets(result, secrets);

		const wrong = await runCli([
			'diagnose',
			'-s',
			server.urls.replace('nats://', `nats://${appUser.user}:url-wrong-pw@`),
		]);
		assertOneLineFailure(wrong, authFailed);
		assertNoSecrets(wrong, [...secrets, 'url-wrong-pw']);
	});

	test('--nkey with a seed file connects as the nkey user', async () => {
		const file = await secretFile('user.nk', `${seed}\n`);
		const result = await runCli(['diagnose', '--json', '-s', server.urls, '--nkey', file]);
		assert.equal(result.code, 0, result.stderr);
		assert.equal(parseJson(result).connection.auth, `nkey seed file ${file}`);
		assertNoSecrets(result, secrets);
	});

	test('an nkey the server does not know fails with one authentication line', async () => {
		const file = await secretFile('stranger.nk', stranger);
		const result = await runCli(['diagnose', '-s', server.urls, '--nkey', file]);
		assertOneLineFailure(result, authFailed);
		assert.match(result.stderr, /nkey seed file/);
		assertNoSecrets(result, secrets);
	});

	test('a missing nkey file is named in one line', async () => {
		const file = path.join(scratch, 'no-such.nk');
		const result = await runCli(['diagnose', '-s', server.urls, '--nkey', file]);
		assertOneLineFailure(result, /^nats-dr: cannot read the nkey seed file .*no-such\.nk: it does not exist$/);
		assertNoSecrets(result, secrets);
	});
});

describe('token authorization (no accounts, no system account)', () => {
	let server: TestCluster;
	const token = 'tok-3f9a1c-secret';

	before(async () => {
		server = await TestCluster.start({accountsConfig: '', auth: {topLevel: `authorization { token: "${token}" }`}});
	});
	after(async () => server?.stopAll());

	test('--token connects; the server part is reported unavailable', async () => {
		const result = await runCli(['diagnose', '--json', '-s', server.urls, '--token', token]);
		assert.equal(result.code, 0, result.stderr);
		const json = parseJson(result);
		assert.equal(json.connection.auth, 'token');
		assert.equal(json.system.available, false);
		assert.match(json.system.reason, /system account/);
		assert.equal(json.servers, null);
		assertNoSecrets(result, [token]);
	});

	test('--user without a password is sent as a token, as natscli does', async () => {
		const result = await runCli(['diagnose', '--json', '-s', server.urls, '--user', token]);
		assert.equal(result.code, 0, result.stderr);
		assert.equal(parseJson(result).connection.auth, 'token');
		assertNoSecrets(result, [token]);
	});

	test('a wrong token fails with one authentication line', async () => {
		const result = await runCli(['diagnose', '-s', server.urls, '--token', 'tok-wrong-value']);
		assertOneLineFailure(result, authFailed);
		assert.match(result.stderr, /\(token\)/);
		assertNoSecrets(result, [token, 'tok-wrong-value']);
	});

	test('a token in the server URL is used and never printed', async () => {
		const result = await runCli(['diagnose', '--json', '-s', server.urls.replace('nats://', `nats://${token}@`)]);
		assert.equal(result.code, 0, result.stderr);
		const json = parseJson(result);
		assert.equal(json.connection.auth, 'token');
		assert.equal(json.connection.servers, server.urls);
		assertNoSecrets(result, [token]);
	});
});

describe('operator/JWT mode with creds files', () => {
	let server: TestCluster;
	const operator = new TestOperator();
	const appCreds = operator.user(operator.app, 'alice');
	const sysCreds = operator.user(operator.system, 'admin');
	const foreign = new TestOperator();
	const foreignCreds = foreign.user(foreign.app, 'mallory');
	const secrets = [appCreds.seed, appCreds.jwt, sysCreds.seed, sysCreds.jwt, foreignCreds.seed, foreignCreds.jwt];
	let appFile: string;
	let sysFile: string;

	before(async () => {
		appFile = await secretFile('alice.creds', appCreds.creds);
		sysFile = await secretFile('admin.creds', sysCreds.creds);
		server = await TestCluster.start({accountsConfig: operator.serverConfig()});
	});
	after(async () => server?.stopAll());

	test('--creds connects to the JetStream-enabled account', async () => {
		const result = await runCli(['diagnose', '--json', '-s', server.urls, '--creds', appFile]);
		assert.equal(result.code, 0, result.stderr);
		const json = parseJson(result);
		assert.equal(json.connection.auth, `creds file ${appFile}`);
		assert.equal(json.system.available, false);
		assertNoSecrets(result, secrets);
	});

	test('--sys-creds with a system-account user gives the server list', async () => {
		const result = await runCli(['diagnose', '--json', '-s', server.urls, '--creds', appFile, '--sys-creds', sysFile]);
		assert.equal(result.code, 0, result.stderr);
		const json = parseJson(result);
		assert.equal(json.system.available, true);
		assert.deepEqual(
			json.servers.map((s: any) => [s.name, s.online, s.jetstream]),
			[['n1', true, true]],
		);
		assertNoSecrets(result, secrets);
	});

	test('a user JWT and seed from NATS_JWT/NATS_SEED connect without being printed', async () => {
		const result = await runCli(['diagnose', '--json', '-s', server.urls], {
			env: {NATS_JWT: appCreds.jwt, NATS_SEED: appCreds.seed},
		});
		assert.equal(result.code, 0, result.stderr);
		assert.equal(parseJson(result).connection.auth, 'user JWT');
		assertNoSecrets(result, secrets);
	});

	test('creds of another operator fail with one authentication line', async () => {
		const file = await secretFile('mallory.creds', foreignCreds.creds);
		const result = await runCli(['diagnose', '-s', server.urls, '--creds', file]);
		assertOneLineFailure(result, authFailed);
		assert.match(result.stderr, /creds file .*mallory\.creds/);
		assertNoSecrets(result, secrets);
	});

	test('bad --sys-creds leave the account connection working and say why servers are missing', async () => {
		const file = await secretFile('mallory-sys.creds', foreignCreds.creds);
		const result = await runCli(['diagnose', '--json', '-s', server.urls, '--creds', appFile, '--sys-creds', file]);
		assert.equal(result.code, 0, result.stderr);
		const json = parseJson(result);
		assert.equal(json.system.available, false);
		assert.match(json.system.reason, /^authentication failed .*system-account credentials/);
		assertNoSecrets(result, secrets);
	});
});

describe('TLS with client certificates', {skip: opensslMissing()}, () => {
	let server: TestCluster;
	let pki: TestPki;
	const login = ['--user', appUser.user, '--password', appUser.password];
	const tlsError = /^nats-dr: TLS handshake with nats:\/\/127\.0\.0\.1:\d+ failed: /;

	before(async () => {
		pki = await createPki();
		server = await TestCluster.start({auth: {topLevel: pki.serverTlsBlock()}});
	});
	after(async () => {
		await server?.stopAll();
		await pki?.remove();
	});

	test('--tlsca --tlscert --tlskey connect', async () => {
		const result = await runCli(['diagnose', '--json', '-s', server.urls, ...login, ...pki.clientFlags()]);
		assert.equal(result.code, 0, result.stderr);
		assert.equal(parseJson(result).connection.auth, 'user "app" with a password, TLS client certificate');
		assertNoSecrets(result, [appUser.password]);
	});

	test('without a client certificate the failure says the server wants one', async () => {
		const result = await runCli(['diagnose', '-s', server.urls, ...login, '--tlsca', pki.ca, '--timeout', '1s']);
		assertOneLineFailure(result, tlsError);
		assert.match(result.stderr, /requires? a client certificate/);
		assertNoSecrets(result, [appUser.password]);
	});

	test('a certificate the server does not accept for clients is reported as rejected', async () => {
		const result = await runCli([
			'diagnose',
			'-s',
			server.urls,
			...login,
			'--tlsca',
			pki.ca,
			'--tlscert',
			pki.serverCert,
			'--tlskey',
			pki.serverKey,
			'--timeout',
			'1s',
		]);
		assertOneLineFailure(result, tlsError);
		assert.match(result.stderr, /rejected the client certificate/);
		assertNoSecrets(result, [appUser.password]);
	});

	test('without the CA the server certificate cannot be verified', async () => {
		const result = await runCli([
			'diagnose',
			'-s',
			server.urls,
			...login,
			'--tlscert',
			pki.clientCert,
			'--tlskey',
			pki.clientKey,
		]);
		assertOneLineFailure(result, tlsError);
		assert.match(result.stderr, /verify/);
		assertNoSecrets(result, [appUser.password]);
	});

	test('--tlscert without --tlskey is a usage error', async () => {
		const result = await runCli(['diagnose', '-s', server.urls, ...login, '--tlscert', pki.clientCert]);
		assert.equal(result.code, 2);
		assert.match(result.stderr, /^nats-dr: a TLS client certificate needs both --tlscert and --tlskey$/m);
		assertNoSecrets(result, [appUser.password]);
	});
});

describe('an unreachable server', () => {
	test('exits 1 with one line naming the URL', async () => {
		const [port] = await freePorts(1);
		const url = `nats://127.0.0.1:${port!}`;
		const result = await runCli(['diagnose', '--server', url, '--user', appUser.user, '--password', appUser.password]);
		assertOneLineFailure(result, new RegExp(`^nats-dr: cannot reach a NATS server at ${url}: `));
		assertNoSecrets(result, [appUser.password]);
	});

	test('credentials in the unreachable URL are not printed', async () => {
		const [port] = await freePorts(1);
		const result = await runCli(['diagnose', '--json', '--server', `nats://app:url-only-secret@127.0.0.1:${port!}`]);
		assertOneLineFailure(
			result,
			new RegExp(`^nats-dr: cannot reach a NATS server at nats://127\\.0\\.0\\.1:${port!}: `),
		);
		assertNoSecrets(result, ['url-only-secret']);
	});
});
