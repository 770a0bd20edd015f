/**
 * Reads backup directories in the natscli layout (§6.1-6.3 of the protocol notes): `backup.json` plus
 * `stream.tar.s2`, optionally our own `nats-dr.json`, one directory per stream in an account backup.
 */

import type {Stats} from 'node:fs';
import {readdir, readFile, stat} from 'node:fs/promises';
import {join} from 'node:path';
import {DrError} from '../errors.js';
import {streamNameProblem} from '../stream-name.js';

export const backupJsonFile = 'backup.json';
export const archiveFile = 'stream.tar.s2';
/**
 * The name natscli (jsm.go v0.5) gives the archive of a 2.15+ server, which is NATSARC1 rather than a tar.
 * Readers take either; a directory holding both is ambiguous, as for jsm.go.
 */
export const natsarcArchiveFile = 'stream.arc.s2';

/** The archive's file name for its format, as natscli names it. */
export function archiveFileFor(format: string): string {
	return format === 'natsarc1' ? natsarcArchiveFile : archiveFile;
}
export const sidecarFile = 'nats-dr.json';

/** The numeric fields of `backup.json` "state" that checks use; the rest stays in `raw`. */
export type BackupState = {
	messages?: number;
	bytes?: number;
	first_seq?: number;
	last_seq?: number;
	consumer_count?: number;
	num_deleted?: number;
};

const stateNumbers = ['messages', 'bytes', 'first_seq', 'last_seq', 'consumer_count', 'num_deleted'] as const;

export type BackupDirInfo = {
	dir: string;
	/** `backup.json` exactly as read, so a restore can patch it without re-serialising (which rounds integers above 2^53). */
	rawText: string;
	/** Parsed `backup.json` with every field, known or not. */
	raw: Record<string, unknown>;
	streamName: string;
	config: Record<string, unknown>;
	state: BackupState;
	archivePath: string;
	archiveBytes: number;
	sidecar?: Record<string, unknown>;
	/** Why `nats-dr.json` exists but could not be used; the backup itself is still readable. */
	sidecarProblem?: string;
};

export type BackupDirErrorCode =
	| 'not-found'
	| 'not-a-directory'
	| 'no-backup-json'
	| 'empty-backup-json'
	| 'invalid-backup-json'
	| 'no-archive'
	| 'two-archives';

export class BackupDirError extends DrError {
	readonly code: BackupDirErrorCode;
	readonly dir: string;

	constructor(code: BackupDirErrorCode, dir: string, message: string, hint?: string) {
		super(message, {hint});
		this.name = 'BackupDirError';
		this.code = code;
		this.dir = dir;
	}
}

export async function readBackupDir(dir: string): Promise<BackupDirInfo> {
	await requireDirectory(dir);
	const {rawText, raw, config, streamName, state} = await readBackupJson(dir);
	const archivePath = await archivePathIn(dir);
	const archiveStats = await statOrUndefined(archivePath);
	if (!archiveStats?.isFile()) {
		throw new BackupDirError(
			'no-archive',
			dir,
			`${dir} has no ${archiveFile} (nor ${natsarcArchiveFile}): the backup is incomplete`,
			'take the backup again',
		);
	}

	const info: BackupDirInfo = {
		dir,
		rawText,
		raw,
		streamName,
		config,
		state,
		archivePath,
		archiveBytes: archiveStats.size,
	};
	Object.assign(info, await readSidecar(dir));
	return info;
}

/** The backup's archive: `stream.arc.s2` if present, else `stream.tar.s2` (which may not exist either). */
export async function archivePathIn(dir: string): Promise<string> {
	const natsarc = join(dir, natsarcArchiveFile);
	const tar = join(dir, archiveFile);
	const natsarcStats = await statOrUndefined(natsarc);
	if (!natsarcStats) return tar;
	if (await statOrUndefined(tar)) {
		throw new BackupDirError(
			'two-archives',
			dir,
			`${dir} holds both ${natsarcArchiveFile} and ${archiveFile}: it is not clear which is the backup`,
			'remove the one that does not belong to this backup.json',
		);
	}

	return natsarc;
}

async function readBackupJson(
	dir: string,
): Promise<Pick<BackupDirInfo, 'rawText' | 'raw' | 'config' | 'streamName' | 'state'>> {
	const path = join(dir, backupJsonFile);
	let rawText: string;
	try {
		rawText = await readFile(path, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
		throw new BackupDirError('no-backup-json', dir, `${dir} has no ${backupJsonFile}: not a backup directory`);
	}

	// natscli creates backup.json empty and fills it only after the last chunk arrived (§6.1).
	if (rawText.trim() === '') {
		throw new BackupDirError(
			'empty-backup-json',
			dir,
			`${backupJsonFile} in ${dir} is empty: the backup that wrote it did not finish`,
			'take the backup again',
		);
	}

	const invalid = (why: string): BackupDirError =>
		new BackupDirError('invalid-backup-json', dir, `${backupJsonFile} in ${dir} ${why}`);
	let parsed: unknown;
	try {
		parsed = JSON.parse(rawText);
	} catch (error) {
		throw invalid(`is not valid JSON (${(error as Error).message}): the file is damaged`);
	}

	if (!isObject(parsed)) throw invalid('is not a JSON object');
	const {config, state} = parsed;
	if (!isObject(config)) throw invalid('has no "config" object: it was not written by a stream backup');
	const {name} = config;
	if (typeof name !== 'string' || name === '') throw invalid('has no stream name in "config.name"');
	// The name goes into API subjects: "A.B" or "*" would address another stream, or none.
	const nameProblem = streamNameProblem(name);
	if (nameProblem) throw invalid(`names no valid stream in "config.name": ${nameProblem}`);
	if (!isObject(state)) throw invalid('has no "state" object: it was not written by a stream backup');
	const numbers: BackupState = {};
	for (const key of stateNumbers) {
		const value = state[key];
		if (typeof value === 'number') numbers[key] = value;
	}

	return {rawText, raw: parsed, config, streamName: name, state: numbers};
}

async function readSidecar(dir: string): Promise<Pick<BackupDirInfo, 'sidecar' | 'sidecarProblem'>> {
	let text: string;
	try {
		text = await readFile(join(dir, sidecarFile), 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
		return {sidecarProblem: `cannot read ${sidecarFile} in ${dir}: ${(error as Error).message}`};
	}

	try {
		const parsed: unknown = JSON.parse(text);
		return isObject(parsed) ? {sidecar: parsed} : {sidecarProblem: `${sidecarFile} in ${dir} is not a JSON object`};
	} catch (error) {
		return {sidecarProblem: `${sidecarFile} in ${dir} is not valid JSON (${(error as Error).message})`};
	}
}

export type NonBackupEntry = {
	name: string;
	path: string;
	reason: 'not-a-directory' | 'no-backup-json';
};

/** A stream backup directory, or an account backup: one backup per subdirectory. */
export type FoundBackups =
	{layout: 'stream'; dir: string} | {layout: 'account'; root: string; backups: string[]; others: NonBackupEntry[]};

/**
 * Decides what `root` holds. Entries of an account backup that are not backups are returned apart,
 * so the caller can name them instead of silently skipping them.
 */
export async function findBackups(root: string): Promise<FoundBackups> {
	await requireDirectory(root);
	if (await statOrUndefined(join(root, backupJsonFile))) return {layout: 'stream', dir: root};
	const names = (await readdir(root)).sort();
	const backups: string[] = [];
	const others: NonBackupEntry[] = [];
	for (const name of names) {
		const path = join(root, name);
		// Follows symbolic links, so a linked backup directory counts as one.
		if (!(await statOrUndefined(path))?.isDirectory()) {
			others.push({name, path, reason: 'not-a-directory'});
		} else if (await statOrUndefined(join(path, backupJsonFile))) {
			backups.push(path);
		} else {
			others.push({name, path, reason: 'no-backup-json'});
		}
	}

	if (backups.length === 0) {
		throw new BackupDirError(
			'no-backup-json',
			root,
			`${root} has no ${backupJsonFile} and no subdirectory with one: not a backup directory`,
		);
	}

	return {layout: 'account', root, backups, others};
}

async function requireDirectory(dir: string): Promise<void> {
	const stats = await statOrUndefined(dir);
	if (stats === undefined) throw new BackupDirError('not-found', dir, `${dir} does not exist`);
	if (!stats.isDirectory())
		throw new BackupDirError('not-a-directory', dir, `${dir} is not a directory: expected a backup directory`);
}

async function statOrUndefined(path: string): Promise<Stats | undefined> {
	try {
		return await stat(path);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
