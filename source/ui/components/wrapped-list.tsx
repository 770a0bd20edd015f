/**
 * A list whose items are sentences: each label is word-wrapped to the width first, and the wrapped
 * rows go through the list viewport, so a long text scrolls with the cursor instead of pushing the
 * screen past the terminal's height. The pointer sits on the first row of the current item.
 */
import {wrapWords} from '../input/wrap-words.js';
import {ListView, type ListRow} from './list-view.js';

export function WrappedList({
	items,
	cursor,
	height,
	width,
}: {
	readonly items: ListRow[];
	readonly cursor: number;
	readonly height: number;
	readonly width: number;
}) {
	// Two columns go to the pointer; continuation rows hang under their item's text.
	const rows = items.flatMap(item =>
		wrapWords(item.label, Math.max(10, width - 2), 2).map((label, index) => ({
			key: `${item.key}\u0000${index}`,
			label,
		})),
	);
	const current = items[cursor];
	const at = current ? rows.findIndex(row => row.key === `${current.key}\u00000`) : 0;
	return <ListView items={rows} cursor={Math.max(0, at)} height={height} />;
}
