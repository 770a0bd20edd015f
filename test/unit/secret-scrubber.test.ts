import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {SecretScrubber} from '../../source/core/secret-scrubber.js';

const scrubber = (...secrets: string[]) => {
	const scrub = new SecretScrubber();
	scrub.add(...secrets);
	return scrub;
};

describe('SecretScrubber', () => {
	test('a short secret is masked as a whole token only, never inside a word', () => {
		const scrub = scrubber('sys');
		assert.equal(scrub.text('system account: same connection'), 'system account: same connection');
		assert.equal(scrub.text('nats://sys:sys@h:4222'), 'nats://***:***@h:4222');
		assert.equal(scrub.text('sys'), '***');
		assert.equal(
			scrub.json({system: 'sys', systems: ['a-sys-b'], sys: 1}),
			'{"system":"***","systems":["a-***-b"],"sys":1}',
		);
	});

	test('a long secret is masked wherever it occurs', () => {
		assert.equal(scrubber('s3cret-pw!').text('xxs3cret-pw!yy and s3cret-pw!'), 'xx***yy and ***');
	});

	test('secrets with quotes and backslashes are masked in JSON, where they would be escaped', () => {
		const secret = 'a"b\\c%d@é';
		const scrub = scrubber(secret);
		const json = scrub.json({error: `server said ${secret}`, list: [secret]}, 2);
		assert.ok(!json.includes(secret) && !json.includes(JSON.stringify(secret).slice(1, -1)), json);
		assert.deepEqual(JSON.parse(json), {error: 'server said ***', list: ['***']});
	});

	test('percent-encoded forms are masked too', () => {
		const scrub = scrubber('p@ss:w/rd%');
		assert.equal(scrub.text('nats://u:p%40ss%3Aw%2Frd%25@h'), 'nats://u:***@h');
	});

	test('the longest of overlapping secrets is masked whole', () => {
		assert.equal(scrubber('abcdefgh', 'abcdefgh-ijkl').text('x abcdefgh-ijkl y'), 'x *** y');
	});

	test('output without a secret passes unchanged, JSON byte for byte', () => {
		const value = {system: {ok: true, names: ['sys', 'pass']}, n: 1, nothing: null};
		assert.equal(scrubber('sys1', 'xy').json(value, 2), JSON.stringify(value, null, 2));
		assert.equal(new SecretScrubber().text('anything'), 'anything');
	});

	test('value() returns the scrubbed copy JSON.stringify would write', () => {
		assert.deepEqual(scrubber('hunter22').value({a: ['hunter22'], b: undefined, c: 2}), {a: ['***'], c: 2});
	});
});
