/** A path field with Tab completion from the services (the component itself never reads the disk). */
import {Box, useInput} from 'ink';
import {Text} from './text.js';
import TextInput from 'ink-text-input';
import {useState} from 'react';
import {useTheme} from '../theme-context.js';

export function PathInput({
	value,
	onChange,
	onSubmit,
	complete,
}: {
	readonly value: string;
	readonly onChange: (value: string) => void;
	readonly onSubmit: (value: string) => void;
	readonly complete: (partial: string) => Promise<string[]>;
}) {
	const {glyphs} = useTheme();
	const [choices, setChoices] = useState<string[]>([]);
	useInput((_input, key) => {
		if (!key.tab) return;
		void complete(value).then(found => {
			if (found.length === 1) onChange(found[0]!);
			else if (found.length > 1) onChange(commonPrefix(found));
			setChoices(found.length > 1 ? found : []);
		});
	});
	return (
		<Box flexDirection="column">
			<Box>
				<Text>{glyphs.pointer} </Text>
				<TextInput value={value} onChange={onChange} onSubmit={onSubmit} />
			</Box>
			{choices.length > 0 && <Text dimColor wrap="truncate-end">{choices.slice(0, 8).join('  ')}</Text>}
		</Box>
	);
}

function commonPrefix(values: string[]): string {
	let prefix = values[0] ?? '';
	for (const value of values) while (!value.startsWith(prefix)) prefix = prefix.slice(0, -1);
	return prefix;
}
