/**
 * The `nats` CLI command equivalent to each operator action, built in one place so the audit log,
 * the plain output and the wizard name the same command. Stream names and paths come from servers,
 * archives and operators, so every argument is quoted for a POSIX shell when it needs it.
 */
import type {RestoreOverrides} from './restore/overrides.js';

/** Quotes a shell word only when it needs it, so the usual names read as typed. */
export function shellWord(word: string): string {
	return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

function command(words: string[], comment?: string): string {
	return ['nats', ...words.map(word => shellWord(word))].join(' ') + (comment ? ` # ${comment}` : '');
}

export type BackupFlags = {
	consumers?: boolean | undefined;
	check?: boolean | undefined;
	chunkSize?: number | undefined;
};

function backupFlags(options: BackupFlags): string[] {
	return [
		...(options.consumers === false ? ['--no-consumers'] : []),
		...(options.check ? ['--check'] : []),
		...(options.chunkSize === undefined ? [] : ['--chunk-size', String(options.chunkSize)]),
	];
}

export function streamBackupCommand(stream: string, dir: string, options: BackupFlags): string {
	return command(['stream', 'backup', stream, dir, ...backupFlags(options)]);
}

/** `-f` because nats-dr does not ask first, while `nats account backup` would. */
export function accountBackupCommand(dir: string, options: BackupFlags): string {
	return command(['account', 'backup', dir, '-f', ...backupFlags(options)]);
}

export function streamRestoreCommand(dir: string, overrides: RestoreOverrides): string {
	const words = ['stream', 'restore', dir];
	if (overrides.replicas !== undefined) words.push('--replicas', String(overrides.replicas));
	if (overrides.cluster !== undefined) words.push('--cluster', overrides.cluster);
	for (const tag of overrides.tags ?? []) words.push('--tag', tag);
	// natscli has no flag to drop a placement; its --config takes a whole edited config instead.
	if (overrides.dropPlacement) return command([...words, '--config', 'CONFIG.json'], '(config without "placement")');
	return command(words);
}

/** `nats account restore` has no --replicas and no way to drop a placement (protocol doc §7.3). */
export function accountRestoreCommand(dir: string, overrides: RestoreOverrides): string {
	const words = ['account', 'restore', dir];
	if (overrides.cluster !== undefined) words.push('--cluster', overrides.cluster);
	for (const tag of overrides.tags ?? []) words.push('--tag', tag);
	const unsupported = overrides.replicas !== undefined || overrides.dropPlacement;
	return command(words, unsupported ? 'nats account restore cannot change replicas or drop the placement' : undefined);
}

export function metaPeerRemoveCommand(server: string): string {
	return command(['server', 'cluster', 'peer-remove', server, '--force']);
}

export function streamPeerRemoveCommand(stream: string, server: string): string {
	return command(['stream', 'cluster', 'peer-remove', stream, server, '--force']);
}

export function streamStepDownCommand(stream: string): string {
	return command(['stream', 'cluster', 'step-down', stream]);
}

/** `-f` because nats-dr asked for the typed name first; hints leave it out, so natscli asks. */
export function streamDeleteCommand(stream: string, {force = true} = {}): string {
	return command(['stream', 'rm', stream, ...(force ? ['-f'] : [])]);
}

export function streamInfoCommand(stream: string): string {
	return command(['stream', 'info', stream]);
}
