/**
 * What a progress bar, its rate and its ETA are drawn from, for every transfer: the backup's transfer
 * and verification, the restore's upload. Both faces draw only these, so a backup and a restore show
 * the same figures the same way, on the wizard's bars and on the plain commands' live line.
 */
import type {BackupProgress} from './backup/backup-stream.js';
import type {RestoreProgress} from './restore/restore.js';

export type TransferFigures = {
	/** 0-1. */
	fraction: number;
	doneBytes: number;
	totalBytes: number;
	/** 0 when there is no rate to show. */
	bytesPerSecond: number;
	etaMs: number | undefined;
};

/** While verifying, the bar counts archive bytes checked; the transfer's rate no longer applies. */
export function backupFigures(progress: BackupProgress): TransferFigures {
	if (progress.phase === 'verify') {
		return {
			fraction: progress.verifiedBytes / Math.max(1, progress.compressedBytes),
			doneBytes: progress.verifiedBytes,
			totalBytes: progress.compressedBytes,
			bytesPerSecond: 0,
			etaMs: undefined,
		};
	}

	return {
		fraction: progress.fraction,
		doneBytes: progress.uncompressedBytes,
		totalBytes: progress.totalBytes,
		bytesPerSecond: progress.bytesPerSecond,
		etaMs: progress.etaMs,
	};
}

export function uploadFigures(event: Extract<RestoreProgress, {phase: 'upload'}>): TransferFigures {
	return {
		fraction: event.sentBytes / Math.max(1, event.totalBytes),
		doneBytes: event.sentBytes,
		totalBytes: event.totalBytes,
		bytesPerSecond: event.bytesPerSecond,
		etaMs: event.etaMs,
	};
}
