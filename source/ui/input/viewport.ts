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
