/**
 * Where command output goes. Everything printed passes the secret scrubber, so a secret that slipped
 * into a server's error text still never reaches the terminal or a log, and control characters in
 * text from servers and archives are shown escaped instead of acting on the terminal. JSON is
 * scrubbed value by value before it is serialized.
 */
import {DrError, exitCodes, type ExitCode} from '../core/errors.js';
import {SecretScrubber} from '../core/secret-scrubber.js';
import {jsonTerminalSafe, terminalSafe} from '../core/terminal-text.js';

export type Io = {
	stdout: {write(text: string): unknown; isTTY?: boolean; columns?: number};
	stderr: {write(text: string): unknown; isTTY?: boolean};
	stdin: {isTTY?: boolean};
	env: NodeJS.ProcessEnv;
};

export class Output {
	readonly io: Io;
	readonly json: boolean;
	readonly secrets = new SecretScrubber();
	/** --json promises one document per run, whatever happens. */
	private printedJson = false;

	constructor(io: Io, {json}: {json: boolean}) {
		this.io = io;
		this.json = json;
	}

	addSecrets(secrets: Array<string | undefined>): void {
		this.secrets.add(...secrets);
	}

	/** Text without secrets, for writers that draw their own line (progress lines). */
	scrub(text: string): string {
		return this.secrets.text(text);
	}

	/** A line as it may reach the terminal: secrets masked, then control characters escaped. */
	private clean(text: string): string {
		return `${terminalSafe(this.scrub(text))}\n`;
	}

	line(text = ''): void {
		this.io.stdout.write(this.clean(text));
	}

	/** Status lines go to stderr in --json mode so stdout stays one parsable document. */
	log(text: string): void {
		(this.json ? this.io.stderr : this.io.stdout).write(this.clean(text));
	}

	warn(text: string): void {
		this.io.stderr.write(this.clean(`warning: ${text}`));
	}

	/** An error line on stderr, in every mode. */
	error(text: string): void {
		this.io.stderr.write(this.clean(text));
	}

	/** `line`: on one line, for a reader that waits for it while the command runs on (the demo). */
	printJson(value: unknown, {line = false} = {}): void {
		if (this.printedJson) throw new Error('a second JSON document in one run');
		this.printedJson = true;
		this.io.stdout.write(`${jsonTerminalSafe(this.secrets.json(value, line ? 0 : 2))}\n`);
	}

	/**
	 * Prints an error as one line (plus a hint line) and returns its exit code. With --json, also the
	 * error document with `extra` fields, unless the run has printed its document already.
	 */
	fail(error: unknown, extra: Record<string, unknown> = {}): ExitCode {
		const known = error instanceof DrError ? error : undefined;
		const message = known ? known.message : `unexpected error: ${(error as Error)?.message ?? String(error)}`;
		this.error(`nats-dr: ${message}`);
		if (known?.hint) this.error(`  try: ${known.hint}`);
		if (!known && this.io.env['NATS_DR_DEBUG']) this.error(String((error as Error)?.stack));
		const code = known?.exitCode ?? exitCodes.failed;
		if (this.json && !this.printedJson)
			this.printJson({
				ok: false,
				error: message,
				...(known?.hint ? {hint: known.hint} : {}),
				exit_code: code,
				...extra,
			});
		return code;
	}
}
