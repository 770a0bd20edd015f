/**
 * The audit trail: one JSON object per line for every action that changes something (backup,
 * restore, peer-remove, step-down, delete) and every refusal. Targets are described without
 * secrets; the wizard's end summary is built from the same records.
 */
import {appendFile, mkdir} from 'node:fs/promises';
import {homedir, userInfo} from 'node:os';
import path from 'node:path';
import {SecretScrubber} from './secret-scrubber.js';
import {jsonTerminalSafe} from './terminal-text.js';

export type AuditRecord = {
	action:
		| 'backup'
		| 'restore'
		| 'peer-remove'
		| 'stream-peer-remove'
		| 'step-down'
		| 'stream-delete'
		| 'verify'
		| 'failover'
		| 'protect';
	/** What was acted on: a stream, a server, a directory. */
	subject: string;
	result: 'ok' | 'failed' | 'refused' | 'aborted';
	/** One sentence: what happened or why not. */
	detail: string;
	parameters?: Record<string, unknown>;
	/** The equivalent `nats` CLI command, for learning and audit. */
	nats?: string;
};

export type AuditTarget = {servers: string; account?: string | undefined; context?: string | undefined};

export type AuditEntry = AuditRecord & {time: string; operator: string; target: AuditTarget};

export function defaultAuditLog(env: NodeJS.ProcessEnv): string {
	const state = env['XDG_STATE_HOME'] || path.join(homedir(), '.local', 'state');
	return path.join(state, 'nats-dr', 'audit.log');
}

function operatorName(env: NodeJS.ProcessEnv): string {
	try {
		return userInfo().username;
	} catch {
		return env['USER'] ?? env['LOGNAME'] ?? 'unknown';
	}
}

export class AuditLog {
	readonly file: string;
	readonly entries: AuditEntry[] = [];
	private readonly target: AuditTarget;
	private readonly operator: string;
	private readonly secrets: SecretScrubber;
	/** Once made, the log's directory is not made again for every record (an account backup writes one per stream). */
	private directoryMade = false;

	constructor({
		file,
		target,
		env,
		secrets = new SecretScrubber(),
	}: {
		file: string;
		target: AuditTarget;
		env: NodeJS.ProcessEnv;
		secrets?: SecretScrubber;
	}) {
		this.file = file;
		this.target = target;
		this.operator = operatorName(env);
		this.secrets = secrets;
	}

	/** Appends a record; a log that cannot be written must not stop a recovery, so the problem is returned, not thrown. */
	async record(record: AuditRecord): Promise<{entry: AuditEntry; problem: string | undefined}> {
		const entry: AuditEntry = this.secrets.value({
			time: new Date().toISOString(),
			operator: this.operator,
			target: this.target,
			...record,
		});
		this.entries.push(entry);
		try {
			if (!this.directoryMade) await mkdir(path.dirname(this.file), {recursive: true, mode: 0o700});
			this.directoryMade = true;
			await appendFile(this.file, `${jsonTerminalSafe(JSON.stringify(entry))}\n`, {mode: 0o600});
			return {entry, problem: undefined};
		} catch (error) {
			return {entry, problem: `cannot write the audit log ${this.file}: ${(error as Error).message}`};
		}
	}
}
