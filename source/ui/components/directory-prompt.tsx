/** The directory field of backup and restore: the question, the path typed with Tab completion, its check. */
import {Box} from 'ink';
import {Text} from './text.js';
import {Spinner} from './spinner.js';
import {Styled} from './styled.js';
import {TextField} from './text-field.js';
import type {Ui} from '../state/screen.js';
import {useTheme} from '../theme-context.js';

/** What both directory screens hold: the field, the completions for it, and what is wrong with the directory. */
export type DirectoryField = {
	readonly ui: Ui;
	readonly problem: string | undefined;
	readonly choices: string[];
};

export function DirectoryPrompt({
	title,
	explanation,
	field,
	busy,
}: {
	readonly title: string;
	readonly explanation: string;
	readonly field: DirectoryField;
	/** Set while the directory is being checked: what is being done. */
	readonly busy: string | undefined;
}) {
	const {glyphs} = useTheme();
	const {ui, problem, choices} = field;
	return (
		<Box flexDirection="column">
			<Text bold wrap="wrap">
				{title}
			</Text>
			<Text wrap="wrap">{explanation}</Text>
			<TextField buffer={ui.text} error={ui.error} />
			{choices.length > 0 && (
				<Text dimColor wrap="truncate-end">
					{choices.slice(0, 8).join('  ')}
				</Text>
			)}
			{busy && <Spinner elapsed label={busy} />}
			{problem && (
				<Styled tone="bad" wrap="wrap">
					{glyphs.fail} {problem}
				</Styled>
			)}
		</Box>
	);
}
