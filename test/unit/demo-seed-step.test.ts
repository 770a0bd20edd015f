import assert from 'node:assert/strict';
import {test} from 'node:test';
import {seedingStep} from '../../source/demo/seed.js';

const failure = (code: string): Error => Object.assign(new Error(code), {code});

test('a seeding step that timed out is run again, up to three times', async () => {
	let calls = 0;
	const value = await seedingStep('publishing to ORDERS', new AbortController().signal, async () => {
		calls++;
		if (calls < 3) throw failure('TIMEOUT');
		return 'seeded';
	});
	assert.equal(value, 'seeded');
	assert.equal(calls, 3);
});

test('a step that keeps timing out fails naming the step', async () => {
	let calls = 0;
	await assert.rejects(
		seedingStep('creating ORDERS', new AbortController().signal, async () => {
			calls++;
			throw failure('TIMEOUT');
		}),
		/^Error: creating ORDERS: TIMEOUT$/,
	);
	assert.equal(calls, 3);
});

test('a refusal is not repeated, nor is anything once aborted', async () => {
	let calls = 0;
	await assert.rejects(
		seedingStep('creating ORDERS', new AbortController().signal, async () => {
			calls++;
			throw failure('400');
		}),
		/creating ORDERS: 400/,
	);
	const controller = new AbortController();
	controller.abort();
	await assert.rejects(
		seedingStep('publishing to ORDERS', controller.signal, async () => {
			calls++;
			throw failure('TIMEOUT');
		}),
		/publishing to ORDERS: TIMEOUT/,
	);
	assert.equal(calls, 2);
});
