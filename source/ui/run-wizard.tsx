/**
 * The wizard as a promise: renders the app, resolves with its exit code once it unmounts, and
 * leaves a summary of everything done in the scrollback.
 */
import {render} from 'ink';
import type {AuditEntry} from '../core/audit.js';
import {exitCodes, type ExitCode} from '../core/errors.js';
import {App} from './app.js';
import {ScrubContext} from './components/text.js';
import {wrapWords} from './input/wrap-words.js';
import type {WizardServices} from './services.js';
import {ThemeContext} from './theme-context.js';
import type {Theme} from './theme.js';

export type WizardOptions = {
	services: WizardServices;
	theme: Theme;
	/** Lines shown above the overview, e.g. the demo's scenario. */
	banner?: string[];
	/** SIGTERM/SIGINT from outside: the wizard stops its work and closes with exit code 130. */
	signal?: AbortSignal;
	stdout?: NodeJS.WriteStream;
	stdin?: NodeJS.ReadStream;
	/** Masks the session's secrets in every string drawn and, as a last resort, in every frame written. */
	scrub?: (text: string) => string;
};

export async function runWizard({
	services,
	theme,
	banner = [],
	signal,
	stdout = process.stdout,
	stdin = process.stdin,
	scrub = text => text,
}: WizardOptions): Promise<{code: ExitCode; done: AuditEntry[]}> {
	let code: ExitCode = exitCodes.ok;
	let done: AuditEntry[] = [];
	const instance = render(
		<ThemeContext.Provider value={theme}>
			<ScrubContext.Provider value={scrub}>
				<App
					services={services}
					banner={banner}
					signal={signal}
					onExit={(exitCode, state) => {
						code = exitCode;
						done = state.done;
					}}
				/>
			</ScrubContext.Provider>
		</ThemeContext.Provider>,
		{stdout: scrubbedWrites(stdout, scrub), stdin, exitOnCtrlC: false, patchConsole: false, maxFps: 15},
	);
	await instance.waitUntilExit();
	return {code, done};
}

/**
 * The terminal as Ink sees it, with every frame passing the scrubber on its way out: a last resort
 * behind the scrubbing of each drawn string, for text a component did not draw through our Text.
 */
function scrubbedWrites(stream: NodeJS.WriteStream, scrub: (text: string) => string): NodeJS.WriteStream {
	return new Proxy(stream, {
		get(target, property) {
			if (property === 'write') {
				return (chunk: unknown, ...rest: unknown[]) =>
					(target.write as (...args: unknown[]) => boolean)(typeof chunk === 'string' ? scrub(chunk) : chunk, ...rest);
			}

			const value: unknown = Reflect.get(target, property, target);
			return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
		},
	});
}

/**
 * The end summary, as plain lines for the scrollback: what, when, result, equivalent nats commands.
 * With `columns`, long lines are wrapped at spaces with their indent kept, so none is cut mid-word.
 */
export function summaryLines(done: AuditEntry[], columns?: number): string[] {
	if (done.length === 0) return ['nats-dr: no changes were made in this session.'];
	const lines = [
		`nats-dr: ${done.length} action(s) in this session`,
		...done.flatMap(entry => [
			`  ${entry.time}  ${entry.action} ${entry.subject}: ${entry.result.toUpperCase()} — ${entry.detail}`,
			...(entry.nats ? [`    equivalent: ${entry.nats}`] : []),
		]),
	];
	// A command is left whole: wrapped with an indent it would no longer paste into a shell.
	return columns
		? lines.flatMap(line => (line.startsWith('    equivalent: ') ? [line] : wrapWords(line, columns)))
		: lines;
}
