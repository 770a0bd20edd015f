import assert from 'node:assert/strict';
import {test} from 'node:test';
import {startClusters, type TestCluster} from '../helpers/nats-server.js';

test('clusters started side by side: when one fails to start, the others are stopped before the error', async () => {
	const stopped: string[] = [];
	const cluster = (name: string) => ({stopAll: async () => void stopped.push(name)}) as unknown as TestCluster;
	await assert.rejects(
		startClusters([Promise.resolve(cluster('a')), Promise.reject(new Error('n1 exited at start'))]),
		/n1 exited at start/,
	);
	assert.deepEqual(stopped, ['a']);
	const [first, second] = await startClusters([Promise.resolve(cluster('b')), Promise.resolve(cluster('c'))]);
	assert.ok(first && second);
	assert.deepEqual(stopped, ['a'], 'clusters that all started are left running for the test');
});
