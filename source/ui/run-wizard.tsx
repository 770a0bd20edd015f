/**
 * The wizard as a promise: renders the app, resolves with its exit code once it unmounts, and
 * leaves a summary of everything done in the scrollback.
 */
import {render} from 'ink';
import type {AuditEntry} from '../core/audit.js';
import {exitCodes, type ExitCode} from '../core/errors.js';
import {App} from './app.js';
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
};

export async function runWizard({services, theme, banner = [], signal, stdout = process.stdout, stdin = process.stdin}: WizardOptions): Promise<{code: ExitCode; done: AuditEntry[]}> {
	let code: ExitCode = exitCodes.ok;
	let done: AuditEntry[] = [];
	const instance = render(
		<ThemeContext.Provider value={theme}>
			<App
				services={services}
				banner={banner}
				signal={signal}
				onExit={(exitCode, state) => {
					code = exitCode;
					done = state.done;
				}}
			/>
		</ThemeContext.Provider>,
		{stdout, stdin, exitOnCtrlC: false, patchConsole: false, maxFps: 15},
	);
	await instance.waitUntilExit();
	return {code, done};
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
	return columns ? lines.flatMap(line => (line.startsWith('    equivalent: ') ? [line] : wrapWords(line, columns))) : lines;
}
