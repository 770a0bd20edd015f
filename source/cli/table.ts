/** A plain text table: columns padded to their widest cell, two spaces apart. */
export function table(headers: string[], rows: string[][]): string[] {
	const widths = headers.map((header, i) => Math.max(header.length, ...rows.map(row => (row[i] ?? '').length)));
	const format = (cells: string[]) =>
		cells
			.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
			.join('  ')
			.trimEnd();
	return [format(headers), ...rows.map(row => format(row))];
}
