/** For streams that need a backup, the newest one found for them. Pure. */
import type {BackupSummary} from '../core/backup-catalog.js';
import type {StreamVerdict} from './stream-verdict.js';

export function newestBackups(verdicts: StreamVerdict[], backups: BackupSummary[]): Map<string, BackupSummary> {
	const needing = new Set(
		verdicts
			.filter(verdict => verdict.kind === 'r1-on-dead-node' || verdict.kind === 'no-quorum')
			.map(verdict => verdict.stream),
	);
	const newest = new Map<string, BackupSummary>();
	for (const backup of backups) {
		if (backup.problem || !needing.has(backup.stream) || backup.verified === false) continue;
		const known = newest.get(backup.stream);
		if (!known || backup.created > known.created) newest.set(backup.stream, backup);
	}

	return newest;
}
