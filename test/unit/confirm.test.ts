import assert from 'node:assert/strict';
import {PassThrough} from 'node:stream';
import {test} from 'node:test';
import {confirmByName} from '../../source/cli/confirm.js';
import {AbortedError, UsageError} from '../../source/core/errors.js';
import type {Io} from '../../source/cli/output.js';

/** A terminal on stdin and stderr, while stdout is a pipe (e.g. `--json | jq`). */
function pipedIo(answer: string): {io: Io; stdout: () => string; stderr: () => string} {
	const stdin = Object.assign(new PassThrough(), {isTTY: true});
	const stderr = Object.assign(new PassThrough(), {isTTY: true});
	let stdoutText = '';
	let stderrText = '';
	stderr.setEncoding('utf8').on('data', (text: string) => (stderrText += text));
	stdin.end(`${answer}\n`);
	const io: Io = {stdin, stderr, stdout: {write: (text: string) => (stdoutText += text), isTTY: false}, env: {}};
	return {io, stdout: () => stdoutText, stderr: () => stderrText};
}

const flags = {confirm: undefined, yes: false};

test('the typed confirmation asks on stderr, never on stdout, so a piped --json stays one document', async () => {
	const {io, stdout, stderr} = pipedIo('ORDERS');
	await confirmByName('ORDERS', 'stream', {flags, io, signal: new AbortController().signal});
	assert.equal(stdout(), '');
	assert.match(stderr(), /Type the stream name "ORDERS" to confirm, or press Enter to cancel: /);
});

test('a wrong answer aborts and changes nothing', async () => {
	const {io, stdout} = pipedIo('ORDRES');
	await assert.rejects(
		confirmByName('ORDERS', 'stream', {flags, io, signal: new AbortController().signal}),
		AbortedError,
	);
	assert.equal(stdout(), '');
});

test('without a terminal to ask on, the step is refused', async () => {
	const {io} = pipedIo('ORDERS');
	(io.stderr as {isTTY?: boolean}).isTTY = false;
	await assert.rejects(
		confirmByName('ORDERS', 'stream', {flags, io, signal: new AbortController().signal}),
		UsageError,
	);
});
