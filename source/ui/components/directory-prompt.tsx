/** A question answered with a directory: the path field, a spinner while it is checked, and the problem found. */
import {Box} from 'ink';
import {Text} from './text.js';
import {PathInput} from './path-input.js';
import {Spinner} from './spinner.js';
import {Styled} from './styled.js';
import {useTheme} from '../theme-context.js';

export type DirectoryPromptProps = {
	readonly dir: string;
	/** Set while the directory is being checked: what is being done. */
	readonly busy: string | undefined;
	readonly problem: string | undefined;
	readonly onChange: (dir: string) => void;
	readonly onSubmit: (dir: string) => void;
	readonly complete: (partial: string) => Promise<string[]>;
};

export function DirectoryPrompt({title, explanation, dir, busy, problem, onChange, onSubmit, complete}: DirectoryPromptProps & {readonly title: string; readonly explanation: string}) {
	const {glyphs} = useTheme();
	return (
		<Box flexDirection="column">
			<Text bold>{title}</Text>
			<Text wrap="wrap">{explanation}</Text>
			<PathInput value={dir} onChange={onChange} onSubmit={onSubmit} complete={complete} />
			{busy && <Spinner label={busy} />}
			{problem && (
				<Styled tone="bad">
					{glyphs.fail} {problem}
				</Styled>
			)}
		</Box>
	);
}
