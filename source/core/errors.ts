/**
 * The error taxonomy shared by every layer. Only the CLI entry turns these into exit codes and
 * text, so deep code never exits the process or prints.
 */

export const exitCodes = {
	ok: 0,
	failed: 1,
	usage: 2,
	aborted: 130,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** An error an operator will meet: one sentence, plus what to try, plus the exit code it maps to. */
export class DrError extends Error {
	readonly exitCode: ExitCode;
	readonly hint: string | undefined;

	constructor(message: string, options: {exitCode?: ExitCode; hint?: string; cause?: unknown} = {}) {
		super(message, {cause: options.cause});
		this.name = 'DrError';
		this.exitCode = options.exitCode ?? exitCodes.failed;
		this.hint = options.hint;
	}
}

export class UsageError extends DrError {
	constructor(message: string, hint?: string) {
		super(message, {exitCode: exitCodes.usage, hint});
		this.name = 'UsageError';
	}
}

export class AbortedError extends DrError {
	constructor(message = 'aborted by the operator') {
		super(message, {exitCode: exitCodes.aborted});
		this.name = 'AbortError';
	}
}

/** A JetStream API error reply, keeping the server's codes so callers can branch on them. */
export class JsApiError extends DrError {
	readonly code: number;
	readonly errCode: number | undefined;
	readonly description: string;

	constructor(subject: string, error: {code: number; err_code?: number; description: string}) {
		super(`${subject} failed: ${error.description} (${error.code}${error.err_code ? `/${error.err_code}` : ''})`);
		this.name = 'JsApiError';
		this.code = error.code;
		this.errCode = error.err_code;
		this.description = error.description;
	}
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
	if (signal?.aborted) throw new AbortedError();
}
