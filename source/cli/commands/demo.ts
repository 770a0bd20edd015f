/**
 * `nats-dr demo`: the training sandbox. On a terminal the wizard takes over the broken cluster;
 * otherwise a briefing (and with --json one JSON line) is printed and the demo waits for Ctrl-C or
 * SIGTERM, so a runbook can rehearse with the plain commands.
 */
import {exitCodes, type ExitCode} from '../../core/errors.js';
import {briefing, demoJson, keptLines} from '../../demo/report.js';
import {runDemo, type DemoInfo} from '../../demo/run-demo.js';
import {parseScenario} from '../../demo/scenarios.js';
import {commandContext, type CommandContext} from '../context.js';
import {checkArgs} from '../flags.js';
import {isInteractive} from '../interactive.js';

export async function demo(context: CommandContext): Promise<ExitCode> {
	const {invocation, out, io, signal} = context;
	checkArgs('demo', invocation.args);
	const scenario = parseScenario(invocation.flags.scenario);
	const interactive = isInteractive(io, invocation) && !out.json;
	const wizard = interactive ? (await import('./wizard.js')).wizard : undefined;
	let code: ExitCode = exitCodes.ok;
	const final = await runDemo(
		{
			scenario,
			natsServer: invocation.flags.natsServer,
			keep: invocation.flags.keep,
			env: io.env,
			signal,
			onProgress: step => out.log(step),
		},
		async (info, controls) => {
			if (out.json) out.printJson(demoJson(info), {line: true});
			for (const line of briefing(info, io.env, {wizard: wizard !== undefined, keep: invocation.flags.keep}))
				out.log(line);
			if (wizard)
				code = await wizard(demoContext(context, info), {
					banner: [`Demo ${info.story.title}`, ...info.story.broke],
					backupRoot: info.backupDir,
					demo: {servers: info.killed, restart: controls.restart},
				});
			else await untilAborted(signal);
		},
	);
	for (const line of invocation.flags.keep ? keptLines(final) : [`Stopped the demo's servers and removed ${final.dir}`])
		out.log(line);
	return code;
}

/**
 * The demo's own connection for the wizard: its context files, with none of the operator's
 * connection flags or NATS_* variables, and its own audit log unless one was named.
 */
function demoContext(context: CommandContext, info: DemoInfo): CommandContext {
	const {invocation, out, io, signal} = context;
	const flags = {
		...invocation.flags,
		server: undefined,
		context: info.contexts.app,
		user: undefined,
		password: undefined,
		token: undefined,
		creds: undefined,
		nkey: undefined,
		tlscert: undefined,
		tlskey: undefined,
		tlsca: undefined,
		jsDomain: undefined,
		sysContext: info.contexts.sys,
		sysUser: undefined,
		sysPassword: undefined,
		sysCreds: undefined,
		auditLog: invocation.flags.auditLog ?? info.auditLog,
	};
	const env = Object.fromEntries(Object.entries(io.env).filter(([key]) => !key.startsWith('NATS_')));
	return commandContext({...invocation, flags}, out, {...io, env}, signal);
}

async function untilAborted(signal: AbortSignal): Promise<void> {
	if (signal.aborted) return;
	// A pending promise alone does not keep Node running; this timer does, until the signal comes.
	const keepAlive = setInterval(() => {}, 2 ** 30);
	await new Promise(resolve => signal.addEventListener('abort', resolve, {once: true}));
	clearInterval(keepAlive);
}
