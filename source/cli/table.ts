import {oneLine} from '../core/terminal-text.js';

/** A plain text table: columns padded to their widest cell, two spaces apart; a cell cannot break its row. */
export function table(headers: string[], cells: string[][]): string[] {
	const rows = cells.map(row => row.map(cell => oneLine(cell)));
	const widths = headers.map((header, i) => Math.max(header.length, ...rows.map(row => (row[i] ?? '').length)));
	const format = (cells: string[]) =>
		cells
			.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
			.join('  ')
			.trimEnd();
	return [format(headers), ...rows.map(row => format(row))];
}
