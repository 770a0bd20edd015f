/**
 * A list drawn through a viewport: only the rows that fit are rendered (10,000 items cost what 20
 * do), the cursor stays in view, and what is cut off is said above and below.
 */
import {Box} from 'ink';
import {Text} from './text.js';
import {viewport} from '../input/viewport.js';
import {useTheme} from '../theme-context.js';

export type ListRow = {key: string; label: string};

export function ListView({
	items,
	cursor,
	height,
	mark,
	wrap = false,
	active = true,
}: {
	readonly items: ListRow[];
	readonly cursor: number;
	/** Rows available, markers included. */
	readonly height: number;
	/** Drawn between the pointer and the label, e.g. a checkbox. */
	readonly mark?: (key: string) => string;
	/** Short menus wrap long labels under themselves; long lists keep one row per item. */
	readonly wrap?: boolean;
	/** False while the filter has the keys: no row is highlighted. */
	readonly active?: boolean;
}) {
	const {glyphs, color} = useTheme();
	const view = viewport(items.length, cursor, height);
	return (
		<Box flexDirection="column">
			{view.above > 0 && <Text dimColor>{`  ↑ ${view.above} more above`}</Text>}
			{items.slice(view.start, view.end).map((item, offset) => {
				const selected = active && view.start + offset === cursor;
				const label = `${mark ? mark(item.key) : ''}${item.label}`;
				return (
					<Box key={item.key}>
						<Box width={2} flexShrink={0}>
							<Text color={color && selected ? 'cyan' : undefined}>{selected ? glyphs.pointer : ' '}</Text>
						</Box>
						<Text bold={selected} color={color && selected ? 'cyan' : undefined} wrap={wrap ? 'wrap' : 'truncate-end'}>
							{label}
						</Text>
					</Box>
				);
			})}
			{view.below > 0 && <Text dimColor>{`  ↓ ${view.below} more below`}</Text>}
		</Box>
	);
}
