/** A long list under its filter line: `/` narrows it, and a filter that matches nothing says so. */
import {Text} from './text.js';
import {ListView, type ListRow} from './list-view.js';
import {TextField} from './text-field.js';
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

export function FilteredList({
	items,
	ui,
	height,
	noun,
	mark,
}: {
	readonly items: ListRow[];
	readonly ui: Ui;
	/** Rows for the filter line and the list; the filter line's row is kept even while it is hidden. */
	readonly height: number;
	/** What one item is, for "No … matches." */
	readonly noun: string;
	readonly mark?: (key: string) => string;
}) {
	return (
		<>
			<FilterLine ui={ui} />
			{items.length === 0 ? (
				<Text>{`No ${noun} matches.`}</Text>
			) : (
				<ListView items={items} cursor={ui.cursor} height={height - 1} active={!ui.filtering} mark={mark} />
			)}
		</>
	);
}
