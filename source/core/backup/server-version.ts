/** What the connected server's version means for a backup (protocol doc §3.7). */

function parseServerVersion(version: string | undefined): {major: number; minor: number; patch: number} | undefined {
	const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(version ?? '');
	return match ? {major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0)} : undefined;
}

/**
 * From 2.10.12 a server waits for acks once its snapshot window is full (protocol doc §3.4); before,
 * it sends a chunk every 10 ms anyway, so a client or link slower than chunk size × 100/s makes the
 * server's buffer for the connection grow until it cuts the client off as a slow consumer.
 */
export function snapshotWaitsForAcks(version: string | undefined): boolean {
	const parsed = parseServerVersion(version);
	if (!parsed) return false;
	const {major, minor, patch} = parsed;
	return major > 2 || (major === 2 && (minor > 10 || (minor === 10 && patch >= 12)));
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
