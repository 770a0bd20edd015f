import assert from 'node:assert/strict';
import {test} from 'node:test';
import {run} from '../../source/cli/main.js';
import {Output} from '../../source/cli/output.js';
import {DrError} from '../../source/core/errors.js';

function jsonOutput(): {out: Output; stdout: () => string; stderr: () => string} {
	let stdout = '';
	let stderr = '';
	const out = new Output(
		{
			stdout: {write: (text: string) => (stdout += text)},
			stderr: {write: (text: string) => (stderr += text)},
			stdin: {},
			env: {},
		},
		{json: true},
	);
	return {out, stdout: () => stdout, stderr: () => stderr};
}

test("--json: an error after the run's document goes to stderr only, so stdout stays one document", () => {
	const {out, stdout, stderr} = jsonOutput();
	out.printJson({ok: true, removed: 'n3'});
	assert.equal(out.fail(new DrError('late trouble', {hint: 'look'})), 1);
	assert.deepEqual(JSON.parse(stdout()), {ok: true, removed: 'n3'});
	assert.match(stderr(), /^nats-dr: late trouble\n {2}try: look\n$/);
});

test("--json: the error document carries the command's extra fields", () => {
	const {out, stdout} = jsonOutput();
	out.fail(new DrError('recovery not complete'), {removed: 'n3', streams: []});
	assert.deepEqual(JSON.parse(stdout()), {
		ok: false,
		error: 'recovery not complete',
		exit_code: 1,
		removed: 'n3',
		streams: [],
	});
});

test('a second document is a programming error, caught in tests rather than printed', () => {
	const {out} = jsonOutput();
	out.printJson({ok: true}, {line: true});
	assert.throws(() => out.printJson({ok: true}), /a second JSON document in one run/);
});

test('--json without a command, with --version or --help: still exactly one document on stdout', async () => {
	for (const [argv, code, check] of [
		[['--json'], 2, (json: any) => assert.match(json.error, /^--json needs a command/)],
		[['--json', '--version'], 0, (json: any) => assert.match(json.version, /^\d+\.\d+\.\d+/)],
		[['diagnose', '--json', '--help'], 0, (json: any) => assert.match(json.help, /^Usage: nats-dr diagnose/)],
	] as const) {
		let stdout = '';
		const io = {
			stdout: {write: (text: string) => (stdout += text), isTTY: true},
			stderr: {write: () => true},
			stdin: {isTTY: true},
			env: {},
		};
		assert.equal(await run([...argv], io, new AbortController().signal), code, argv.join(' '));
		check(JSON.parse(stdout));
	}
});
