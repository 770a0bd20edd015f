/**
 * How many terminal rows a text takes when wrapped at `width` the way Ink wraps it (at spaces, long
 * words broken), to fit a screen before drawing it.
 */
export function textRows(text: string, width: number): number {
	const columns = Math.max(1, width);
	let rows = 0;
	for (const line of text.split('\n')) {
		let used = 0;
		rows++;
		for (const word of line.split(' ')) {
			const length = [...word].length;
			const needed = used === 0 ? length : used + 1 + length;
			if (needed <= columns) {
				used = needed;
				continue;
			}

			rows += used === 0 ? 0 : 1;
			rows += Math.floor(Math.max(0, length - 1) / columns);
			used = length % columns || Math.min(length, columns);
		}
	}

	return rows;
}
