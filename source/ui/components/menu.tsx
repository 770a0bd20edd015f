/** ink-select-input with the theme's pointer (ASCII-safe) and a selection shown by a glyph, not colour alone. */
import {Text} from './text.js';
import SelectInput from 'ink-select-input';
import {useTheme} from '../theme-context.js';

export type MenuItem<V> = {label: string; value: V; key?: string};

export function Menu<V>({
	items,
	onSelect,
	limit,
	isFocused = true,
}: {
	readonly items: Array<MenuItem<V>>;
	readonly onSelect: (value: V) => void;
	readonly limit?: number;
	readonly isFocused?: boolean;
}) {
	const {glyphs, color} = useTheme();
	return (
		<SelectInput
			items={items}
			isFocused={isFocused}
			limit={limit}
			indicatorComponent={({isSelected}) => <Text color={color && isSelected ? 'cyan' : undefined}>{isSelected ? `${glyphs.pointer} ` : '  '}</Text>}
			itemComponent={({isSelected, label}) => (
				<Text bold={isSelected} color={color && isSelected ? 'cyan' : undefined}>
					{label}
				</Text>
			)}
			onSelect={item => onSelect(item.value)}
		/>
	);
}
