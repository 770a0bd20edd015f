/**
 * The backup's log lines. Start and end are natscli's own strings (protocol doc §7.4), so logs and
 * runbooks written for `nats stream backup` still match; the periodic line is ours, for --no-progress.
 */
import type {AccountProgress} from '../../core/backup/backup-account.js';
import type {BackupProgress} from '../../core/backup/backup-stream.js';
import {formatBytes, formatCount, formatEta, formatRate} from '../../core/format.js';

export function startLine(stream: string, bytes: number): string {
	return `Starting backup of Stream "${stream}" with ${formatBytes(bytes)}`;
}

export const healthCheckLine = 'Health Check was requested, this can take a long time without progress reports';

/** natscli's final line, trailing space included. */
export function receivedLine(
	stream: string,
	{
		compressedBytes,
		uncompressedBytes,
		chunks,
		ms,
	}: {compressedBytes: number; uncompressedBytes: number; chunks: number; ms: number},
): string {
	return `Received ${formatBytes(compressedBytes)} compressed data in ${formatCount(chunks)} chunks for stream "${stream}" in ${goDuration(ms)}, ${formatBytes(uncompressedBytes)} uncompressed `;
}

export function periodicLine(progress: BackupProgress): string {
	const percent = progress.expectedBytes > 0 ? ` (${Math.floor(progress.fraction * 100)}%)` : '';
	const eta = progress.etaMs === undefined ? '' : `, about ${formatEta(progress.etaMs)} left`;
	return `Backing up stream "${progress.stream}": ${formatBytes(progress.uncompressedBytes)} of ${formatBytes(progress.totalBytes)}${percent}, ${formatRate(progress.bytesPerSecond)}${eta}`;
}

/** For --all in logs: the account's progress, with the streams in flight. */
export function accountLine(progress: AccountProgress): string {
	const eta = progress.etaMs === undefined ? '' : `, about ${formatEta(progress.etaMs)} left`;
	const failed = progress.failed > 0 ? `, ${progress.failed} failed` : '';
	const inFlight = progress.inFlight.length > 0 ? `; in flight: ${inFlightNames(progress.inFlight)}` : '';
	return `Backed up ${progress.done} of ${progress.streams} streams${failed}, ${formatBytes(progress.bytes)} of about ${formatBytes(progress.expectedBytes)}, ${formatRate(progress.bytesPerSecond)}${eta}${inFlight}`;
}

/** Dozens of small streams can be in flight at once: the oldest few name them. */
const namedInFlight = 4;

function inFlightNames(streams: string[]): string {
	const named = streams.slice(0, namedInFlight).join(', ');
	return streams.length > namedInFlight ? `${named} and ${streams.length - namedInFlight} more` : named;
}

/** Go's time.Duration String() of a duration rounded to milliseconds, as natscli prints it. */
export function goDuration(ms: number): string {
	const total = Math.round(ms);
	if (total === 0) return '0s';
	if (total < 1000) return `${total}ms`;
	const hours = Math.floor(total / 3_600_000);
	const minutes = Math.floor((total % 3_600_000) / 60_000);
	const seconds = ((total % 60_000) / 1000).toFixed(3).replace(/\.?0+$/, '');
	return `${hours > 0 ? `${hours}h` : ''}${hours > 0 || minutes > 0 ? `${minutes}m` : ''}${seconds}s`;
}

/** Lines for logs: one every `intervalMs`, or whenever another tenth of the stream is done. */
export class PeriodicReporter {
	readonly #intervalMs: number;
	#lastAt: number;
	#lastTenth = 0;

	constructor(now: number, intervalMs = 5000) {
		this.#intervalMs = intervalMs;
		this.#lastAt = now;
	}

	due(fraction: number, now: number): boolean {
		const tenth = Math.floor(fraction * 10);
		if (tenth <= this.#lastTenth && now - this.#lastAt < this.#intervalMs) return false;
		this.#lastTenth = Math.max(tenth, this.#lastTenth);
		this.#lastAt = now;
		return true;
	}
}
