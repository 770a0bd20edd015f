/** A checklist: ↑↓/k j move, space toggles, a selects all, n none, Enter continues. */
import {Box, useInput} from 'ink';
import {Text} from './text.js';
import {useState} from 'react';
import {useTheme} from '../theme-context.js';

export type CheckItem = {value: string; label: string};

export function MultiSelect({
	items,
	selected,
	limit,
	onChange,
	onSubmit,
}: {
	readonly items: CheckItem[];
	readonly selected: string[];
	readonly limit: number;
	readonly onChange: (selected: string[]) => void;
	readonly onSubmit: () => void;
}) {
	const {glyphs} = useTheme();
	const [cursor, setCursor] = useState(0);
	useInput((input, key) => {
		if (key.upArrow || input === 'k') setCursor(current => Math.max(0, current - 1));
		else if (key.downArrow || input === 'j') setCursor(current => Math.min(items.length - 1, current + 1));
		else if (input === ' ') {
			const value = items[cursor]?.value;
			if (value !== undefined) onChange(selected.includes(value) ? selected.filter(v => v !== value) : [...selected, value]);
		} else if (input === 'a') onChange(items.map(item => item.value));
		else if (input === 'n') onChange([]);
		else if (key.return) onSubmit();
	});
	const start = Math.min(Math.max(0, cursor - Math.floor(limit / 2)), Math.max(0, items.length - limit));
	return (
		<Box flexDirection="column">
			{items.slice(start, start + limit).map((item, i) => {
				const index = start + i;
				const checked = selected.includes(item.value);
				return (
					<Text key={item.value} bold={index === cursor} wrap="truncate-end">
						{index === cursor ? `${glyphs.pointer} ` : '  '}[{checked ? 'x' : ' '}] {item.label}
					</Text>
				);
			})}
			{items.length > limit && (
				<Text dimColor>
					{cursor + 1}/{items.length}
				</Text>
			)}
		</Box>
	);
}
