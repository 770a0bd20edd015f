/** Every stream with its verdict, most urgent first; `/` filters by name. */
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {ListView} from '../components/list-view.js';
import {TextField} from '../components/text-field.js';
import type {Item} from '../state/menus.js';
import type {Ui} from '../state/screen.js';

/** The filter line of every filterable list: shown while typing, and while a filter is set. */
export function FilterLine({ui}: {readonly ui: Ui}) {
	if (!ui.filtering && ui.filter.value === '') return null;
	return ui.filtering ? (
		<TextField buffer={ui.filter} prefix="/" />
	) : (
		<Text dimColor>{`/${ui.filter.value}  (/ changes it, Esc in it clears it)`}</Text>
	);
}

export function ServersScreen({items, ui, height}: {readonly items: Item[]; readonly ui: Ui; readonly height: number}) {
	return (
		<Box flexDirection="column">
			<Text bold wrap="truncate-end">
				Servers ({items.length}
				{ui.filter.value && !ui.filtering ? ` matching "${ui.filter.value}"` : ''}; not answering first; Enter on a dead
				one plans its recovery)
			</Text>
			<FilterLine ui={ui} />
			{items.length === 0 ? (
				<Text>No server matches.</Text>
			) : (
				<ListView items={items} cursor={ui.cursor} height={height - 2} active={!ui.filtering} />
			)}
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
			<FilterLine ui={ui} />
			{items.length === 0 ? (
				<Text>No stream matches.</Text>
			) : (
				<ListView items={items} cursor={ui.cursor} height={height - 2} active={!ui.filtering} />
			)}
		</Box>
	);
}
