/**
 * Typed confirmation for destructive steps: the operator types the name of the thing (server or
 * stream). In scripts, `--confirm NAME` or `--yes` stands in; without a terminal and without them
 * the step is refused rather than assumed. The question goes to stderr, so stdout stays the
 * command's output (one JSON document with --json) even when it is piped.
 */
import {createInterface} from 'node:readline/promises';
import {AbortedError, UsageError} from '../core/errors.js';
import {oneLine} from '../core/terminal-text.js';
import type {Flags} from './flags.js';
import type {Io} from './output.js';

export async function confirmByName(
	name: string,
	what: string,
	{flags, io, signal}: {flags: Pick<Flags, 'confirm' | 'yes'>; io: Io; signal: AbortSignal},
): Promise<void> {
	if (flags.confirm !== undefined) {
		if (flags.confirm === name) return;
		throw new UsageError(
			`--confirm "${flags.confirm}" does not match ${what} "${name}": nothing was changed`,
			`pass --confirm ${name}`,
		);
	}

	if (flags.yes) return;
	if (!io.stdin.isTTY || !io.stderr.isTTY) {
		throw new UsageError(
			`cannot ask for confirmation without a terminal: nothing was changed`,
			`pass --confirm ${name} (or --yes) to ${what === 'server' ? 'remove' : 'change'} ${name}`,
		);
	}

	const rl = createInterface({input: io.stdin as NodeJS.ReadableStream, output: io.stderr as NodeJS.WritableStream});
	try {
		const answer = await rl.question(
			`Type the ${what} name "${oneLine(name)}" to confirm, or press Enter to cancel: `,
			{signal},
		);
		if (answer.trim() !== name) throw new AbortedError(`not confirmed: nothing was changed`);
	} catch (error) {
		if ((error as Error).name === 'AbortError') throw new AbortedError('not confirmed: nothing was changed');
		throw error;
	} finally {
		rl.close();
	}
}
