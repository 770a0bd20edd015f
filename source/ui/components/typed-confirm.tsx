/** The typed confirmation every destructive step asks for: the name to type, and the field it goes in. */
import {Box} from 'ink';
import {Text} from './text.js';
import {TextField} from './text-field.js';
import type {Ui} from '../state/screen.js';

export function TypedConfirm({
	noun,
	name,
	ui,
}: {
	/** What the name names: "stream", "server", "mirror". */
	readonly noun: string;
	readonly name: string;
	readonly ui: Ui;
}) {
	return (
		<Box marginTop={1} flexDirection="column">
			<Text wrap="wrap">
				{`Type the ${noun} name `}
				<Text bold>{name}</Text> to confirm, or press Esc to cancel:
			</Text>
			<TextField buffer={ui.text} error={ui.error} />
		</Box>
	);
}
