/**
 * An R3 restore uploads its chunks to the server that receives them (the new stream group's
 * leader), found through the system account, instead of through a route from the connected server;
 * without the system account it stays on the connected server. Either way the stream comes back whole.
 */
import assert from 'node:assert/strict';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, test} from 'node:test';
import type {NatsConnection} from 'nats';
import {endpointOfServer} from '../../source/core/connection/server-by-name.js';
import {parseJson, runCli} from '../helpers/cli.js';
import {connectNats} from '../../source/core/connection/connect.js';
import {resolveSettings} from '../../source/core/connection/settings.js';
import {appUser, connectionFlags, sysUser, TestCluster} from '../helpers/nats-server.js';
import {addStream, appConnection, fillRandom} from '../helpers/streams.js';
import {createPki, opensslMissing, type TestPki} from '../helpers/tls.js';

describe('restore upload to the receiving server', () => {
	let cluster: TestCluster;
	let nc: NatsConnection;
	let scratch: string;
	let dir: string;
	let messages: number;
	const onN1 = (): string[] => [
		'--server',
		cluster.node('n1').url,
		'--user',
		appUser.user,
		'--password',
		appUser.password,
	];
	const sys = ['--sys-user', sysUser.user, '--sys-password', sysUser.password];

	before(async () => {
		cluster = await TestCluster.start({nodes: 3});
		scratch = await mkdtemp(join(tmpdir(), 'nats-dr-upload-leader-'));
		nc = await appConnection(cluster);
		// Past the size from which finding the receiving server pays.
		await addStream(nc, {name: 'BULK', num_replicas: 3});
		await fillRandom(nc, 'BULK.data', 10);
		messages = (await (await nc.jetstreamManager()).streams.info('BULK')).state.messages;
		dir = join(scratch, 'BULK');
		const backup = await runCli(['backup', 'BULK', dir, ...onN1()]);
		assert.equal(backup.code, 0, backup.stderr);
	});

	after(async () => {
		await nc?.close();
		await cluster?.stopAll();
		if (scratch) await rm(scratch, {recursive: true, force: true});
	});

	async function restore(extra: string[]): Promise<{uploadServer: string; peers: string[]}> {
		const jsm = await nc.jetstreamManager();
		await jsm.streams.delete('BULK').catch(() => false);
		const result = await runCli(['restore', dir, '--yes', '--json', ...onN1(), ...extra]);
		assert.equal(result.code, 0, result.stderr);
		const [stream] = parseJson(result).streams;
		const info = await jsm.streams.info('BULK');
		assert.equal(info.state.messages, messages);
		const peers = [info.cluster?.leader, ...(info.cluster?.replicas ?? []).map(replica => replica.name)];
		return {uploadServer: stream.upload_server, peers: peers.filter((peer): peer is string => peer !== undefined)};
	}

	test('with the system account, the chunks go to a stream peer, not always through n1', async () => {
		const seen: string[] = [];
		// The new group's leader is elected at random: within eight restores it is elsewhere than n1 at
		// least once, unless something is wrong (chance (1/3)^8).
		for (let attempt = 0; attempt < 8 && !seen.some(server => server !== 'n1'); attempt++) {
			const {uploadServer, peers} = await restore(sys);
			assert.ok(peers.includes(uploadServer), `${uploadServer} is not a peer of BULK (${peers.join(', ')})`);
			seen.push(uploadServer);
		}

		assert.ok(
			seen.some(server => server !== 'n1'),
			`every upload went to n1: ${seen.join(', ')}`,
		);
	});

	test('without the system account, the chunks go through the connected server', async () => {
		assert.equal((await restore([])).uploadServer, 'n1');
	});

	test('the look-up of the receiving server ends when the operator aborts', async () => {
		const other = nc.info?.server_name === 'n2' ? 'n3' : 'n2';
		const found = await endpointOfServer(nc, other, {timeoutMs: 5000});
		assert.equal(found?.port, Number(new URL(cluster.node(other).url).port));
		const controller = new AbortController();
		const lookup = endpointOfServer(nc, other, {timeoutMs: 5000, signal: controller.signal});
		controller.abort();
		assert.equal(await lookup, undefined);
	});
});

describe('restore upload to the receiving server over TLS, servers advertised by IP', {skip: opensslMissing()}, () => {
	let cluster: TestCluster;
	let pki: TestPki;
	let scratch: string;
	let dir: string;
	// The certificates name localhost only, while the servers advertise 127.0.0.1: the direct connection
	// must check the name the operator connected with (a wrong name sends every upload through n1). Node
	// checks "localhost" when given no name at all, so which name is passed is pinned by
	// test/unit/upload-connection.test.ts.
	const flags = (): string[] => [
		...connectionFlags(`nats://localhost:${cluster.node('n1').port}`),
		...pki.clientFlags(),
	];

	before(async () => {
		pki = await createPki({serverNames: 'DNS:localhost'});
		cluster = await TestCluster.start({nodes: 3, auth: {topLevel: pki.serverTlsBlock()}});
		scratch = await mkdtemp(join(tmpdir(), 'nats-dr-upload-tls-'));
		dir = join(scratch, 'BULK');
		const nc = await tlsConnection();
		try {
			await addStream(nc, {name: 'BULK', num_replicas: 3});
			await fillRandom(nc, 'BULK.data', 10);
		} finally {
			await nc.close();
		}

		const backup = await runCli(['backup', 'BULK', dir, ...flags()]);
		assert.equal(backup.code, 0, backup.stderr);
	});

	after(async () => {
		await cluster?.stopAll();
		await pki?.remove();
		if (scratch) await rm(scratch, {recursive: true, force: true});
	});

	async function tlsConnection(): Promise<NatsConnection> {
		return connectNats(
			resolveSettings(
				{
					server: `nats://localhost:${cluster.node('n1').port}`,
					user: appUser.user,
					password: appUser.password,
					tlsca: pki.ca,
					tlscert: pki.clientCert,
					tlskey: pki.clientKey,
					noContext: true,
				},
				{env: {}},
			),
		);
	}

	test('the chunks still go to a stream peer, not always through n1', async () => {
		const seen: string[] = [];
		const nc = await tlsConnection();
		try {
			const jsm = await nc.jetstreamManager();
			// As above: within eight restores the new group's leader is elsewhere than n1 at least once.
			for (let attempt = 0; attempt < 8 && !seen.some(server => server !== 'n1'); attempt++) {
				await jsm.streams.delete('BULK').catch(() => false);
				const result = await runCli(['restore', dir, '--yes', '--json', ...flags()]);
				assert.equal(result.code, 0, result.stderr);
				seen.push(parseJson(result).streams[0].upload_server);
			}
		} finally {
			await nc.close();
		}

		assert.ok(
			seen.some(server => server !== 'n1'),
			`every upload went to n1: ${seen.join(', ')}`,
		);
	});
});
