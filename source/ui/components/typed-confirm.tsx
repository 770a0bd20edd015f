/**
 * The dangerous-step confirmation: what will change, then "type NAME to confirm". Only the exact
 * name goes through; Esc cancels (handled by the root keymap).
 */
import {Box} from 'ink';
import {Text} from './text.js';
import TextInput from 'ink-text-input';
import {useState} from 'react';
import {Styled} from './styled.js';
import {useTheme} from '../theme-context.js';

export function TypedConfirm({name, what, onConfirm}: {readonly name: string; readonly what: string; readonly onConfirm: () => void}) {
	const {glyphs} = useTheme();
	const [value, setValue] = useState('');
	const [mismatch, setMismatch] = useState(false);
	return (
		<Box flexDirection="column">
			<Text>
				Type the {what} name <Text bold>{name}</Text> to confirm, or press Esc to cancel:
			</Text>
			<Box>
				<Text>{glyphs.pointer} </Text>
				<TextInput
					value={value}
					onChange={next => {
						setValue(next);
						setMismatch(false);
					}}
					onSubmit={submitted => {
						if (submitted.trim() === name) onConfirm();
						else setMismatch(true);
					}}
				/>
			</Box>
			{mismatch && <Styled tone="bad">{glyphs.fail} Value must be exactly {name}</Styled>}
		</Box>
	);
}
