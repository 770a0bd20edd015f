/** `nats-dr` on a terminal: connect, then hand over to the Ink wizard; print its summary on exit. */
import {exitCodes, type ExitCode} from '../../core/errors.js';
import type {CommandContext} from '../context.js';
import {themeFor} from '../../ui/theme.js';
import {listContexts} from '../../core/connection/context.js';
import {describeConnection} from '../../core/connection/settings.js';
import type {Theme} from '../../ui/theme.js';
import type {DemoService} from '../../ui/services.js';

export async function wizard(
	context: CommandContext,
	{banner, backupRoot, demo}: {banner?: string[]; backupRoot?: string; demo?: DemoService} = {},
): Promise<ExitCode> {
	const {io, invocation, out, signal} = context;
	if (io.env['CI'] !== undefined && io.env['CI'] !== '0' && io.env['CI'] !== 'false') {
		out.warn(
			'CI is set in the environment: Ink then draws only the final frame. Unset CI (env -u CI nats-dr) for a live screen.',
		);
	}

	// Ink and its layout engine take longer to load than a connection takes to open: start both at once,
	// and say what is happening right away rather than showing nothing until Ink is ready.
	const theme = themeFor(io.env, {ascii: invocation.flags.ascii, color: invocation.flags.color});
	const chosen = await chooseContext(context, theme);
	if (chosen === null) return exitCodes.ok;
	const connected = chosen
		? {...context, invocation: {...invocation, flags: {...invocation.flags, context: chosen}}}
		: context;
	const connecting = `nats-dr: connecting to ${describeConnection(connected.settings().main).servers}…`;
	out.line(connecting);
	// Loaded only now, after the first line is out: nats.js and the engines add a tenth of a second.
	const ui = import('../../ui/run-wizard.js');
	ui.catch(() => undefined);
	const [{wizardServices}, {accountOf}] = await Promise.all([
		import('../wizard-services.js'),
		import('../../core/diagnosis/survivor-views.js'),
	]);
	const session = await connected.connect();
	try {
		const [{runWizard, summaryLines}, account] = await Promise.all([
			ui,
			session.sys ? accountOf(session.sys, session.nc, session.settings.timeoutMs).catch(() => undefined) : undefined,
		]);
		// The connecting line has done its job: the wizard takes the screen from the top.
		if (io.stdout.isTTY)
			io.stdout.write(`\u001B[${Math.max(1, Math.ceil(connecting.length / (io.stdout.columns || 80)))}A\r\u001B[J`);
		const {code, done} = await runWizard({
			services: wizardServices(session, connected, {backupRoot, account, demo}),
			theme,
			banner,
			signal,
			scrub: text => out.scrub(text),
		});
		for (const line of summaryLines(done, io.stdout.isTTY ? io.stdout.columns : undefined)) out.line(line);
		return code ?? exitCodes.ok;
	} finally {
		await session.close();
	}
}

/**
 * When several natscli contexts exist and nothing names one (no --context, NATS_CONTEXT, --server
 * or NATS_URL), the operator picks. Returns the name, undefined to go on as configured, or null
 * when the operator quit.
 */
async function chooseContext(context: CommandContext, theme: Theme): Promise<string | undefined | null> {
	const {flags} = context.invocation;
	const {env} = context.io;
	if (context.invocation.noContext || flags.context || flags.server || env['NATS_CONTEXT'] || env['NATS_URL'])
		return undefined;
	const {names, selected} = await listContexts({env});
	if (names.length < 2) return undefined;
	const {pickContext} = await import('../../ui/context-picker.js');
	return (await pickContext(names, selected, theme)) ?? null;
}
