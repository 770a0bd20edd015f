/** Findings read one by one: most severe first, scrolled in a viewport, `/` filters them. */
import {Box} from 'ink';
import {FindingList} from '../components/finding-list.js';
import {Text} from '../components/text.js';
import {textRows} from '../input/rows.js';
import type {FindingRow} from '../state/findings.js';
import type {Ui} from '../state/screen.js';
import {FilterLine} from '../components/filtered-list.js';

export function FindingsScreen({
	title,
	rows,
	total,
	ui,
	height,
	width,
}: {
	readonly title: string;
	readonly rows: FindingRow[];
	readonly total: number;
	readonly ui: Ui;
	readonly height: number;
	readonly width: number;
}) {
	const heading = `${title} (${rows.length === total ? total : `${rows.length} of ${total}`}; Enter goes back)`;
	const filterRows = ui.filtering || ui.filter.value !== '' ? 1 : 0;
	return (
		<Box flexDirection="column">
			<Text bold wrap="wrap">
				{heading}
			</Text>
			<FilterLine ui={ui} />
			{rows.length === 0 ? (
				<Text>No finding matches.</Text>
			) : (
				<FindingList
					rows={rows}
					cursor={ui.cursor}
					height={height - textRows(heading, width) - filterRows}
					width={width}
					active={!ui.filtering}
				/>
			)}
		</Box>
	);
}
