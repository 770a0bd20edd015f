import {
	resolveSettings,
	resolveSystemSettings,
	secretsOf,
	type ConnectionSettings,
} from '../core/connection/settings.js';
import type {Session} from '../core/connection/session.js';
import {AuditLog, defaultAuditLog, type AuditEntry, type AuditRecord} from '../core/audit.js';
import {describeConnection} from '../core/connection/settings.js';
import type {Invocation} from './flags.js';
import type {Io, Output} from './output.js';

/** What every command receives: its parsed invocation, output, and a way to connect. */
export type CommandContext = {
	invocation: Invocation;
	out: Output;
	io: Io;
	signal: AbortSignal;
	/** Resolves settings from flags, environment and context; registers their secrets for scrubbing. */
	settings(): {main: ConnectionSettings; system: ConnectionSettings | undefined};
	connect(): Promise<Session>;
	/** Appends to the audit log (warns, never fails, when the log cannot be written). */
	audit(record: AuditRecord): Promise<AuditEntry>;
};

export function commandContext(invocation: Invocation, out: Output, io: Io, signal: AbortSignal): CommandContext {
	const settings = () => {
		const {flags} = invocation;
		const where = {env: io.env};
		const main = resolveSettings(
			{
				server: flags.server,
				context: flags.context,
				noContext: invocation.noContext,
				user: flags.user,
				password: flags.password,
				token: flags.token,
				creds: flags.creds,
				nkey: flags.nkey,
				tlscert: flags.tlscert,
				tlskey: flags.tlskey,
				tlsca: flags.tlsca,
				tlsfirst: flags.tlsfirst,
				jsDomain: flags.jsDomain,
				timeoutMs: invocation.timeoutMs,
			},
			where,
		);
		const system = resolveSystemSettings(
			{sysContext: flags.sysContext, sysUser: flags.sysUser, sysPassword: flags.sysPassword, sysCreds: flags.sysCreds},
			main,
			where,
		);
		out.addSecrets([...secretsOf(main, system), flags.password, flags.token, flags.sysPassword]);
		return {main, system};
	};

	let log: AuditLog | undefined;
	return {
		invocation,
		out,
		io,
		signal,
		settings,
		async connect() {
			const {main, system} = settings();
			// nats.js loads here, not at start, so usage errors and the wizard's first line come sooner.
			const {openSession} = await import('../core/connection/session.js');
			return openSession(main, system);
		},
		async audit(record) {
			if (!log) {
				const described = describeConnection(settings().main);
				log = new AuditLog({
					file: invocation.flags.auditLog ?? defaultAuditLog(io.env),
					target: {servers: described.servers, context: described.context},
					env: io.env,
					secrets: out.secrets,
				});
			}

			const {entry, problem} = await log.record(record);
			if (problem) out.warn(problem);
			return entry;
		},
	};
}
