/**
 * The CLI entry: parse, pick the mode (wizard on a terminal, plain commands otherwise), run, and
 * map errors to exit codes. This is the only place that decides the process's exit code.
 */
import {createRequire} from 'node:module';
import {AbortedError, exitCodes, UsageError, type ExitCode} from '../core/errors.js';
import {commandContext, type CommandContext} from './context.js';
import {parseArgs, type CommandName, type Invocation} from './flags.js';
import {commandHelp, mainHelp, shortUsage} from './help.js';
import {isInteractive} from './interactive.js';
import {Output, type Io} from './output.js';

const {version} = createRequire(import.meta.url)('../../package.json') as {version: string};

type Command = (context: CommandContext) => Promise<ExitCode>;

const loaders: Record<CommandName, () => Promise<Command>> = {
	diagnose: async () => (await import('./commands/diagnose.js')).diagnose,
	readiness: async () => (await import('./commands/readiness.js')).readiness,
	backup: async () => (await import('./commands/backup.js')).backup,
	restore: async () => (await import('./commands/restore.js')).restore,
	verify: async () => (await import('./commands/verify.js')).verify,
	'peer-remove': async () => (await import('./commands/peer-remove.js')).peerRemove,
	'step-down': async () => (await import('./commands/step-down.js')).stepDown,
	failover: async () => (await import('./commands/failover.js')).failover,
	protect: async () => (await import('./commands/protect.js')).protect,
	demo: async () => (await import('./commands/demo.js')).demo,
};

export async function run(argv: string[], io: Io, signal: AbortSignal): Promise<ExitCode> {
	let invocation: Invocation;
	const wantsJson = argv.includes('--json');
	try {
		invocation = parseArgs(argv);
	} catch (error) {
		return new Output(io, {json: wantsJson}).fail(error);
	}

	const out = new Output(io, {json: invocation.flags.json});
	const {command} = invocation;
	// --json keeps its promise of one document on stdout, also for the answers that are not a command's.
	if (invocation.flags.version) {
		if (out.json) out.printJson({ok: true, version});
		else out.line(version);
		return exitCodes.ok;
	}

	if (invocation.help) {
		const help = command ? commandHelp(command) : mainHelp(version);
		if (out.json) out.printJson({ok: true, help});
		else out.line(help);
		return exitCodes.ok;
	}

	if (!command && out.json)
		return out.fail(
			new UsageError('--json needs a command: the wizard is interactive', 'e.g. nats-dr diagnose --json'),
		);
	if (!command) {
		if (!isInteractive(io, invocation)) {
			io.stderr.write(`${shortUsage()}\n`);
			return exitCodes.usage;
		}

		try {
			const {wizard} = await import('./commands/wizard.js');
			return await wizard(commandContext(invocation, out, io, signal));
		} catch (error) {
			return out.fail(error);
		}
	}

	try {
		const handler = await loaders[command]();
		return await handler(commandContext(invocation, out, io, signal));
	} catch (error) {
		return out.fail(signal.aborted ? new AbortedError() : error);
	}
}
