import assert from 'node:assert/strict';
import {test} from 'node:test';
import {InFlightBudget, inFlightBudgetBytes, snapshotWindowBytes} from '../../source/core/backup/in-flight-budget.js';

const small = InFlightBudget.cost(1500);
const big = InFlightBudget.cost(25 << 20);

test('a stream costs its size, at most the window; one the listing did not size costs the window', () => {
	assert.equal(small, 1500);
	assert.equal(big, snapshotWindowBytes);
	assert.equal(InFlightBudget.cost(undefined), snapshotWindowBytes);
});

test('small streams run up to the count; big ones only as many as the bytes allow, small ones still beside them', () => {
	const budget = new InFlightBudget(32);
	for (let i = 0; i < inFlightBudgetBytes / snapshotWindowBytes; i++) {
		assert.equal(budget.admits(big), true, `big stream ${i + 1}`);
		budget.take(big);
	}

	assert.equal(budget.admits(big), false, 'one more big stream would pass the budget');
	assert.equal(budget.admits(small), false, 'the budget is full to the byte');
	budget.release(big);
	for (let i = 0; i < 29; i++) {
		assert.equal(budget.admits(small), true, `small stream ${i + 1}`);
		budget.take(small);
	}

	assert.equal(budget.admits(small), false, '32 streams run at once, at most');
	assert.equal(budget.admits(big), false);
	budget.release(small);
	assert.equal(budget.admits(small), true);
});

test('one at a time means one, whatever the sizes', () => {
	const serial = new InFlightBudget(1);
	assert.equal(serial.admits(big), true);
	serial.take(small);
	assert.equal(serial.admits(small), false);
	serial.release(small);
	assert.equal(serial.admits(big), true);
});
