/** `nats-dr` on a terminal: connect, then hand over to the Ink wizard; print its summary on exit. */
import {exitCodes, type ExitCode} from '../../core/errors.js';
import type {CommandContext} from '../context.js';
import {themeFor} from '../../ui/theme.js';
import {wizardServices} from '../wizard-services.js';

export async function wizard(context: CommandContext, {banner, backupRoot}: {banner?: string[]; backupRoot?: string} = {}): Promise<ExitCode> {
	const {io, invocation, out, signal} = context;
	if (io.env['CI'] !== undefined && io.env['CI'] !== '0' && io.env['CI'] !== 'false') {
		out.warn('CI is set in the environment: Ink then draws only the final frame. Unset CI (env -u CI nats-dr) for a live screen.');
	}

	const session = await context.connect();
	try {
		const {runWizard, summaryLines} = await import('../../ui/run-wizard.js');
		const theme = themeFor(io.env, {ascii: invocation.flags.ascii, color: invocation.flags.color});
		const {code, done} = await runWizard({services: wizardServices(session, context, {backupRoot}), theme, banner, signal});
		for (const line of summaryLines(done)) out.line(line);
		return code ?? exitCodes.ok;
	} finally {
		await session.close();
	}
}
