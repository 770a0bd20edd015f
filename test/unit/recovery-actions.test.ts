import assert from 'node:assert/strict';
import {test} from 'node:test';
import {keepsPeerWithoutReplacement} from '../../source/core/recovery-actions.js';

test('from nats-server 2.15 a stream peer-remove without a replacement is refused instead of shrinking the group', () => {
	for (const version of ['2.15.0', 'v2.15.3', '3.0.0'])
		assert.equal(keepsPeerWithoutReplacement(version), true, version);
	for (const version of ['2.9.10', '2.14.10', undefined, ''])
		assert.equal(keepsPeerWithoutReplacement(version), false, String(version));
});
