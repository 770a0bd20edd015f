/** The one-line key hint footer every screen shows. */
import {Text} from './text.js';
import {useTheme} from '../theme-context.js';

export function KeyHints({hints}: {readonly hints: Array<[key: string, action: string]>}) {
	const {color} = useTheme();
	return (
		<Text dimColor={color} wrap="wrap">
			{hints.map(([key, action]) => `${key} ${action}`).join(' · ')}
		</Text>
	);
}
