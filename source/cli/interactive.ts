import type {Invocation} from './flags.js';
import type {Io} from './output.js';

/** The wizard and live progress need a terminal on both ends; `--plain` and ACCESSIBLE ask for log lines. */
export function isInteractive(io: Io, invocation: Invocation): boolean {
	return Boolean(io.stdin.isTTY && io.stdout.isTTY) && !invocation.flags.plain && !io.env['ACCESSIBLE'];
}
