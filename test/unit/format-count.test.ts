import assert from 'node:assert/strict';
import {test} from 'node:test';
import {formatCount} from '../../source/core/format.js';

test("counts are grouped as toLocaleString('en-US') groups them, without loading ICU for whole numbers", () => {
	const samples = [0, 7, 999, 1000, 12_345, 999_999, 1_000_000, 1_234_567, -1, -1000, -1_234_567];
	samples.push(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER);
	for (let index = 0; index < 200; index++) samples.push(Math.floor(Math.random() * 10 ** (1 + (index % 15))));
	for (const value of samples) assert.equal(formatCount(value), value.toLocaleString('en-US'), String(value));
	assert.equal(formatCount(1234.5), '1,234.5');
	assert.equal(formatCount(undefined), '?');
});
