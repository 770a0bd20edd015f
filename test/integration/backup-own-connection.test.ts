/**
 * The snapshot received on nats-dr's own connection, against real servers configured for each kind
 * of credentials: it connects as the nats.js connection did, the backup is whole and verified, and
 * where our connection is refused the backup falls back to nats.js instead of failing.
 */
import assert from 'node:assert/strict';
import {mkdtemp, readdir, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {nkeys} from 'nats';
import {verifyBackupDir} from '../../source/core/archive/verify-backup.js';
import {backupStream, type BackupOptions, type BackupResult} from '../../source/core/backup/backup-stream.js';
import {receiveSnapshot} from '../../source/core/backup/snapshot.js';
import {connectNats} from '../../source/core/connection/connect.js';
import {resolveSettings, type ConnectionFlags} from '../../source/core/connection/settings.js';
import type {DrError} from '../../source/core/errors.js';
import {jsApiPrefix} from '../../source/core/jsapi.js';
import {completeBackupFiles} from '../helpers/backup-files.js';
import {appUser, TestCluster} from '../helpers/nats-server.js';
import {TestOperator, type KeyPair} from '../helpers/operator.js';
import {addStream, fillRandom} from '../helpers/streams.js';
import {createPki, opensslMissing, type TestPki} from '../helpers/tls.js';

const createUserKeys = (nkeys as {createUser(): KeyPair}).createUser;

let scratch: string;
before(async () => {
	scratch = await mkdtemp(path.join(tmpdir(), 'nats-dr-own-connection-'));
});
after(async () => rm(scratch, {recursive: true, force: true}));

let runs = 0;

/** Seeds ORDERS through a connection opened from `flags` (once per server), then backs it up through it. */
async function backUp(
	server: TestCluster,
	flags: ConnectionFlags,
	options: BackupOptions = {},
	stream = 'ORDERS',
	dir = path.join(scratch, `backup-${++runs}`),
): Promise<{result: BackupResult; dir: string}> {
	const settings = resolveSettings({server: server.urls, noContext: true, ...flags}, {env: {}});
	const nc = await connectNats(settings);
	try {
		const jsm = await nc.jetstreamManager();
		if (!(await jsm.streams.names().next()).includes('ORDERS')) {
			await addStream(nc, {name: 'ORDERS'}, 500);
			// Past the size from which our connection is used; chunks of 64 KiB span socket reads.
			await fillRandom(nc, 'ORDERS.big', 9);
		}

		const js = {nc, prefix: jsApiPrefix(undefined), timeoutMs: 5000};
		const result = await backupStream(js, stream, dir, {chunkSize: 64 * 1024, ...options});
		return {result, dir};
	} finally {
		await nc.close();
	}
}

async function assertWhole({result, dir}: {result: BackupResult; dir: string}): Promise<void> {
	assert.ok(result.chunks > 16, `only ${result.chunks} chunks`);
	assert.equal(result.state.messages, 644);
	// Read back from disk, independently of the verification done while writing.
	const report = await verifyBackupDir(dir);
	assert.deepEqual(report.problems, []);
	assert.equal(report.ok, true);
	assert.equal(report.archive?.xxh3, result.xxh3);
	assert.deepEqual((await readdir(dir)).sort(), completeBackupFiles);
}

describe('user/password, nkey and token', () => {
	let server: TestCluster;
	const user = createUserKeys();

	before(async () => {
		server = await TestCluster.start({auth: {appUsers: [`{nkey: ${user.getPublicKey()}}`]}});
	});
	after(async () => server?.stopAll());

	test('user/password: received on our own connection, whole and verified', async () => {
		const backup = await backUp(server, {user: appUser.user, password: appUser.password});
		assert.equal(backup.result.receiver, 'own');
		await assertWhole(backup);
	});

	test('a stream under 8 MiB is received through nats.js: a connection would cost more than it saves', async () => {
		const nc = await connectNats(
			resolveSettings(
				{server: server.urls, noContext: true, user: appUser.user, password: appUser.password},
				{env: {}},
			),
		);
		await addStream(nc, {name: 'SMALL'}, 50);
		await nc.close();
		const {result} = await backUp(server, {user: appUser.user, password: appUser.password}, {}, 'SMALL');
		assert.equal(result.receiver, 'nats.js');
		assert.equal(result.state.messages, 50);
	});

	test('the nats.js path, on request, gives the same stream state', async () => {
		const backup = await backUp(server, {user: appUser.user, password: appUser.password}, {ownConnection: false});
		assert.equal(backup.result.receiver, 'nats.js');
		await assertWhole(backup);
	});

	test('an nkey seed signs the nonce of our connection too', async () => {
		const file = path.join(scratch, 'user.nk');
		await writeFile(file, new TextDecoder().decode(user.getSeed()), {mode: 0o600});
		const backup = await backUp(server, {nkey: file});
		assert.equal(backup.result.receiver, 'own');
		await assertWhole(backup);
	});
});

describe('a user who may not ack: the server says so, and the backup stops with that sentence', () => {
	let server: TestCluster;

	before(async () => {
		server = await TestCluster.start({
			auth: {appUsers: ['{user: noack, password: noack-pw, permissions: {publish: {deny: ["$JS.SNAPSHOT.ACK.>"]}}}']},
		});
		// Seeded by a user who may do anything.
		await backUp(server, {user: appUser.user, password: appUser.password});
	});
	after(async () => server?.stopAll());

	for (const ownConnection of [true, false]) {
		test(`received by ${ownConnection ? 'our own connection' : 'nats.js'}`, async () => {
			const dir = path.join(scratch, `noack-${ownConnection}`);
			await assert.rejects(
				backUp(server, {user: 'noack', password: 'noack-pw'}, {ownConnection}, 'ORDERS', dir),
				(error: DrError) =>
					/the server refused the acknowledgements for the snapshot of ORDERS \(\$JS\.SNAPSHOT\.ACK\./.test(
						error.message,
					) && /publish permission on \$JS\.SNAPSHOT\.ACK/.test(error.hint ?? ''),
			);
			assert.deepEqual(await readdir(dir).catch(() => []), []);
		});
	}
});

describe('token authorization', () => {
	let server: TestCluster;
	const token = 'tok-own-connection-secret';

	before(async () => {
		server = await TestCluster.start({accountsConfig: '', auth: {topLevel: `authorization { token: "${token}" }`}});
	});
	after(async () => server?.stopAll());

	test('--token: received on our own connection', async () => {
		const backup = await backUp(server, {token});
		assert.equal(backup.result.receiver, 'own');
		await assertWhole(backup);
	});
});

describe('operator/JWT mode with a creds file', () => {
	let server: TestCluster;
	const operator = new TestOperator();
	const creds = operator.user(operator.app, 'alice');

	before(async () => {
		server = await TestCluster.start({accountsConfig: operator.serverConfig()});
	});
	after(async () => server?.stopAll());

	test('--creds: the JWT and the signed nonce open our connection', async () => {
		const file = path.join(scratch, 'alice.creds');
		await writeFile(file, creds.creds, {mode: 0o600});
		const backup = await backUp(server, {creds: file});
		assert.equal(backup.result.receiver, 'own');
		await assertWhole(backup);
	});
});

describe('TLS with client certificates', {skip: opensslMissing()}, () => {
	let server: TestCluster;
	let cluster: TestCluster;
	let pki: TestPki;

	before(async () => {
		pki = await createPki();
		[server, cluster] = await Promise.all([
			TestCluster.start({auth: {topLevel: pki.serverTlsBlock()}}),
			TestCluster.start({nodes: 3, auth: {topLevel: pki.serverTlsBlock()}}),
		]);
	});
	after(async () => {
		await Promise.all([server?.stopAll(), cluster?.stopAll()]);
		await pki?.remove();
	});

	test("in a cluster, our connection reaches the stream leader's server over TLS too", async () => {
		const tlsFlags = {
			user: appUser.user,
			password: appUser.password,
			tlsca: pki.ca,
			tlscert: pki.clientCert,
			tlskey: pki.clientKey,
		};
		await backUp(cluster, tlsFlags);
		const seeded = await connectNats(resolveSettings({server: cluster.urls, noContext: true, ...tlsFlags}, {env: {}}));
		const leader = (await (await seeded.jetstreamManager()).streams.info('ORDERS')).cluster!.leader!;
		await seeded.close();
		const other = cluster.running().find(node => node.name !== leader)!;
		const nc = await connectNats(resolveSettings({server: other.url, noContext: true, ...tlsFlags}, {env: {}}));
		try {
			let bytes = 0;
			const sink = {
				write: (chunk: Uint8Array) => (bytes += chunk.length),
				// Nothing waits for a disk here: every chunk is acked at once.
				writtenBytes: 0,
				backlogLimit: Number.POSITIVE_INFINITY,
				overflowing: false,
				onDrain: undefined,
				onError: undefined,
			};
			const totals = await receiveSnapshot(
				{nc, prefix: jsApiPrefix(undefined), timeoutMs: 5000},
				{
					stream: 'ORDERS',
					consumers: false,
					check: false,
					chunkSize: 64 * 1024,
					idleTimeoutMs: 30_000,
					requestTimeoutMs: 5000,
					inboxPrefix: undefined,
					signal: undefined,
					leader,
				},
				sink,
				{onReply() {}, onChunk() {}},
			);
			assert.equal(totals.server, leader);
			assert.ok(bytes > 9 << 20, `the whole snapshot arrived (${bytes} bytes)`);
		} finally {
			await nc.close();
		}
	});

	test('--tlsca --tlscert --tlskey: our connection upgrades to TLS after INFO', async () => {
		const backup = await backUp(server, {
			user: appUser.user,
			password: appUser.password,
			tlsca: pki.ca,
			tlscert: pki.clientCert,
			tlskey: pki.clientKey,
		});
		assert.equal(backup.result.receiver, 'own');
		await assertWhole(backup);
	});
});

describe('a server that refuses a second connection', () => {
	let server: TestCluster;

	before(async () => {
		server = await TestCluster.start({auth: {topLevel: 'max_connections: 1'}});
	});
	after(async () => server?.stopAll());

	test('the backup falls back to the nats.js connection and is still whole', async () => {
		const backup = await backUp(server, {user: appUser.user, password: appUser.password});
		assert.equal(backup.result.receiver, 'nats.js');
		await assertWhole(backup);
	});
});
