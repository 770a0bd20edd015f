import type {BackupProgress, BackupStart} from '../../core/backup/backup-stream.js';
import type {BackupLine} from './machine.js';

/** What the backup screen's live leaf draws; written by the transfer effects through a progress store. */
export type BackupLive = {
	start: BackupStart | undefined;
	progress: BackupProgress | undefined;
	index: number;
	total: number;
	doneBytes: number;
	totalBytes: number;
	/** Streams finished so far in this run. */
	results: BackupLine[];
};
