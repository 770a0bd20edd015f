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
