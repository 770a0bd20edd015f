/**
 * What the restore picker lists: the backups under a directory with stream, size, date, message
 * count and whether nats-dr verified them when they were written. Reads only the small JSON files.
 */
import {stat} from 'node:fs/promises';
import {findBackups, readBackupDir} from './archive/backup-dir.js';

export type BackupSummary = {
	dir: string;
	stream: string;
	archiveBytes: number;
	messages: number | undefined;
	/** When the snapshot was taken (sidecar), else the file's time. */
	created: string;
	/** The sidecar's verification at write time; undefined for backups from other tools. */
	verified: boolean | undefined;
	/** Set when the directory looks like a backup but cannot be read. */
	problem: string | undefined;
};

export async function listBackups(root: string): Promise<BackupSummary[]> {
	const found = await findBackups(root);
	const dirs = found.layout === 'stream' ? [found.dir] : found.backups;
	return Promise.all(dirs.map(async dir => summarize(dir)));
}

async function summarize(dir: string): Promise<BackupSummary> {
	try {
		const info = await readBackupDir(dir);
		const sidecar = info.sidecar as {created?: string; verification?: {ok?: boolean}} | undefined;
		const created = sidecar?.created ?? (await stat(info.archivePath)).mtime.toISOString();
		return {
			dir,
			stream: info.streamName,
			archiveBytes: info.archiveBytes,
			messages: info.state.messages,
			created,
			verified: sidecar?.verification?.ok,
			problem: undefined,
		};
	} catch (error) {
		return {
			dir,
			stream: '?',
			archiveBytes: 0,
			messages: undefined,
			created: '',
			verified: false,
			problem: (error as Error).message,
		};
	}
}

/** Whether a directory can take backups: it exists or can be created, is writable, and has room. */
export async function checkBackupTarget(
	dir: string,
	neededBytes: number,
): Promise<{ok: true; freeBytes: number | undefined} | {ok: false; problem: string}> {
	const {access, constants, mkdir, statfs} = await import('node:fs/promises');
	const path = await import('node:path');
	let existing = dir;
	for (;;) {
		try {
			const stats = await stat(existing);
			if (!stats.isDirectory()) return {ok: false, problem: `${existing} is not a directory`};
			break;
		} catch {
			const parent = path.dirname(existing);
			if (parent === existing) return {ok: false, problem: `no part of ${dir} exists`};
			existing = parent;
		}
	}

	try {
		await access(existing, constants.W_OK);
	} catch {
		return {ok: false, problem: `${existing} is not writable`};
	}

	if (existing === dir) {
		const probe = path.join(dir, `.nats-dr-write-test-${process.pid}`);
		try {
			await mkdir(probe);
			const {rm} = await import('node:fs/promises');
			await rm(probe, {recursive: true});
		} catch (error) {
			return {ok: false, problem: `cannot write in ${dir}: ${(error as Error).message}`};
		}
	}

	try {
		const fs = await statfs(existing);
		const freeBytes = fs.bavail * fs.bsize;
		if (freeBytes < neededBytes)
			return {
				ok: false,
				problem: `only ${freeBytes} bytes free on the file system of ${existing}, the streams hold ${neededBytes}`,
			};
		return {ok: true, freeBytes};
	} catch {
		return {ok: true, freeBytes: undefined};
	}
}

/** Directory names that complete a partly typed path, for the path inputs. */
export async function completePath(partial: string): Promise<string[]> {
	const {readdir} = await import('node:fs/promises');
	const path = await import('node:path');
	const dir = partial.endsWith('/') ? partial : path.dirname(partial);
	const prefix = partial.endsWith('/') ? '' : path.basename(partial);
	try {
		const entries = await readdir(dir || '.', {withFileTypes: true});
		return entries
			.filter(entry => entry.isDirectory() && entry.name.startsWith(prefix) && !entry.name.startsWith('.'))
			.map(entry => `${path.join(dir, entry.name)}/`)
			.sort();
	} catch {
		return [];
	}
}
