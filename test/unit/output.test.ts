import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {DrError} from '../../source/core/errors.js';
import {Output} from '../../source/cli/output.js';
import {renderLine} from '../../source/cli/progress-line.js';
import {table} from '../../source/cli/table.js';

function capture(json: boolean, secrets: string[]) {
	const written = {stdout: '', stderr: ''};
	const out = new Output(
		{
			stdout: {write: (text: string) => (written.stdout += text)},
			stderr: {write: (text: string) => (written.stderr += text)},
			stdin: {},
			env: {},
		},
		{json},
	);
	out.addSecrets(secrets);
	return {out, written};
}

describe('Output', () => {
	test('--password sys leaves the key "system" and every word containing it intact', () => {
		const {out, written} = capture(true, ['sys']);
		const document = {
			connection: {system: 'separate credentials', auth: 'user "app" with a password', note: 'sysadmin, filesystem'},
			systems: 3,
		};
		out.printJson(document);
		assert.deepEqual(JSON.parse(written.stdout), document);
	});

	test('a secret with a quote and a backslash is masked in JSON, where JSON.stringify escapes it', () => {
		const secret = 'pa"ss\\wörd';
		const {out, written} = capture(true, [secret]);
		out.printJson({error: `the server echoed ${secret}`});
		assert.equal(JSON.parse(written.stdout).error, 'the server echoed ***');
		assert.ok(!written.stdout.includes(JSON.stringify(secret).slice(1, -1)), written.stdout);
	});

	test('a one-line JSON document stays one line and exact, with C1 and bidi characters escaped', () => {
		const {out, written} = capture(true, ['hunter22']);
		const document = {name: 'x\u009B2J\u202E', nested: {secret: 'hunter22'}};
		out.printJson(document, {line: true});
		assert.equal(written.stdout, '{"name":"x\\u009b2J\\u202e","nested":{"secret":"***"}}\n');
		assert.deepEqual(JSON.parse(written.stdout), {...document, nested: {secret: '***'}});
	});

	test('lines, warnings and errors are masked and cannot drive the terminal', () => {
		const {out, written} = capture(false, ['tok-123456']);
		out.line('server \u001B[2Jn1 said tok-123456');
		out.warn('bad\u0007bell');
		out.fail(new DrError('stream "X\u009B31m" failed', {hint: 'use tok-123456'}));
		assert.equal(written.stdout, 'server \\x1b[2Jn1 said ***\n');
		assert.equal(written.stderr, 'warning: bad\\x07bell\nnats-dr: stream "X\\x9b31m" failed\n  try: use ***\n');
	});

	test('a table cell or a progress label from a server cannot start a line or move the cursor', () => {
		assert.deepEqual(table(['NAME', 'STATE'], [['n1\nFAKE  ok', 'down']]), [
			'NAME            STATE',
			'n1\\x0aFAKE  ok  down',
		]);
		const line = renderLine(
			{label: 'X\u001B[1A\r', fraction: 0.5, doneBytes: 1, totalBytes: 2, bytesPerSecond: 0, etaMs: undefined},
			120,
			true,
		);
		assert.match(line, /^X\\x1b\[1A\\x0d \[/);
	});
});
