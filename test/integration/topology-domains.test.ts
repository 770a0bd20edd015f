/**
 * Two JetStream domains joined by a leafnode: ORDERS lives in hub and is mirrored into leaf through
 * `$JS.hub.API`. Readiness reads both domains, hub dies, and failover makes the leaf's mirror serve
 * ORDERS' subjects, with the subjects taken from the record protect left on the mirror. Runs on the
 * server on the PATH (2.9.10) and on the newest one scripts/servers.sh built.
 */
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';
import {connect, type NatsConnection} from 'nats';
import {parseJson, runCli} from '../helpers/cli.js';
import {appUser, waitFor} from '../helpers/nats-server.js';
import {addStream} from '../helpers/streams.js';
import {serverVariants, Topology, topologyCli} from '../helpers/topology.js';

const cli = topologyCli;
const servers = await serverVariants();

for (const {label, bin} of servers) {
	describe(`two domains over a leafnode on ${label}`, () => {
		let topology: Topology;
		let hub: NatsConnection;

		before(async () => {
			topology = await Topology.domains({bin});
			hub = await connect({servers: topology.urlsOf('hub'), user: appUser.user, pass: appUser.password});
			await addStream(hub, {name: 'ORDERS'}, 120);
		});
		after(async () => {
			await hub?.close();
			await topology?.stopAll();
		});

		test('protect mirrors ORDERS from hub into the leaf domain', async () => {
			const result = await waitFor(
				async () => {
					// The leafnode connection may still be coming up: until it is, domain leaf does not answer.
					const attempt = await runCli([
						'protect',
						'ORDERS',
						'--mirror-to',
						'leaf',
						'--yes',
						'--json',
						...cli(topology, 'hub'),
					]);
					return attempt.code === 0 ? attempt : undefined;
				},
				{timeoutMs: 30_000, intervalMs: 1000, what: 'protect into domain leaf'},
			);
			const json = parseJson(result);
			assert.deepEqual(json.target, {kind: 'domain', name: 'leaf'});
			assert.equal(json.mirror, 'ORDERS_LEAF');
			assert.equal(json.messages, 120);
		});

		test('readiness across both domains: ORDERS in hub is protected by the mirror in leaf', async () => {
			const result = await runCli([
				'readiness',
				'--json',
				'--domain',
				'leaf',
				'--max-rpo',
				'1m',
				...cli(topology, 'hub'),
			]);
			assert.equal(result.code, 0, result.stdout + result.stderr);
			const json = parseJson(result);
			const orders = json.streams.find((entry: any) => entry.stream === 'ORDERS');
			assert.equal(orders.domain, 'hub');
			assert.equal(orders.verdict, 'protected');
			assert.deepEqual(
				orders.copies.map((copy: any) => [copy.stream, copy.domain, copy.kind, copy.lag_messages]),
				[['ORDERS_LEAF', 'leaf', 'mirror', 0]],
			);
			assert.equal(json.streams.find((entry: any) => entry.stream === 'ORDERS_LEAF').verdict, 'copy');
		});

		test('hub is lost: failover makes the leaf mirror serve ORDERS.> and leaves the out-of-reach origin alone', async () => {
			await topology.killRegion('hub');
			const readiness = parseJson(await runCli(['readiness', '--json', ...cli(topology, 'leaf')]));
			assert.match(
				readiness.streams.find((entry: any) => entry.stream === 'ORDERS_LEAF').words,
				/a copy of ORDERS, which is not among the streams read .*: if it is lost, fail over \(nats-dr failover ORDERS_LEAF\)/,
			);
			const result = await runCli(['failover', 'ORDERS_LEAF', '--yes', '--json', ...cli(topology, 'leaf')], {
				timeoutMs: 180_000,
			});
			assert.equal(result.code, 0, result.stderr);
			const json = parseJson(result);
			assert.equal(json.origin_deleted, false);
			assert.deepEqual(json.subjects, ['ORDERS.>']);
			assert.equal(json.messages, 120);
			assert.match(
				result.stderr,
				/lives in domain hub, out of reach; if that domain returns, ORDERS serves ORDERS\.> there too/,
			);
			process.stderr.write(`# domain failover on ${label}: ${json.method}, ${json.elapsed_ms} ms\n`);

			const leaf = await connect({servers: topology.urlsOf('leaf'), user: appUser.user, pass: appUser.password});
			try {
				const ack = await leaf.jetstream().publish('ORDERS.after', new TextEncoder().encode('after the failover'));
				assert.equal(ack.stream, json.target);
				assert.equal(ack.seq, 121);
			} finally {
				await leaf.close();
			}
		});
	});
}
