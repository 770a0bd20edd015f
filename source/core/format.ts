/** Sizes as natscli prints them (humanize.IBytes): 1024-based, one decimal under 10. */
export function formatBytes(bytes: number): string {
	const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}

	if (unit === 0) return `${bytes} B`;
	return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]!}`;
}

/** A transfer rate, as both faces and the log lines print it. */
export function formatRate(bytesPerSecond: number): string {
	return `${formatBytes(bytesPerSecond)}/s`;
}

/**
 * Time left in whole seconds, minutes and hours (an estimate does not deserve milliseconds), rounded
 * up so the last second never reads 0s; '--' while there is no estimate yet. Both faces draw it.
 */
export function formatEta(ms: number | undefined): string {
	if (ms === undefined || !Number.isFinite(ms)) return '--';
	const seconds = Math.ceil(ms / 1000);
	if (seconds < 60) return `${seconds}s`;
	if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
	return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * A count with thousands separators, as `toLocaleString('en-US')` writes it; '?' when the server did
 * not say. Whole numbers are grouped here: the first `toLocaleString` of a process loads ICU's locale
 * data, 12 ms that every backup and restore paid for one log line.
 */
export function formatCount(value: number | undefined): string {
	if (value === undefined) return '?';
	if (!Number.isSafeInteger(value)) return value.toLocaleString('en-US');
	const digits = String(Math.abs(value));
	const head = digits.length % 3 || 3;
	let grouped = digits.slice(0, head);
	for (let index = head; index < digits.length; index += 3) grouped += `,${digits.slice(index, index + 3)}`;
	return value < 0 ? `-${grouped}` : grouped;
}

/** A duration that took a while: hundredths under 10 s, whole seconds above. */
export function formatSeconds(ms: number): string {
	return ms < 10_000 ? `${(ms / 1000).toFixed(2)}s` : `${Math.round(ms / 1000)}s`;
}
