import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {checkArgs, commands, parseArgs} from '../../source/cli/flags.js';
import {parseDuration} from '../../source/core/duration.js';
import {UsageError} from '../../source/core/errors.js';
import {streamNameProblem} from '../../source/core/stream-name.js';
import {runCli} from '../helpers/cli.js';

/** Asserts that parsing throws a UsageError (exit code 2) whose message matches. */
function usageError(argv: string[], message: RegExp): void {
	assert.throws(
		() => parseArgs(argv),
		(error: unknown) => {
			assert.ok(error instanceof UsageError, `not a UsageError: ${String(error)}`);
			assert.equal(error.exitCode, 2);
			assert.match(error.message, message);
			return true;
		},
		JSON.stringify(argv),
	);
}

describe('parseArgs', () => {
	test('no arguments: no command (the wizard), defaults for every flag', () => {
		const invocation = parseArgs([]);
		assert.equal(invocation.command, undefined);
		assert.deepEqual(invocation.args, []);
		assert.equal(invocation.timeoutMs, undefined);
		assert.equal(invocation.help, false);
		assert.equal(invocation.flags.json, false);
		assert.equal(invocation.flags.consumers, true);
		assert.deepEqual(invocation.flags.tag, []);
	});

	test('a command with its positional arguments', () => {
		const invocation = parseArgs(['backup', 'ORDERS', '/backups/orders']);
		assert.equal(invocation.command, 'backup');
		assert.deepEqual(invocation.args, ['ORDERS', '/backups/orders']);
	});

	test('an unknown flag is a usage error naming it', () => {
		usageError(['diagnose', '--bogus'], /^unknown flag --bogus$/);
		usageError(['--bogus-flag=1'], /^unknown flag --bogus-flag$/);
		usageError(['diagnose', '-x'], /^unknown flag -x$/);
		usageError(['diagnose', '-sx', 'nats://h:1'], /^unknown flag -x$/);
	});

	test('an unknown command is a usage error that lists the commands', () => {
		assert.throws(
			() => parseArgs(['diagnoze']),
			(error: unknown) =>
				error instanceof UsageError &&
				error.message === 'unknown command "diagnoze"' &&
				/diagnose, readiness, backup, restore/.test(error.hint ?? ''),
		);
	});

	test('command-only flags are refused on other commands and without a command', () => {
		usageError(['diagnose', '--all'], /^--all is not a flag of `nats-dr diagnose`$/);
		usageError(['verify', 'DIR', '--replicas', '3'], /^--replicas is not a flag of `nats-dr verify`$/);
		usageError(['restore', 'DIR', '--scenario', 'node-loss'], /^--scenario is not a flag of `nats-dr restore`$/);
		usageError(['diagnose', '--no-consumers'], /^--consumers is not a flag of `nats-dr diagnose`$/);
		usageError(['--force'], /^--force is not a flag of the wizard$/);
	});

	test('the hint of a misplaced flag shows the usage of the command', () => {
		assert.throws(
			() => parseArgs(['diagnose', '--all']),
			(error: unknown) => error instanceof UsageError && error.hint === `usage: ${commands.diagnose.usage}`,
		);
	});

	test('command flags are accepted on their commands', () => {
		assert.equal(parseArgs(['backup', '--all', 'DIR']).flags.all, true);
		assert.equal(parseArgs(['diagnose', '--backups', '/b']).flags.backups, '/b');
		assert.equal(parseArgs(['diagnose', '--election-timeout', '30s']).flags.electionTimeout, '30s');
		assert.deepEqual(parseArgs(['restore', 'DIR', '--tag', 'a', '--tag', 'b']).flags.tag, ['a', 'b']);
		assert.equal(parseArgs(['restore', 'DIR', '--replicas', '3']).flags.replicas, 3);
		assert.equal(parseArgs(['demo', '--nats-server', '/opt/nats-server']).flags.natsServer, '/opt/nats-server');
	});

	test('readiness, protect and failover take their own flags, and only they do', () => {
		const readiness = parseArgs([
			'readiness',
			'--max-rpo',
			'5m',
			'--domain',
			'hub',
			'--domain',
			'leaf',
			'--backups',
			'/b',
		]).flags;
		assert.deepEqual([readiness.maxRpo, readiness.domain, readiness.backups], ['5m', ['hub', 'leaf'], '/b']);
		assert.equal(parseArgs(['protect', 'ORDERS', '--mirror-to', 'west', '--replicas', '3']).flags.mirrorTo, 'west');
		assert.deepEqual(
			parseArgs(['failover', 'ORDERS_WEST', '--subjects', 'orders.>', '--new-name', 'ORDERS2']).flags.subjects,
			['orders.>'],
		);
		usageError(['diagnose', '--max-rpo', '5m'], /^--max-rpo is not a flag of `nats-dr diagnose`$/);
		usageError(['failover', 'M', '--mirror-to', 'west'], /^--mirror-to is not a flag of `nats-dr failover`$/);
		usageError(['readiness', '--subjects', 'a'], /^--subjects is not a flag of `nats-dr readiness`$/);
		assert.throws(
			() => checkArgs('failover', []),
			(error: unknown) => error instanceof UsageError && error.message === 'missing MIRROR',
		);
	});

	test('--no-consumers on backup is accepted and turns consumers off', () => {
		const invocation = parseArgs(['backup', 'ORDERS', 'DIR', '--no-consumers']);
		assert.equal(invocation.flags.consumers, false);
		assert.equal(parseArgs(['backup', 'ORDERS', 'DIR']).flags.consumers, true);
		assert.equal(parseArgs(['restore', 'DIR', '--no-placement', '--no-verify']).flags.placement, false);
	});

	test('only boolean flags can be negated with --no-', () => {
		usageError(['diagnose', '--no-server'], /^unknown flag --no-server$/);
		usageError(['diagnose', '--no-password'], /^unknown flag --no-password$/);
		assert.equal(parseArgs(['diagnose', '--no-color']).flags.color, false);
		assert.equal(parseArgs(['diagnose', '--no-progress']).flags.progress, false);
	});

	test("--no-context is natscli's own exception: it turns contexts off", () => {
		assert.equal(parseArgs(['diagnose', '--no-context']).noContext, true);
		assert.equal(parseArgs(['diagnose']).noContext, false);
		assert.equal(parseArgs(['diagnose', '--', '--no-context']).noContext, false);
	});

	test('-s URL and --server URL set the server', () => {
		assert.equal(parseArgs(['diagnose', '-s', 'nats://h:4222']).flags.server, 'nats://h:4222');
		assert.equal(parseArgs(['-s', 'nats://h:4222', 'diagnose']).command, 'diagnose');
		assert.equal(parseArgs(['diagnose', '--server=nats://a:1,nats://b:1']).flags.server, 'nats://a:1,nats://b:1');
	});

	test('kebab-case connection flags map to their keys', () => {
		const {flags} = parseArgs([
			'diagnose',
			'--sys-user',
			'sys',
			'--sys-password',
			'pw',
			'--sys-creds',
			'/s.creds',
			'--sys-context',
			'sysctx',
			'--js-domain',
			'hub',
			'--tlsfirst',
		]);
		assert.equal(flags.sysUser, 'sys');
		assert.equal(flags.sysPassword, 'pw');
		assert.equal(flags.sysCreds, '/s.creds');
		assert.equal(flags.sysContext, 'sysctx');
		assert.equal(flags.jsDomain, 'hub');
		assert.equal(flags.tlsfirst, true);
	});

	test('--timeout takes Go-style durations; a bare number is seconds', () => {
		assert.equal(parseArgs(['diagnose', '--timeout', '2s']).timeoutMs, 2000);
		assert.equal(parseArgs(['diagnose', '--timeout', '500ms']).timeoutMs, 500);
		assert.equal(parseArgs(['diagnose', '--timeout=1m30s']).timeoutMs, 90_000);
		assert.equal(parseArgs(['diagnose', '--timeout', '3']).timeoutMs, 3000);
		assert.equal(parseArgs(['diagnose']).timeoutMs, undefined);
	});

	test('a bad duration is a usage error', () => {
		usageError(['diagnose', '--timeout', '2x'], /^--timeout "2x" is not a duration$/);
		usageError(['diagnose', '--timeout', 'soon'], /is not a duration/);
		usageError(['diagnose', '--timeout', '5s5'], /is not a duration/);
	});

	test('a duration of 0, below 0 or above a day is refused, whichever flag carries it', () => {
		usageError(['diagnose', '--timeout', '0'], /^--timeout must be longer than 0, not "0"$/);
		usageError(['diagnose', '--timeout', '0ms'], /^--timeout must be longer than 0/);
		usageError(['diagnose', '--timeout', '-5s'], /^--timeout must be longer than 0, not "-5s"$/);
		usageError(['diagnose', '--timeout=-1'], /^--timeout must be longer than 0/);
		usageError(['diagnose', '--timeout', '25h'], /^--timeout "25h" is longer than the limit of 24h$/);
		assert.throws(() => parseDuration('0s', '--watch-timeout'), /^UsageError: --watch-timeout must be longer than 0/);
		assert.throws(() => parseDuration('0', '--settle-timeout'), /^UsageError: --settle-timeout must be longer than 0/);
		assert.equal(parseDuration('24h'), 86_400_000);
	});

	test('a flag that takes a value, given without one, is refused also when it is repeatable', () => {
		usageError(['restore', 'DIR', '--tag'], /^--tag needs a value$/);
		usageError(['restore', 'DIR', '--tag', ''], /^--tag needs a value$/);
		usageError(['restore', 'DIR', '--tag=', '--yes'], /^--tag needs a value$/);
		usageError(['restore', 'DIR', '--tag', 'a', '--tag', '--yes'], /^--tag needs a value$/);
		usageError(['restore', 'DIR', '--tag', '--yes'], /^--tag needs a value$/);
		usageError(['diagnose', '-s'], /^--server needs a value$/);
		assert.deepEqual(parseArgs(['restore', 'DIR', '--tag', 'a', '--tag=b']).flags.tag, ['a', 'b']);
	});

	test('a string flag without a value, or a number flag with a non-number, is a usage error', () => {
		usageError(['diagnose', '--server'], /^--server needs a value$/);
		usageError(['diagnose', '--server='], /^--server needs a value$/);
		usageError(['diagnose', '--timeout', ''], /^--timeout needs a value$/);
		usageError(['restore', 'DIR', '--replicas', 'three'], /^--replicas needs a number$/);
	});

	test('a flag given twice is a usage error, not a crash', () => {
		usageError(['diagnose', '--server', 'nats://a:1', '-s', 'nats://b:1'], /^--server can only be given once$/);
		usageError(['diagnose', '--sys-user', 'a', '--sys-user', 'b'], /^--sys-user can only be given once$/);
	});

	test('--help and -h ask for help, also after a command', () => {
		assert.equal(parseArgs(['--help']).help, true);
		assert.equal(parseArgs(['diagnose', '-h']).help, true);
		assert.equal(parseArgs(['diagnose', '-h']).command, 'diagnose');
	});

	test('after --, everything is a positional argument', () => {
		assert.deepEqual(parseArgs(['verify', '--', '--odd-dir-name']).args, ['--odd-dir-name']);
	});
});

describe('checkArgs', () => {
	test('a missing argument is named, with the usage as hint', () => {
		assert.throws(
			() => checkArgs('backup', []),
			(error: unknown) =>
				error instanceof UsageError &&
				error.message === 'missing STREAM' &&
				error.hint === `usage: ${commands.backup.usage}`,
		);
		assert.throws(() => checkArgs('restore', []), /^UsageError: missing DIR$/);
	});

	test('optional arguments may be left out; extra ones are refused', () => {
		assert.doesNotThrow(() => checkArgs('backup', ['ORDERS']));
		assert.doesNotThrow(() => checkArgs('backup', ['ORDERS', 'DIR']));
		assert.throws(() => checkArgs('backup', ['A', 'B', 'C']), /unexpected argument "C"/);
		assert.throws(() => checkArgs('diagnose', ['extra']), /unexpected argument "extra"/);
	});

	test('a smaller minimum can be passed (backup --all DIR)', () => {
		assert.doesNotThrow(() => checkArgs('backup', [], 0));
	});
});

describe('stream names', () => {
	test('names JetStream refuses are named with what they contain', () => {
		for (const name of ['ORDERS', 'orders-2', 'a_b', 'Ünïcode']) assert.equal(streamNameProblem(name), undefined, name);
		assert.match(streamNameProblem('A.B')!, /^"A\.B" is not a valid stream name: it contains "\."/);
		assert.match(streamNameProblem('*')!, /contains "\*"/);
		assert.match(streamNameProblem('>')!, /contains ">"/);
		assert.match(streamNameProblem('.')!, /contains "\."/);
		assert.match(streamNameProblem('my stream')!, /contains white space/);
		assert.match(streamNameProblem('a/b')!, /contains "\/"/);
		assert.match(streamNameProblem('a\\b')!, /contains "\\"/);
		assert.equal(
			streamNameProblem('a\u001Bb'),
			undefined,
			'nats-server accepts control characters other than white space',
		);
		assert.equal(streamNameProblem(''), 'a stream name cannot be empty');
	});
});

describe('the CLI without a terminal', () => {
	// Port 9 (discard) has no NATS server: each of these must be refused before any connection.
	const nowhere = ['--server', 'nats://127.0.0.1:9', '--timeout', '1s'];

	test('backup with an invalid stream name is refused at once as an invalid name, exit 2', async () => {
		for (const name of ['A.B', '*', '>', 'a b', 'a/b']) {
			const result = await runCli(['backup', name, '/nonexistent/dir', ...nowhere]);
			assert.equal(result.code, 2, result.stderr);
			assert.match(result.stderr, /^nats-dr: ".*" is not a valid stream name: it contains .*; nothing was written$/m);
		}
	});

	test('backup --all without DIR says DIR is missing', async () => {
		const result = await runCli(['backup', '--all', ...nowhere]);
		assert.equal(result.code, 2);
		assert.match(result.stderr, /^nats-dr: missing DIR\n {2}try: usage: nats-dr backup --all DIR$/m);
	});

	test('restore --window is bounded, as memory is window × chunk size', async () => {
		for (const window of ['0', '65', '100000']) {
			const result = await runCli(['restore', '/nonexistent', '--window', window, ...nowhere]);
			assert.equal(result.code, 2, window);
			assert.match(result.stderr, /^nats-dr: --window needs a whole number from 1 to 64, not \d+$/m);
		}
	});

	test('no command and stdin from a pipe: usage on stderr, exit 2, no stack trace', async () => {
		const result = await runCli([], {input: ''});
		assert.equal(result.code, 2);
		assert.equal(result.stdout, '');
		assert.match(result.stderr, /^Usage:\n {2}nats-dr /);
		assert.match(result.stderr, /nats-dr diagnose/);
		assert.doesNotMatch(result.stderr, /^\s+at /m);
	});

	test('an unknown flag: exit 2 with one clear line and a hint', async () => {
		const result = await runCli(['--bogus']);
		assert.equal(result.code, 2);
		assert.equal(result.stdout, '');
		assert.deepEqual(result.stderr.trimEnd().split('\n'), [
			'nats-dr: unknown flag --bogus',
			'  try: see `nats-dr --help` for the flags',
		]);
	});

	test('usage errors in --json mode also print a JSON error', async () => {
		const result = await runCli(['diagnose', '--json', '--timeout', 'later']);
		assert.equal(result.code, 2);
		assert.deepEqual(JSON.parse(result.stdout), {
			ok: false,
			error: '--timeout "later" is not a duration',
			hint: 'use a value like 5s, 500ms or 2m',
			exit_code: 2,
		});
	});

	test('a bad --election-timeout exits 2 before connecting, naming the flag', async () => {
		const result = await runCli(['diagnose', '--election-timeout', 'soon', '-s', 'nats://127.0.0.1:1']);
		assert.equal(result.code, 2);
		assert.match(result.stderr, /--election-timeout "soon" is not a duration/);
	});

	test('protect without --mirror-to and readiness with a bad --max-rpo exit 2 before connecting', async () => {
		const protect = await runCli(['protect', 'ORDERS', '-s', 'nats://127.0.0.1:1']);
		assert.equal(protect.code, 2);
		assert.match(protect.stderr, /^nats-dr: --mirror-to is required\n/);
		const readiness = await runCli(['readiness', '--max-rpo', 'soon', '-s', 'nats://127.0.0.1:1']);
		assert.equal(readiness.code, 2);
		assert.match(readiness.stderr, /^nats-dr: --max-rpo "soon" is not a duration\n/);
	});

	test('a repeated flag exits 2 with one line', async () => {
		const result = await runCli(['diagnose', '-s', 'nats://a:1', '-s', 'nats://b:1']);
		assert.equal(result.code, 2);
		assert.equal(result.stderr, 'nats-dr: --server can only be given once\n');
	});
});
