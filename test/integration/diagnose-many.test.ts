/** 1,000 streams are diagnosed completely: nothing lost past the 256 a STREAM.LIST page holds. */
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {parseJson, runCli} from '../helpers/cli.js';
import {TestCluster} from '../helpers/nats-server.js';
import {appConnection, cliConnection} from '../helpers/streams.js';

let cluster: TestCluster;
const count = 1000;

before(async () => {
	cluster = await TestCluster.start();
	const nc = await appConnection(cluster);
	const jsm = await nc.jetstreamManager();
	for (let i = 0; i < count; i += 25) {
		await Promise.all(
			Array.from({length: 25}, async (_, j) => {
				const name = `S${String(i + j).padStart(4, '0')}`;
				return jsm.streams.add({name, subjects: [`${name}.>`]});
			}),
		);
	}

	await nc.close();
});
after(async () => cluster?.stopAll());

test('diagnose lists all 1,000 streams with a verdict each', async () => {
	const result = await runCli(['diagnose', '--json', ...cliConnection(cluster)]);
	assert.equal(result.code, 0, result.stderr);
	const json = parseJson(result);
	assert.equal(json.streams_total, count);
	assert.equal(json.streams.length, count);
	const names = new Set(json.streams.map((s: {name: string}) => s.name));
	for (const probe of ['S0000', 'S0255', 'S0256', 'S0511', 'S0512', 'S0999'])
		assert.ok(names.has(probe), `${probe} is listed`);
	assert.ok(json.streams.every((s: {verdict: {kind: string}}) => s.verdict.kind === 'healthy'));
	assert.deepEqual(json.streams_missing, []);
});
