import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import {renderCompatibility, type CompatResults} from '../../scripts/render-compatibility.js';

const docs = new URL('../../docs/', import.meta.url);

test("docs/compatibility.md is exactly what the suite's recorded results render to (never edited by hand)", () => {
	const results = JSON.parse(readFileSync(new URL('compatibility.json', docs), 'utf8')) as CompatResults;
	assert.equal(readFileSync(new URL('compatibility.md', docs), 'utf8'), renderCompatibility(results));
});

test('the table marks what the server does not allow, what failed, and footnotes each reason once', () => {
	const page = renderCompatibility({
		generated: '2026-11-30T00:00:00.000Z',
		natscli: '0.5.0',
		node: 'v20.0.0',
		servers: [
			{
				version: '2.9.10',
				seconds: 60,
				passed: false,
				features: {
					backup: {result: 'fails', note: 'nats-dr backup exited 1'},
					'mirror promotion': {result: 'no', note: 'refused 10055'},
				},
				behaviours: {x: 'a|b'},
			},
			{
				version: '2.10.27',
				seconds: 61,
				passed: true,
				features: {backup: {result: 'yes'}, 'mirror promotion': {result: 'no', note: 'refused 10055'}},
				behaviours: {},
			},
			{
				version: '2.12.15',
				seconds: 61,
				passed: true,
				features: {backup: {result: 'yes'}, 'mirror promotion': {result: 'yes'}},
				behaviours: {},
			},
		],
	});
	assert.match(page, /^\| 2\.9\.10 \| ✗ fails \[1\] \| not run \| .* \| — \[2\] \|$/m);
	assert.match(page, /^\| 2\.12\.15 \| ✓ \| not run \| .* \| ✓ \|$/m);
	assert.match(page, /^\| 2\.10\.27 \| ✓ \| .* \| — \[2\] \|$/m, 'the same reason shares its footnote');
	assert.match(page, /^1\. nats-dr backup exited 1$/m);
	assert.match(page, /^\| x \| a\\\|b \| not run \| not run \|$/m);
	assert.match(page, /^- \*\*x\*\*: not described yet\.$/m);
	assert.match(page, /^\| 2\.9\.10 \| FAILED \| 60 \|$/m);
});
