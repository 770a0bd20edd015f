/** Every stream with its verdict, most urgent first; `/` filters by name. */
import {Box} from 'ink';
import {Text} from '../components/text.js';
import TextInput from 'ink-text-input';
import {verdictOrder, verdictTitles, type StreamVerdict} from '../../recovery/stream-verdict.js';
import {Menu} from '../components/menu.js';

function sortedVerdicts(verdicts: StreamVerdict[], filter: string): StreamVerdict[] {
	const needle = filter.toLowerCase();
	return verdicts
		.filter(verdict => verdict.stream.toLowerCase().includes(needle))
		.sort((a, b) => verdictOrder.indexOf(a.kind) - verdictOrder.indexOf(b.kind) || a.stream.localeCompare(b.stream));
}

export function StreamsScreen({
	verdicts,
	filter,
	filtering,
	limit,
	onFilter,
	onPick,
}: {
	readonly verdicts: StreamVerdict[];
	readonly filter: string;
	readonly filtering: boolean;
	readonly limit: number;
	readonly onFilter: (filter: string, filtering: boolean) => void;
	readonly onPick: (stream: string) => void;
}) {
	const shown = sortedVerdicts(verdicts, filter);
	return (
		<Box flexDirection="column">
			<Text bold>
				Streams ({shown.length} of {verdicts.length}){filter && !filtering ? ` matching "${filter}"` : ''}
			</Text>
			{filtering && (
				<Box>
					<Text>/</Text>
					<TextInput value={filter} onChange={next => onFilter(next, true)} onSubmit={value => onFilter(value, false)} />
				</Box>
			)}
			{shown.length === 0 ? (
				<Text>No stream matches.</Text>
			) : (
				<Menu
					key={filter}
					isFocused={!filtering}
					limit={limit}
					items={shown.map(verdict => ({label: `${verdict.stream} — ${verdictTitles[verdict.kind]}`, value: verdict.stream}))}
					onSelect={onPick}
				/>
			)}
		</Box>
	);
}
