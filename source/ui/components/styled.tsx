/** Text that is coloured only when colour is on; the words carry the meaning either way. */
import type {TextProps} from 'ink';
import {Text} from './text.js';
import type {ReactNode} from 'react';
import {semantic} from '../theme.js';
import {useTheme} from '../theme-context.js';

export function Styled({
	tone,
	children,
	...rest
}: {readonly tone?: keyof typeof semantic; readonly children: ReactNode} & Omit<TextProps, 'color'>) {
	const {color} = useTheme();
	return (
		<Text
			color={color && tone ? semantic[tone] : undefined}
			dimColor={!color && tone === 'muted' ? false : rest.dimColor}
			{...rest}
		>
			{children}
		</Text>
	);
}
