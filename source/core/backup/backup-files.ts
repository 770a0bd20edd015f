/**
 * The files of one stream backup and how they come into place. Everything is written under
 * temporary names in the target directory, synced, then renamed, `backup.json` last: its presence
 * marks a complete backup, so a backup that fails, is aborted or is killed never looks like one.
 */
import {randomBytes} from 'node:crypto';
import {mkdir, open, readdir, readFile, rename, rmdir, stat, unlink} from 'node:fs/promises';
import {dirname, join, relative} from 'node:path';
import {archiveFile, backupJsonFile, findBackups, natsarcArchiveFile, sidecarFile} from '../archive/backup-dir.js';
import {DrError} from '../errors.js';

export type BackupPaths = {
	dir: string;
	backupJson: string;
	sidecar: string;
	tempArchive: string;
	tempBackupJson: string;
	tempSidecar: string;
};

/** Leftovers of a killed backup carry this mark; no reader takes them for backup files. */
export const partialMark = '.partial-';

/**
 * The PID tells a leftover's origin; the random part keeps a new run clear of a killed run's
 * leftovers with the same PID (every container's first process is PID 1).
 */
export function backupPaths(dir: string, suffix = `${process.pid}-${randomBytes(4).toString('hex')}`): BackupPaths {
	const temp = (name: string): string => join(dir, `.${name}${partialMark}${suffix}`);
	return {
		dir,
		backupJson: join(dir, backupJsonFile),
		sidecar: join(dir, sidecarFile),
		tempArchive: temp(archiveFile),
		tempBackupJson: temp(backupJsonFile),
		tempSidecar: temp(sidecarFile),
	};
}

/** Why a backup is not even attempted: audited as a refusal, not a failure. */
export class BackupRefusedError extends DrError {
	readonly reason: 'memory-storage' | 'backup-exists' | 'account-layout' | 'unsafe-name';

	constructor(reason: BackupRefusedError['reason'], message: string, hint?: string) {
		super(message, {hint});
		this.name = 'BackupRefusedError';
		this.reason = reason;
	}
}

export type PreparedDirectory = {
	/** An earlier backup is there and will be replaced (only with `force`). */
	replacing: boolean;
	/** The directory was made for this backup, so a failure may remove it again. */
	created: boolean;
	/** Temporary files of a backup that was killed, or of one still running into the same directory. */
	leftovers: string[];
};

/** Creates DIR (0700, as natscli) and refuses to overwrite a backup in it unless `force`. */
export async function prepareDirectory(
	dir: string,
	{stream, force}: {stream: string; force: boolean},
): Promise<PreparedDirectory> {
	const created = await makeDirectory(dir);
	// A directory this backup just made is empty: nothing to look for (the commit checks again).
	if (created !== undefined) return {replacing: false, created: true, leftovers: []};
	if (!(await stat(dir)).isDirectory()) throw new DrError(`cannot use ${dir} for the backup: it is not a directory`);
	const existing = await existingBackup(dir);
	if (existing !== undefined && !force) {
		throw new BackupRefusedError(
			'backup-exists',
			`${dir} already holds a backup${existing ? ` of stream "${existing}"` : ''}: it was left as it is`,
			'pass --force to replace it, or choose another directory',
		);
	}

	if (existing === undefined && (await findBackups(dir).catch(() => undefined))?.layout === 'account') {
		throw new BackupRefusedError(
			'account-layout',
			`${dir} holds an account backup, one directory per stream: a stream backup beside them would hide them`,
			`back up into a directory of its own, e.g. ${join(dir, stream)}`,
		);
	}

	const leftovers = (await readdir(dir)).filter(name => name.includes(partialMark)).sort();
	return {replacing: existing !== undefined, created: created !== undefined, leftovers};
}

/** The words for leftovers found before a backup, or undefined when there are none. */
export function leftoversWarning(dir: string, leftovers: string[]): string | undefined {
	if (leftovers.length === 0) return undefined;
	return `${dir} holds ${leftovers.length === 1 ? 'a temporary file' : `${leftovers.length} temporary files`} of an interrupted backup (${leftovers.join(', ')}): they were left alone; remove them once no other backup writes into ${dir}`;
}

/** The stream name of the backup in `dir` ('' when unreadable), or undefined when there is none. */
export async function existingBackup(dir: string): Promise<string | undefined> {
	let text: string;
	try {
		text = await readFile(join(dir, backupJsonFile), 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw directoryError(dir, error);
	}

	try {
		const name = (JSON.parse(text) as {config?: {name?: unknown}}).config?.name;
		return typeof name === 'string' ? name : '';
	} catch {
		return '';
	}
}

export async function writeFileSynced(path: string, text: string): Promise<void> {
	const handle = await open(path, 'wx');
	try {
		await handle.writeFile(text);
		await handle.sync();
	} finally {
		await handle.close();
	}
}

/**
 * Puts the finished files in place. When replacing, the old `backup.json` goes first, so at every
 * moment DIR holds the old backup, no backup, or the new one, never a mix that looks whole.
 */
export async function commitBackup(
	paths: BackupPaths,
	{replacing, archiveName}: {replacing: boolean; archiveName: string},
): Promise<void> {
	if (replacing) {
		await unlink(paths.backupJson).catch(ignoreMissing);
		// The replaced backup's archive may carry the other name (another server version): two would be ambiguous.
		await Promise.all(
			[archiveFile, natsarcArchiveFile].map(async name => unlink(join(paths.dir, name)).catch(ignoreMissing)),
		);
		await syncDirectory(paths.dir);
	}

	await rename(paths.tempArchive, join(paths.dir, archiveName));
	await rename(paths.tempSidecar, paths.sidecar);
	await rename(paths.tempBackupJson, paths.backupJson);
	await syncDirectory(paths.dir);
}

export async function removeTemporaries(paths: BackupPaths, {created}: {created: boolean}): Promise<void> {
	await Promise.all(
		[paths.tempArchive, paths.tempBackupJson, paths.tempSidecar].map(async path => unlink(path).catch(ignoreMissing)),
	);
	// Only an empty directory goes, and only one this backup made.
	if (created) await rmdir(paths.dir).catch(() => undefined);
}

/** Creates DIR and its missing parents (0700, as natscli), durably; returns the first one created. */
export async function makeDirectory(dir: string): Promise<string | undefined> {
	try {
		const created = await mkdir(dir, {recursive: true, mode: 0o700});
		if (created !== undefined) await syncCreated(created, dir);
		return created;
	} catch (error) {
		throw directoryError(dir, error);
	}
}

/** Makes the directories `mkdir` created durable: each one's entry lives in its parent. */
async function syncCreated(created: string, dir: string): Promise<void> {
	for (let path = dir; ; path = dirname(path)) {
		await syncDirectory(dirname(path));
		if (relative(created, path) === '' || dirname(path) === path) return;
	}
}

type DirectorySync = {running: Promise<void>; queued: Promise<void> | undefined};

/** By directory: the sync running, and the one every caller that came meanwhile waits for. */
const directorySyncs = new Map<string, DirectorySync>();

/**
 * Makes renames, unlinks and new entries in `dir` durable. Callers share syncs: an account backup
 * creates its streams' directories in one parent, and one sync covers every entry made before it
 * started, so a thousand streams need a few syncs of the parent, not a thousand.
 */
async function syncDirectory(dir: string): Promise<void> {
	const sync = directorySyncs.get(dir);
	if (sync === undefined) return startDirectorySync(dir);
	// The running sync may have begun before this caller's change: the next one covers it.
	sync.queued ??= sync.running.then(ignore, ignore).then(async () => startDirectorySync(dir));
	return sync.queued;
}

async function startDirectorySync(dir: string): Promise<void> {
	const running = fsyncDirectory(dir);
	directorySyncs.set(dir, {running, queued: undefined});
	const settled = (): void => {
		if (directorySyncs.get(dir)?.running === running) directorySyncs.delete(dir);
	};

	running.then(settled, settled);
	return running;
}

function ignore(): void {}

async function fsyncDirectory(dir: string): Promise<void> {
	const handle = await open(dir, 'r');
	try {
		await handle.sync();
	} finally {
		await handle.close();
	}
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
	if (error.code !== 'ENOENT') throw error;
}

export function directoryError(dir: string, error: unknown): DrError {
	const code = (error as NodeJS.ErrnoException).code;
	const reason =
		code === 'ENOTDIR' || code === 'EEXIST'
			? 'part of the path is a file, not a directory'
			: code === 'EACCES' || code === 'EPERM'
				? 'permission denied'
				: code === 'EROFS'
					? 'the file system is read-only'
					: code === 'ENOSPC'
						? 'no space left on the device'
						: (error as Error).message;
	return new DrError(`cannot write the backup to ${dir}: ${reason}`, {
		hint: 'choose a directory this user can write to',
		cause: error,
	});
}
