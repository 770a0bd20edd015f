/**
 * Where command output goes. Everything printed passes through `scrub`, so a secret that slipped
 * into a server's error text still never reaches the terminal or a log.
 */
import {DrError, exitCodes, type ExitCode} from '../core/errors.js';

export type Io = {
	stdout: {write(text: string): unknown; isTTY?: boolean; columns?: number};
	stderr: {write(text: string): unknown; isTTY?: boolean};
	stdin: {isTTY?: boolean};
	env: NodeJS.ProcessEnv;
};

export class Output {
	readonly io: Io;
	readonly json: boolean;
	private secrets: string[] = [];
	/** --json promises one document per run, whatever happens. */
	private printedJson = false;

	constructor(io: Io, {json}: {json: boolean}) {
		this.io = io;
		this.json = json;
	}

	addSecrets(secrets: string[]): void {
		this.secrets.push(...secrets);
	}

	scrub(text: string): string {
		let clean = text;
		for (const secret of this.secrets) clean = clean.split(secret).join('***');
		return clean;
	}

	line(text = ''): void {
		this.io.stdout.write(`${this.scrub(text)}\n`);
	}

	/** Status lines go to stderr in --json mode so stdout stays one parsable document. */
	log(text: string): void {
		(this.json ? this.io.stderr : this.io.stdout).write(`${this.scrub(text)}\n`);
	}

	warn(text: string): void {
		this.io.stderr.write(`${this.scrub(`warning: ${text}`)}\n`);
	}

	/** `line`: on one line, for a reader that waits for it while the command runs on (the demo). */
	printJson(value: unknown, {line = false} = {}): void {
		if (this.printedJson) throw new Error('a second JSON document in one run');
		this.printedJson = true;
		this.line(line ? JSON.stringify(value) : JSON.stringify(value, null, 2));
	}

	/**
	 * Prints an error as one line (plus a hint line) and returns its exit code. With --json, also the
	 * error document with `extra` fields, unless the run has printed its document already.
	 */
	fail(error: unknown, extra: Record<string, unknown> = {}): ExitCode {
		const known = error instanceof DrError ? error : undefined;
		const message = known ? known.message : `unexpected error: ${(error as Error)?.message ?? String(error)}`;
		this.io.stderr.write(`${this.scrub(`nats-dr: ${message}`)}\n`);
		if (known?.hint) this.io.stderr.write(`${this.scrub(`  try: ${known.hint}`)}\n`);
		if (!known && this.io.env['NATS_DR_DEBUG']) this.io.stderr.write(`${this.scrub(String((error as Error)?.stack))}\n`);
		const code = known?.exitCode ?? exitCodes.failed;
		if (this.json && !this.printedJson) this.printJson({ok: false, error: message, ...(known?.hint ? {hint: known.hint} : {}), exit_code: code, ...extra});
		return code;
	}
}
