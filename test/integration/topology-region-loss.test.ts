/**
 * A supercluster of three one-server clusters (east, west, central) joined by gateways loses east.
 * Before: protect mirrors ORDERS into west, readiness names what a loss of east would cost. After:
 * readiness and diagnosis see the lost cluster, and failover makes the mirror serve ORDERS' subjects
 * with its data — promoted in place where the server allows it, copied into a new stream where not.
 * Runs on the server on the PATH (2.9.10) and on the newest one scripts/servers.sh built.
 */
import assert from 'node:assert/strict';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {connect, type NatsConnection} from 'nats';
import {parseJson, runCli} from '../helpers/cli.js';
import {appUser, waitFor} from '../helpers/nats-server.js';
import {addStream} from '../helpers/streams.js';
import {serverVariants, Topology, topologyCli} from '../helpers/topology.js';

const cli = topologyCli;
const servers = await serverVariants();

for (const {label, bin} of servers) {
	describe(`region loss in a supercluster on ${label}`, () => {
		let topology: Topology;
		let nc: NatsConnection;
		let backups: string;

		before(async () => {
			topology = await Topology.supercluster(
				[
					{name: 'east', nodes: 1},
					{name: 'west', nodes: 1},
					{name: 'central', nodes: 1},
				],
				{bin},
			);
			backups = await mkdtemp(path.join(tmpdir(), 'nats-dr-topology-backups-'));
			nc = await connect({servers: topology.urlsOf('west'), user: appUser.user, pass: appUser.password});
			await addStream(nc, {name: 'ORDERS', placement: {cluster: 'east', tags: []}}, 300);
			await addStream(nc, {name: 'AUDIT', placement: {cluster: 'east', tags: []}}, 40);
			await addStream(nc, {name: 'PAYMENTS', placement: {cluster: 'east', tags: []}}, 25);
		});
		after(async () => {
			await nc?.close();
			await topology?.stopAll();
			if (backups) await rm(backups, {recursive: true, force: true});
		});

		test('protect mirrors ORDERS into west and watches it catch up', async () => {
			const result = await runCli([
				'protect',
				'ORDERS',
				'--mirror-to',
				'west',
				'--yes',
				'--json',
				...cli(topology, 'west'),
			]);
			assert.equal(result.code, 0, result.stderr);
			const json = parseJson(result);
			assert.equal(json.mirror, 'ORDERS_WEST');
			assert.equal(json.messages, 300);
			const info = await (await nc.jetstreamManager()).streams.info('ORDERS_WEST');
			assert.equal(info.cluster?.name, 'west');
			assert.match(info.config.description ?? '', /subjects: ORDERS\.>/);

			const refused = await runCli(['protect', 'AUDIT', '--mirror-to', 'east', '--yes', ...cli(topology, 'west')]);
			assert.equal(refused.code, 2);
			assert.match(refused.stderr, /already lives in east/);
			const nowhere = await runCli(['protect', 'AUDIT', '--mirror-to', 'south', '--yes', ...cli(topology, 'west')]);
			assert.equal(nowhere.code, 2);
			assert.match(
				nowhere.stderr,
				/"south" is neither a cluster of this meta group \(central, east, west\) nor a JetStream domain that answers; nothing was created/,
			);
		});

		test('failover is refused while the origin answers, and for a stream that is no mirror; each refusal is audited', async () => {
			const auditLog = path.join(backups, 'audit.log');
			const live = await runCli([
				'failover',
				'ORDERS_WEST',
				'--yes',
				'--audit-log',
				auditLog,
				...cli(topology, 'west'),
			]);
			assert.equal(live.code, 1);
			assert.match(
				live.stderr,
				/ORDERS still answers \(leader east-1\): failover is for a lost region; nothing was changed/,
			);
			const notMirror = await runCli(['failover', 'AUDIT', '--yes', '--audit-log', auditLog, ...cli(topology, 'west')]);
			assert.equal(notMirror.code, 2);
			assert.match(notMirror.stderr, /AUDIT is not a mirror; nothing was changed/);
			const lines = (await readFile(auditLog, 'utf8'))
				.trim()
				.split('\n')
				.map(line => JSON.parse(line));
			assert.deepEqual(
				lines.map(line => [line.action, line.subject, line.result]),
				[
					['failover', 'ORDERS_WEST', 'refused'],
					['failover', 'AUDIT', 'refused'],
				],
			);
			assert.equal(
				(await (await nc.jetstreamManager()).streams.info('ORDERS_WEST')).config.mirror?.name,
				'ORDERS',
				'the mirror is untouched',
			);
		});

		test('readiness before the loss: who is protected, what east would cost, and --max-rpo fails on AUDIT', async () => {
			const backup = await runCli(['backup', 'PAYMENTS', path.join(backups, 'PAYMENTS'), ...cli(topology, 'west')]);
			assert.equal(backup.code, 0, backup.stderr);
			const result = await runCli([
				'readiness',
				'--json',
				'--backups',
				backups,
				'--max-rpo',
				'5m',
				...cli(topology, 'west'),
			]);
			assert.equal(result.code, 1, `AUDIT has no protection, so the threshold is crossed: ${result.stderr}`);
			const json = parseJson(result);
			const stream = (name: string) => json.streams.find((entry: any) => entry.stream === name);
			assert.equal(stream('ORDERS').verdict, 'protected');
			assert.equal(stream('ORDERS').region, 'east');
			assert.equal(stream('ORDERS').rpo.by, 'mirror');
			assert.equal(stream('ORDERS').rpo.messages, 0);
			assert.deepEqual(
				stream('ORDERS').copies.map((copy: any) => [copy.stream, copy.region, copy.kind]),
				[['ORDERS_WEST', 'west', 'mirror']],
			);
			assert.equal(stream('PAYMENTS').rpo.by, 'backup');
			assert.equal(stream('AUDIT').verdict, 'unprotected');
			assert.equal(stream('ORDERS_WEST').verdict, 'copy');
			assert.deepEqual(json.breaches, ['AUDIT']);
			assert.deepEqual(
				[json.summary.streams, json.summary.protected, json.summary.unprotected, json.summary.at_risk_messages],
				[3, 2, ['AUDIT'], 40],
			);
			assert.match(json.meta.words, /keeps its quorum of 2 when any one cluster is lost/);
			const east = json.regions.find((region: any) => region.region === 'east');
			assert.deepEqual(east.unprotected, ['AUDIT']);
			assert.equal(east.lost_messages, 40);

			const text = await runCli(['readiness', '--backups', backups, ...cli(topology, 'west')]);
			assert.equal(text.code, 0, 'without --max-rpo readiness reports and succeeds');
			assert.match(text.stdout, /AUDIT: no copy outside east and no backup/);
			assert.match(
				text.stdout,
				/Account: 3 stream\(s\) to protect, 2 protected; 1 has nothing outside its region \(40 messages, [\d.]+ KiB at risk\); the worst RPO of the protected ones is \d+ m?s\./,
			);
			assert.match(text.stdout, /east: 1 of 3 stream\(s\) lose data: up to 40 messages/);
		});

		test('east is lost: readiness and diagnosis see it, and failover makes the mirror serve ORDERS.>', async () => {
			await topology.killRegion('east');
			const readiness = await waitFor(
				async () => {
					// Until the meta group has a leader again the stream list does not answer, and readiness says so.
					const result = parseJson(
						await runCli(['readiness', '--json', '--backups', backups, ...cli(topology, 'west')]),
					);
					return result.streams?.find((entry: any) => entry.stream === 'ORDERS')?.answering === false && result;
				},
				{timeoutMs: 60_000, what: 'readiness to see ORDERS gone'},
			);
			const words = (name: string) => readiness.streams.find((entry: any) => entry.stream === name).words;
			assert.match(
				words('ORDERS'),
				/region lost — a mirror in west \(ORDERS_WEST\) is 0 messages behind.*: fail over \(nats-dr failover ORDERS_WEST\)/,
			);
			assert.match(words('PAYMENTS'), /region lost — newest backup .* old: restore it/);
			assert.equal(words('AUDIT'), 'region lost — no mirror, no backup');
			const text = await runCli(['readiness', '--backups', backups, ...cli(topology, 'west')]);
			assert.match(text.stdout, /Cluster east: east-1 \(not answering\) — the whole cluster is not answering/);

			const diagnosis = await runCli(['diagnose', '--json', '--backups', backups, ...cli(topology, 'west')]);
			assert.equal(diagnosis.code, 0, diagnosis.stderr);
			const east = parseJson(diagnosis).servers.find((server: any) => server.name === 'east-1');
			assert.equal(east?.online, false, JSON.stringify(parseJson(diagnosis).servers));
			assert.equal(east?.cluster, 'east', "the lost server is placed in its own cluster, not the meta leader's");
			const loss = parseJson(diagnosis).region_loss;
			assert.deepEqual(loss.down, ['east']);
			assert.deepEqual(
				loss.streams.map((entry: any) => [entry.stream, entry.recovery, entry.from]),
				[
					['AUDIT', 'lost', null],
					['ORDERS', 'failover', 'ORDERS_WEST'],
					['PAYMENTS', 'restore', path.join(backups, 'PAYMENTS')],
				],
			);
			const report = await runCli(['diagnose', '--backups', backups, ...cli(topology, 'west')]);
			assert.match(
				report.stdout,
				/Region loss: cluster east not answering at all\n {2}AUDIT: region lost — no mirror, no backup\n {2}ORDERS: region lost — a mirror in west \(ORDERS_WEST\)[^\n]*: fail over \(nats-dr failover ORDERS_WEST\)\n {2}PAYMENTS: region lost — newest backup \d+ s old: restore it into a surviving cluster/,
			);

			const refused = await runCli(['failover', 'ORDERS_WEST', '--confirm', 'ORDERS', ...cli(topology, 'west')]);
			assert.equal(refused.code, 2, 'the confirmation names the mirror');

			const started = performance.now();
			const auditLog = path.join(backups, 'failover-audit.log');
			const result = await runCli(
				['failover', 'ORDERS_WEST', '--yes', '--json', '--audit-log', auditLog, ...cli(topology, 'west')],
				{timeoutMs: 180_000},
			);
			const elapsedMs = Math.round(performance.now() - started);
			assert.equal(result.code, 0, result.stderr);
			const json = parseJson(result);
			const promoted = json.method === 'promote';
			assert.equal(json.target, promoted ? 'ORDERS_WEST' : 'ORDERS_WEST_PROMOTED');
			assert.equal(json.messages, 300);
			assert.equal(json.origin_deleted, true);
			assert.match(result.stderr, /Equivalent:\n {2}nats stream rm ORDERS -f/);
			assert.match(result.stderr, /RPO: ORDERS_WEST is 0 message\(s\) behind/);
			const [audited] = (await readFile(auditLog, 'utf8'))
				.trim()
				.split('\n')
				.map(line => JSON.parse(line));
			assert.deepEqual([audited.action, audited.subject, audited.result], ['failover', 'ORDERS_WEST', 'ok']);
			assert.equal(audited.detail, `${json.target} serves ORDERS.> in place of ORDERS (${json.method})`);
			process.stderr.write(
				`# failover on ${label}: ${json.method} in ${elapsedMs} ms (the command's own measure ${json.elapsed_ms} ms)\n`,
			);

			const ack = await nc.jetstream().publish('ORDERS.after', new TextEncoder().encode('after the failover'));
			assert.equal(ack.stream, json.target);
			assert.equal(ack.seq, 301, 'the new message follows the 300 that survived');
			const names = await (await nc.jetstreamManager()).streams.names().next();
			assert.ok(!names.includes('ORDERS'), `the lost origin is gone from the meta group: ${names.join(', ')}`);
		});

		test('restore into a surviving cluster: the pre-flight checks that cluster, then PAYMENTS serves from central', async () => {
			const dir = path.join(backups, 'PAYMENTS');
			const pinned = await runCli(['restore', dir, '--yes', ...cli(topology, 'west')]);
			assert.equal(pinned.code, 1, pinned.stdout);
			assert.match(
				pinned.stdout + pinned.stderr,
				/Stream "PAYMENTS" already exist/,
				'the lost stream still holds its name',
			);

			// The operator's own step, as the refusal's hint says: the lost stream goes first.
			const jsm = await nc.jetstreamManager();
			await jsm.streams.delete('PAYMENTS').catch(() => undefined);
			await waitFor(async () => !(await jsm.streams.names().next()).includes('PAYMENTS'), {
				timeoutMs: 30_000,
				what: 'PAYMENTS gone from the meta group',
			});

			const dead = await runCli(['restore', dir, '--cluster', 'east', '--yes', ...cli(topology, 'west')]);
			assert.equal(dead.code, 1);
			assert.match(
				dead.stdout + dead.stderr,
				/placement cluster "east" has no answering JetStream server \(clusters answering: (central, west|west, central)\)/,
			);
			const tooMany = await runCli([
				'restore',
				dir,
				'--cluster',
				'central',
				'--replicas',
				'3',
				'--yes',
				...cli(topology, 'west'),
			]);
			assert.equal(tooMany.code, 1);
			assert.match(tooMany.stdout + tooMany.stderr, /cluster central has 1 answering JetStream server/);
			const tagged = await runCli([
				'restore',
				dir,
				'--cluster',
				'central',
				'--tag',
				'region:east',
				'--yes',
				...cli(topology, 'west'),
			]);
			assert.equal(tagged.code, 1);
			assert.match(tagged.stdout + tagged.stderr, /"region:east" is on no answering server in cluster central/);

			const restored = await runCli(['restore', dir, '--cluster', 'central', '--yes', ...cli(topology, 'west')], {
				timeoutMs: 120_000,
			});
			assert.equal(restored.code, 0, restored.stdout + restored.stderr);
			const info = await jsm.streams.info('PAYMENTS');
			assert.equal(info.cluster?.name, 'central');
			assert.equal(info.state.messages, 25);
		});
	});
}
