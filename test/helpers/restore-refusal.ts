/** A restore that pre-flight must refuse: exit 1, the reason, the target's state, and no new stream. */
import assert from 'node:assert/strict';
import type {NatsConnection} from 'nats';
import type {CliResult} from './cli.js';
import {streamNames} from './streams.js';

export async function expectRefusedRestore(
	nc: NatsConnection,
	restore: (args: string[]) => Promise<CliResult>,
	args: string[],
	pattern: RegExp,
): Promise<string> {
	const namesBefore = await streamNames(nc);
	const result = await restore(args);
	assert.equal(result.code, 1, result.stdout + result.stderr);
	assert.match(result.stderr, pattern);
	assert.match(result.stderr, /nothing was sent, no stream was created/);
	assert.deepEqual(await streamNames(nc), namesBefore, 'no stream was created');
	return result.stdout + result.stderr;
}
