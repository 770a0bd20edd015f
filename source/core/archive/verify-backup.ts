/**
 * Verifies one backup directory: `backup.json`, the archive, and that the two describe the same
 * stream. One read of the archive serves the S2/tar checks and the SHA-256 against `nats-dr.json`.
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
	options: Omit<VerifyArchiveOptions, 'sha256'> = {},
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

	const expectedSha256 = recordedSha256(info?.sidecar);
	const archive = await verifyArchive(info?.archivePath ?? (await archivePathIn(dir)), {
		...options,
		sha256: expectedSha256 !== undefined,
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
 * the same file as written (SHA-256, when the archive was hashed), the consumers it holds.
 */
export function archiveAgainstBackup(
	info: BackupDirInfo,
	archive: ArchiveReport,
): {problems: string[]; warnings: string[]} {
	const problems: string[] = [];
	const warnings: string[] = [];
	const expectedSha256 = recordedSha256(info.sidecar);
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

	if (expectedSha256 !== undefined && archive.sha256 !== undefined && archive.sha256 !== expectedSha256) {
		problems.push(
			"the archive's SHA-256 differs from the one recorded in nats-dr.json when the backup was written: the file has changed since",
		);
	}

	return {problems, warnings};
}

/** The archive's SHA-256 as nats-dr.json recorded it; hash the archive only when there is one to compare with. */
export function recordedSha256(sidecar: Record<string, unknown> | undefined): string | undefined {
	const archive = sidecar?.['archive'];
	if (typeof archive !== 'object' || archive === null) return undefined;
	const {sha256} = archive as {sha256?: unknown};
	return typeof sha256 === 'string' ? sha256.toLowerCase() : undefined;
}

async function isFile(path: string): Promise<boolean> {
	try {
		return (await stat(path)).isFile();
	} catch {
		return false;
	}
}
