/** A one-line text field as the reducer holds it: the pointer, the text, the cursor, and what is wrong with it. */
import {Box} from 'ink';
import {Text} from './text.js';
import type {TextBuffer} from '../input/text-buffer.js';
import {Styled} from './styled.js';
import {useTheme} from '../theme-context.js';

export function TextField({
	buffer,
	error,
	prefix,
}: {
	readonly buffer: TextBuffer;
	readonly error?: string | undefined;
	readonly prefix?: string;
}) {
	const {glyphs} = useTheme();
	const {value, cursor} = buffer;
	return (
		<Box flexDirection="column">
			<Text wrap="wrap">
				{prefix ?? `${glyphs.pointer} `}
				{value.slice(0, cursor)}
				<Text inverse>{value[cursor] ?? ' '}</Text>
				{value.slice(cursor + 1)}
			</Text>
			{error && (
				<Styled tone="bad" wrap="wrap">
					{glyphs.fail} {error}
				</Styled>
			)}
		</Box>
	);
}
