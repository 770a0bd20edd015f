/** A single JetStream server without a cluster is a standalone server, not a broken cluster. */
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {parseJson, runCli} from '../helpers/cli.js';
import {TestCluster} from '../helpers/nats-server.js';
import {addStream, appConnection, cliConnection} from '../helpers/streams.js';

let server: TestCluster;

before(async () => {
	server = await TestCluster.start();
	const nc = await appConnection(server);
	await addStream(nc, {name: 'ORDERS'}, 10);
	await nc.close();
});
after(async () => server?.stopAll());

test('diagnose says it is a standalone server and that recovery means backups, with and without the system account', async () => {
	for (const sys of [true, false]) {
		const plain = await runCli(['diagnose', ...cliConnection(server, {sys})]);
		assert.equal(plain.code, 0, plain.stderr);
		assert.doesNotMatch(plain.stdout, /NO LEADER|election/);
		assert.match(plain.stdout, /standalone JetStream server \(no cluster\): there is no meta group and no replica/);
		assert.match(
			plain.stdout,
			/Next steps\n {2}- Standalone server: .*recovery means restoring from backups .*peer-remove does not apply/,
		);
		assert.doesNotMatch(plain.stderr, /waiting for the election/);

		const json = parseJson(await runCli(['diagnose', '--json', ...cliConnection(server, {sys})]));
		assert.equal(json.meta.verdict.kind, 'standalone');
		assert.equal(json.meta.verdict.peer_remove_possible, false);
		assert.equal(json.election.waited, false);
		assert.equal(json.streams.find((stream: any) => stream.name === 'ORDERS')?.verdict.kind, 'healthy');
	}
});
