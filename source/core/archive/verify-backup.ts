/**
 * Verifies one backup directory: `backup.json`, the archive, and that the two describe the same
 * stream. One read of the archive serves the S2/tar checks and the checksum against `nats-dr.json`
 * (XXH3-64, or SHA-256 in backups from before it).
 */

import {stat} from 'node:fs/promises';
import {archivePathIn, BackupDirError, type BackupDirInfo, type BackupState, readBackupDir} from './backup-dir.js';
import {type ArchiveReport, verifyArchive, type VerifyArchiveOptions} from './verify-archive.js';

export type BackupVerification = {
	dir: string;
	/** From backup.json, else from the archive's meta.inf; absent when neither could be read. */
	streamName?: string;
	ok: boolean;
	problems: string[];
	warnings: string[];
	/** Absent when there was no archive to verify. */
	archive?: ArchiveReport;
	/** The state the server reported when the backup started; absent when backup.json is unusable. */
	backup?: BackupState;
};

export async function verifyBackupDir(
	dir: string,
	options: Omit<VerifyArchiveOptions, 'sha256' | 'xxh3'> = {},
): Promise<BackupVerification> {
	const problems: string[] = [];
	const warnings: string[] = [];
	let info: BackupDirInfo | undefined;
	try {
		info = await readBackupDir(dir);
	} catch (error) {
		if (!(error instanceof BackupDirError)) throw error;
		problems.push(error.message);
		// A broken backup.json does not stop us from saying whether the archive beside it is sound.
		const archiveUsable =
			error.code !== 'not-found' &&
			error.code !== 'not-a-directory' &&
			error.code !== 'no-archive' &&
			error.code !== 'two-archives' &&
			(await isFile(await archivePathIn(dir)));
		if (!archiveUsable) return {dir, ok: false, problems, warnings};
	}

	const expected = recordedChecksum(info?.sidecar);
	const archive = await verifyArchive(info?.archivePath ?? (await archivePathIn(dir)), {
		...options,
		sha256: expected?.algorithm === 'sha256',
		xxh3: expected?.algorithm === 'xxh3',
	});
	problems.push(...archive.problems);
	warnings.push(...archive.warnings);
	if (info?.sidecarProblem) warnings.push(info.sidecarProblem);
	const result: BackupVerification = {dir, ok: false, problems, warnings, archive};
	const streamName = info?.streamName ?? archive.streamName;
	if (streamName !== undefined) result.streamName = streamName;
	if (info) {
		result.backup = info.state;
		const judged = archiveAgainstBackup(info, archive);
		problems.push(...judged.problems);
		warnings.push(...judged.warnings);
	}

	result.ok = problems.length === 0;
	return result;
}

/**
 * What an archive report means next to the backup.json and nats-dr.json beside it: the same stream,
 * the same file as written (its recorded checksum, when the archive was hashed), the consumers it holds.
 */
export function archiveAgainstBackup(
	info: BackupDirInfo,
	archive: ArchiveReport,
): {problems: string[]; warnings: string[]} {
	const problems: string[] = [];
	const warnings: string[] = [];
	const expected = recordedChecksum(info.sidecar);
	if (archive.streamName !== undefined && archive.streamName !== info.streamName) {
		problems.push(
			`the archive holds stream "${archive.streamName}" but backup.json describes "${info.streamName}": the two files come from different backups`,
		);
	}

	// Only a fully read tar says how many consumers the snapshot holds.
	const {consumer_count: consumerCount} = info.state;
	if (
		consumerCount !== undefined &&
		archive.format === 'tar' &&
		archive.ok &&
		consumerCount !== archive.consumers.length
	) {
		const held = archive.consumers.length === 0 ? 'none' : archive.consumers.join(', ');
		// Not a failure: the count is the stream's, while a snapshot holds only the file-backed consumers
		// hosted on the server that took it (natscli#631, nats-server#7829).
		warnings.push(
			`backup.json counts ${consumerCount} consumers but the archive holds ${archive.consumers.length} (${held}): consumers missing from the archive will not be restored`,
		);
	}

	const actual = expected && archive[expected.algorithm];
	if (expected && actual !== undefined && actual !== expected.hex) {
		const name = expected.algorithm === 'xxh3' ? 'XXH3-64' : 'SHA-256';
		problems.push(
			`the archive's ${name} differs from the one recorded in nats-dr.json when the backup was written: the file has changed since`,
		);
	}

	return {problems, warnings};
}

export type RecordedChecksum = {algorithm: 'xxh3' | 'sha256'; hex: string};

/** The archive's checksum as nats-dr.json recorded it; hash the archive only when there is one to compare with. */
export function recordedChecksum(sidecar: Record<string, unknown> | undefined): RecordedChecksum | undefined {
	const archive = sidecar?.['archive'];
	if (typeof archive !== 'object' || archive === null) return undefined;
	const {xxh3, sha256} = archive as {xxh3?: unknown; sha256?: unknown};
	if (typeof xxh3 === 'string') return {algorithm: 'xxh3', hex: xxh3.toLowerCase()};
	return typeof sha256 === 'string' ? {algorithm: 'sha256', hex: sha256.toLowerCase()} : undefined;
}

async function isFile(path: string): Promise<boolean> {
	try {
		return (await stat(path)).isFile();
	} catch {
		return false;
	}
}
