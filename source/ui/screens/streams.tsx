/** Every stream with its verdict, most urgent first; `/` filters by name. */
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {FilteredList} from '../components/filtered-list.js';
import type {Item} from '../state/menus.js';
import type {Ui} from '../state/screen.js';

export function ServersScreen({items, ui, height}: {readonly items: Item[]; readonly ui: Ui; readonly height: number}) {
	return (
		<Box flexDirection="column">
			<Text bold wrap="truncate-end">
				Servers ({items.length}
				{ui.filter.value && !ui.filtering ? ` matching "${ui.filter.value}"` : ''}; not answering first; Enter on a dead
				one plans its recovery)
			</Text>
			<FilteredList items={items} ui={ui} height={height - 1} noun="server" />
		</Box>
	);
}

export function StreamsScreen({
	items,
	total,
	ui,
	height,
}: {
	readonly items: Item[];
	readonly total: number;
	readonly ui: Ui;
	readonly height: number;
}) {
	return (
		<Box flexDirection="column">
			<Text bold>
				Streams ({items.length} of {total}){ui.filter.value && !ui.filtering ? ` matching "${ui.filter.value}"` : ''}
			</Text>
			<FilteredList items={items} ui={ui} height={height - 1} noun="stream" />
		</Box>
	);
}
