/** A line led by a glyph or a label, whose wrapped continuation lines stay indented under its text. */
import {Box} from 'ink';
import type {ReactNode} from 'react';
import type {semantic} from '../theme.js';
import {Styled} from './styled.js';

export function Bullet({
	lead,
	tone,
	children,
}: {
	readonly lead: string;
	readonly tone?: keyof typeof semantic;
	readonly children: ReactNode;
}) {
	return (
		<Box>
			<Box width={[...lead].length + 1} flexShrink={0}>
				<Styled tone={tone}>{lead}</Styled>
			</Box>
			<Styled tone={tone} wrap="wrap">
				{children}
			</Styled>
		</Box>
	);
}
