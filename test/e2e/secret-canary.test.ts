/**
 * The secret canary: every command, and the wizard's main screens in a real terminal, run against
 * real servers whose credentials are made of the characters that break naive scrubbing (`%`, `"`,
 * `\`, `@`, unicode, a 2-character password, a token in the URL, nkey seeds, creds files). No byte
 * sequence of any secret, in any of the forms it takes on output paths (as is, JSON-escaped,
 * percent-encoded), may appear anywhere nats-dr wrote: stdout, stderr, files, audit log, screen.
 */
import assert from 'node:assert/strict';
import {mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {nkeys, type NatsConnection} from 'nats';
import {serverArchiveFile} from '../helpers/backup-files.js';
import {runCli, type CliResult} from '../helpers/cli.js';
import {appUser, startClusters, TestCluster, waitFor} from '../helpers/nats-server.js';
import {TestOperator, type KeyPair} from '../helpers/operator.js';
import {addStream, appConnection} from '../helpers/streams.js';
import {TmuxSession} from '../helpers/tmux.js';

const nkeyUser = (nkeys as {createUser(): KeyPair}).createUser();
const operator = new TestOperator();
const issued = operator.user(operator.app, 'carol');
const secrets = {
	password: 'c%41"na\\ry@pä€-1',
	/** Two characters: masked as a whole token only, so it must not occur by chance in any output. */
	sysPassword: 'ß\\',
	wrongPassword: 'wr%"\\@Ωng',
	token: 't%25"k\\@Ω/en',
	nkeySeed: new TextDecoder().decode(nkeyUser.getSeed()),
	credsJwt: issued.jwt,
	credsSeed: issued.seed,
};

function userInfoEncoded(secret: string): string {
	const url = new URL('nats://host');
	url.password = secret;
	return url.password;
}

/** The forms a secret takes on its way to output. */
function formsOf(secret: string): string[] {
	return [
		...new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), userInfoEncoded(secret)]),
	];
}

function assertNoSecret(where: string, written: string | Buffer): void {
	const bytes = typeof written === 'string' ? Buffer.from(written) : written;
	for (const [name, secret] of Object.entries(secrets)) {
		for (const form of formsOf(secret)) {
			const at = bytes.indexOf(Buffer.from(form));
			assert.equal(
				at,
				-1,
				`${name} (as ${JSON.stringify(form.slice(0, 2))}…) appears in ${where}: …${bytes.subarray(Math.max(0, at - 60), at + 60).toString()}…`,
			);
		}
	}
}

function assertClean(what: string, result: CliResult): void {
	assertNoSecret(`stdout of ${what}`, result.stdout);
	assertNoSecret(`stderr of ${what}`, result.stderr);
}

async function filesUnder(dir: string): Promise<string[]> {
	const entries = await readdir(dir, {withFileTypes: true, recursive: true}).catch(() => []);
	return entries.filter(entry => entry.isFile()).map(entry => path.join(entry.parentPath, entry.name));
}

/** A nats-server config string: the server's parser takes JSON's escapes for `"` and `\`. */
const quoted = (value: string) => JSON.stringify(value);

let scratch: string;
let keysDir: string;
let out: string;
before(async () => {
	scratch = await mkdtemp(path.join(tmpdir(), 'nats-dr-canary-'));
	keysDir = path.join(scratch, 'keys');
	out = path.join(scratch, 'written');
	await mkdir(keysDir);
	await mkdir(out);
});
after(async () => rm(scratch, {recursive: true, force: true}));

describe('secret canary', () => {
	let cluster: TestCluster;
	let audit: string;
	let main: string[];

	before(async () => {
		cluster = await TestCluster.start({
			nodes: 3,
			accountsConfig: `accounts {
  APP: {
    jetstream: enabled
    users: [
      {user: ${appUser.user}, password: ${appUser.password}}
      {user: canary, password: ${quoted(secrets.password)}}
      {nkey: ${nkeyUser.getPublicKey()}}
    ]
  }
  SYS: {users: [{user: sys, password: ${quoted(secrets.sysPassword)}}]}
}
system_account: SYS`,
		});
		const nc: NatsConnection = await appConnection(cluster);
		// Right after the election, 2.10 may not yet count every peer as a placement candidate.
		await waitFor(
			async () =>
				addStream(nc, {name: 'ORDERS', num_replicas: 3}, 200).then(
					() => true,
					() => false,
				),
			{what: 'an R3 stream to be accepted'},
		);
		await addStream(nc, {name: 'LEDGER', num_replicas: 1}, 300);
		await nc.close();
		audit = path.join(out, 'audit.log');
		// The account's password travels percent-encoded in the first URL, as natscli users paste it.
		const [first, ...rest] = cluster.nodes.map(node => node.url);
		const server = [first!.replace('nats://', `nats://canary:${encodeURIComponent(secrets.password)}@`), ...rest].join(
			',',
		);
		main = ['-s', server, '--sys-user', 'sys', '--sys-password', secrets.sysPassword, '--audit-log', audit];
	});
	after(async () => cluster?.stopAll());

	test('diagnose, backup, verify, restore and the refusals print no secret, on any stream or in any file', async () => {
		const backups = path.join(out, 'backups');
		const runs: Array<[string, string[], number]> = [
			['diagnose', ['diagnose'], 0],
			['diagnose --json', ['diagnose', '--json'], 0],
			['backup', ['backup', 'LEDGER', path.join(backups, 'LEDGER'), '--no-progress'], 0],
			['backup --all --json', ['backup', '--all', path.join(backups, 'all'), '--json'], 0],
			['verify', ['verify', path.join(backups, 'LEDGER')], 0],
			['verify --json', ['verify', path.join(backups, 'all'), '--json'], 0],
			['restore of an existing stream (refused)', ['restore', path.join(backups, 'LEDGER'), '--yes'], 1],
			[
				'restore --json of an account backup onto existing streams (refused)',
				['restore', path.join(backups, 'all'), '--yes', '--json'],
				1,
			],
			['peer-remove of an online server (refused)', ['peer-remove', 'n2', '--yes'], 1],
			['peer-remove --json of an online server (refused)', ['peer-remove', 'n2', '--yes', '--json'], 1],
			['step-down without confirmation (refused)', ['step-down', 'ORDERS'], 2],
		];
		for (const [what, args, code] of runs) {
			const result = await runCli([...args, ...main]);
			assert.equal(result.code, code, `${what}: exit ${result.code}\n${result.stdout}\n${result.stderr}`);
			assertClean(what, result);
		}

		const nc = await appConnection(cluster);
		await (await nc.jetstreamManager()).streams.delete('LEDGER');
		await nc.close();
		const restored = await runCli(['restore', path.join(backups, 'LEDGER'), '--yes', '--no-progress', ...main]);
		assert.equal(restored.code, 0, restored.stderr);
		assertClean('restore', restored);
		assert.match(restored.stdout, new RegExp(`^Target: ${cluster.urls} \\(server`, 'm'));

		const files = await filesUnder(out);
		assert.ok(files.includes(audit) && files.some(file => file.endsWith(serverArchiveFile)), files.join('\n'));
		for (const file of files) assertNoSecret(file, await readFile(file));
	});

	test('credentials as flags, and in a server URL without a scheme, are used and never shown', async () => {
		const [first] = cluster.nodes.map(node => node.url);
		const forms = [
			['-s', cluster.urls, '--user', 'canary', '--password', secrets.password],
			['-s', first!.replace('nats://', `canary:${encodeURIComponent(secrets.password)}@`)],
		];
		for (const connection of forms) {
			for (const json of [[], ['--json']]) {
				const result = await runCli([
					'diagnose',
					...json,
					...connection,
					'--sys-user',
					'sys',
					'--sys-password',
					secrets.sysPassword,
				]);
				assert.equal(result.code, 0, result.stderr);
				assertClean(
					`diagnose ${json.join('')} ${connection.length > 2 ? 'with --password' : 'with a URL without a scheme'}`,
					result,
				);
			}
		}
	});

	test('a wrong password, an nkey seed file and a missing system password print no secret', async () => {
		const seedFile = path.join(keysDir, 'user.nk');
		await writeFile(seedFile, `${secrets.nkeySeed}\n`, {mode: 0o600});
		const wrong = await runCli([
			'diagnose',
			'--json',
			'-s',
			cluster.urls,
			'--user',
			'canary',
			'--password',
			secrets.wrongPassword,
		]);
		assert.equal(wrong.code, 1);
		assertClean('a wrong password', wrong);
		const wrongSys = await runCli([
			'diagnose',
			'-s',
			cluster.urls,
			'--user',
			'canary',
			'--password',
			secrets.password,
			'--sys-user',
			'sys',
			'--sys-password',
			secrets.wrongPassword,
		]);
		assert.equal(wrongSys.code, 0, wrongSys.stderr);
		assertClean('a wrong system password', wrongSys);
		const nkey = await runCli(['diagnose', '--json', '-s', cluster.urls, '--nkey', seedFile]);
		assert.equal(nkey.code, 0, nkey.stderr);
		assertClean('--nkey', nkey);
	});

	test('the wizard shows the overview, the streams, a stream and a backup, and ends with its summary, without a secret', async () => {
		const server = cluster.urls.replace('nats://', `canary:${encodeURIComponent(secrets.password)}@`);
		// Run in the scratch space: the backup goes to the wizard's default directory there, so no path is typed.
		const tmux = await TmuxSession.start(
			['-s', server, '--sys-user', 'sys', '--sys-password', secrets.sysPassword, '--audit-log', audit],
			{columns: 100, rows: 40, cwd: out},
		);
		try {
			const screens: string[] = [await tmux.waitFor(/Back up streams/)];
			assert.match(screens[0]!, /nats-dr 127\.0\.0\.1:\d+/);
			await tmux.choose(/Inspect a stream/);
			screens.push(await tmux.waitFor(/Streams \(2 of 2\)/));
			// An operator pastes the password into the filter: the input field draws it outside the
			// wizard's own text, so only the scrubbing of the frames can mask it.
			await tmux.keys('/');
			await tmux.waitFor(/^\/ *$/m);
			await tmux.type(secrets.password);
			screens.push(await tmux.waitFor(/^\/\*\*\*/m));
			// The first Esc clears the filter and stays on the list; the second goes back.
			await tmux.keys('Escape');
			await tmux.waitFor(/Streams \(2 of 2\)/);
			await tmux.keys('Escape');
			await tmux.waitFor(/Back up streams/);
			await tmux.choose(/Inspect a stream/);
			await tmux.waitFor(/Streams \(2 of 2\)/);
			await tmux.keys('Enter');
			screens.push(await tmux.waitFor(/Verdict:/));
			await tmux.keys('Escape');
			await tmux.waitFor(/Streams \(2 of 2\)/);
			await tmux.keys('Escape');
			await tmux.waitFor(/Back up streams/);
			await tmux.choose(/Back up streams/);
			await tmux.waitFor(/choose streams/);
			await tmux.keys('Space');
			screens.push(await tmux.waitFor(/\[x\]/));
			await tmux.keys('Enter');
			screens.push(await tmux.waitFor(new RegExp(`into which directory\\?[^]*[❯>] ${out}/nats-dr-backups`)));
			await tmux.keys('Enter');
			screens.push(await tmux.waitFor(/verified/, {timeoutMs: 60_000}));
			await tmux.keys('Enter');
			await tmux.waitFor(/Back up streams/);
			await tmux.keys('q');
			screens.push(await tmux.waitFor(/EXIT=0/, {visibleOnly: false}));
			assert.match(screens.at(-1)!, /backup \w+: OK/);
			for (const [i, screen] of screens.entries()) assertNoSecret(`wizard screen ${i}`, screen);
			const files = await filesUnder(out);
			assert.ok(
				files.some(file => file.startsWith(path.join(out, 'nats-dr-backups')) && file.endsWith('backup.json')),
				files.join('\n'),
			);
			for (const file of files) assertNoSecret(file, await readFile(file));
		} finally {
			await tmux.stop();
		}
	});
});

describe('secret canary: a token in the URL, creds files', () => {
	let tokenServer: TestCluster;
	let operatorServer: TestCluster;

	before(async () => {
		[tokenServer, operatorServer] = await startClusters([
			TestCluster.start({accountsConfig: '', auth: {topLevel: `authorization { token: ${quoted(secrets.token)} }`}}),
			TestCluster.start({accountsConfig: operator.serverConfig()}),
		]);
	});
	after(async () => Promise.all([tokenServer?.stopAll(), operatorServer?.stopAll()]));

	test('a token in the URL is used and never shown', async () => {
		const server = tokenServer.urls.replace('nats://', `nats://${encodeURIComponent(secrets.token)}@`);
		for (const json of [[], ['--json']]) {
			const result = await runCli(['diagnose', ...json, '-s', server]);
			assert.equal(result.code, 0, result.stderr);
			assertClean(`diagnose ${json.join('')} with a token in the URL`, result);
		}
	});

	test('a creds file (JWT and seed) is used and never shown', async () => {
		const credsFile = path.join(keysDir, 'carol.creds');
		await writeFile(credsFile, issued.creds, {mode: 0o600});
		for (const json of [[], ['--json']]) {
			const result = await runCli(['diagnose', ...json, '-s', operatorServer.urls, '--creds', credsFile]);
			assert.equal(result.code, 0, result.stderr);
			assertClean(`diagnose ${json.join('')} --creds`, result);
		}
	});
});
