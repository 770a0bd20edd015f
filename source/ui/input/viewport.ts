/** Which rows of a long list are drawn: the cursor stays in view, and what is cut off is counted. */
type Viewport = {start: number; end: number; above: number; below: number};

export function viewport(count: number, cursor: number, height: number): Viewport {
	const rows = Math.max(1, height);
	if (count <= rows) return {start: 0, end: count, above: 0, below: 0};
	// One row each for the "more above/below" markers, so the list with them still fits.
	const inner = Math.max(1, rows - 2);
	const start = Math.min(Math.max(0, cursor - Math.floor(inner / 2)), count - inner);
	const end = start + inner;
	return {start, end, above: start, below: count - end};
}

export function moveCursor(cursor: number, count: number, press: {name: string}, page: number): number {
	if (count === 0) return 0;
	const step = Math.max(1, page);
	switch (press.name) {
		case 'up': {
			return Math.max(0, cursor - 1);
		}

		case 'down': {
			return Math.min(count - 1, cursor + 1);
		}

		case 'pageup': {
			return Math.max(0, cursor - step);
		}

		case 'pagedown': {
			return Math.min(count - 1, cursor + step);
		}

		case 'home': {
			return 0;
		}

		case 'end': {
			return count - 1;
		}

		default: {
			return Math.min(cursor, count - 1);
		}
	}
}

/**
 * The viewport of a list whose items take several rows each (wrapped findings): the cursor's item
 * stays whole in view, with up to half the room above it so moving keeps context on both sides.
 */
export function rowViewport(rows: number[], cursor: number, height: number): Viewport {
	const count = rows.length;
	const total = rows.reduce((sum, itemRows) => sum + itemRows, 0);
	if (total <= Math.max(1, height)) return {start: 0, end: count, above: 0, below: 0};
	const room = Math.max(1, height - 2);
	const at = Math.min(Math.max(0, cursor), count - 1);
	let start = at;
	let end = at + 1;
	let used = rows[at]!;
	const above = Math.min(room, rows[at]! + Math.floor(room / 2));
	while (start > 0 && used + rows[start - 1]! <= above) used += rows[--start]!;
	while (end < count && used + rows[end]! <= room) used += rows[end++]!;
	while (start > 0 && used + rows[start - 1]! <= room) used += rows[--start]!;
	return {start, end, above: start, below: count - end};
}
