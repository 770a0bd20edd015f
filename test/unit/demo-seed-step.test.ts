import assert from 'node:assert/strict';
import {test} from 'node:test';
import {attemptsFor, pauseAfter, seedingStep} from '../../source/demo/seed.js';

/** A step that fails with nats.js's bare `code` until its `succeedOn`th call, counting its calls. */
function flakyStep(code: string, succeedOn = Infinity): {calls: () => number; step: () => Promise<string>} {
	let calls = 0;
	return {
		calls: () => calls,
		async step() {
			calls++;
			if (calls < succeedOn) throw Object.assign(new Error(code), {code});
			return 'seeded';
		},
	};
}

const running = new AbortController().signal;

test('a seeding step that timed out is run again, up to three times', async () => {
	const {calls, step} = flakyStep('TIMEOUT', 3);
	assert.equal(await seedingStep('publishing to ORDERS', running, step), 'seeded');
	assert.equal(calls(), 3);
});

test('a step that keeps timing out fails naming the step', async () => {
	const {calls, step} = flakyStep('TIMEOUT');
	await assert.rejects(seedingStep('creating ORDERS', running, step), /^Error: creating ORDERS: TIMEOUT$/);
	assert.equal(calls(), 3);
});

test('a refusal is not repeated, nor is anything once aborted', async () => {
	const refused = flakyStep('400');
	await assert.rejects(seedingStep('creating ORDERS', running, refused.step), /creating ORDERS: 400/);
	assert.equal(refused.calls(), 1);
	const aborted = flakyStep('TIMEOUT');
	await assert.rejects(seedingStep('publishing to ORDERS', AbortSignal.abort(), aborted.step), /TIMEOUT/);
	assert.equal(aborted.calls(), 1);
});

test('a subject nobody listens to yet (503) is asked again after growing pauses, six times in all', async () => {
	const {calls, step} = flakyStep('503', 3);
	assert.equal(await seedingStep('acknowledging a first batch of ORDERS', running, step), 'seeded');
	assert.equal(calls(), 3);
	const noResponders = Object.assign(new Error('503'), {code: '503'});
	assert.equal(attemptsFor(noResponders), 6);
	assert.deepEqual(
		[1, 2, 3, 4, 5].map(attempt => pauseAfter(noResponders, attempt)),
		[250, 500, 1000, 2000, 2000],
	);
	const timeout = Object.assign(new Error('TIMEOUT'), {code: 'TIMEOUT'});
	assert.equal(pauseAfter(timeout, 1), 0);
});
