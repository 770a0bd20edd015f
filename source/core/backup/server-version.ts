/** What the connected server's version means for a backup (protocol doc §3.7). */

function parseServerVersion(version: string | undefined): {major: number; minor: number} | undefined {
	const match = /^v?(\d+)\.(\d+)/.exec(version ?? '');
	return match ? {major: Number(match[1]), minor: Number(match[2])} : undefined;
}

/**
 * Until 2.14, a stream being snapshotted refuses every removal: limits, max age and acked
 * work-queue messages all stop evicting, so the stream can outgrow its limits while a backup runs.
 */
export function snapshotPausesEviction(version: string | undefined): boolean {
	const parsed = parseServerVersion(version);
	if (!parsed) return false;
	return parsed.major < 2 || (parsed.major === 2 && parsed.minor <= 12);
}

/** From 2.15 the server snapshots memory-storage streams too (in the NATSARC1 format); before, it answered "no impl". */
export function snapshotsMemoryStreams(version: string | undefined): boolean {
	const parsed = parseServerVersion(version);
	return parsed !== undefined && (parsed.major > 2 || (parsed.major === 2 && parsed.minor >= 15));
}
