/**
 * Findings drawn as a list: a level badge, the text wrapped under itself, and the hint indented
 * beneath it. Long lists scroll in a viewport around the cursor and say what is above and below.
 */
import {Box} from 'ink';
import {textRows} from '../input/rows.js';
import {rowViewport} from '../input/viewport.js';
import {levelWord, type FindingRow} from '../state/findings.js';
import {useTheme} from '../theme-context.js';
import {Styled} from './styled.js';
import {Text} from './text.js';

const badgeWidth = 9;
const pointerWidth = 2;

/** Rows a finding takes at `width` columns, its hint included. */
export function findingRows(row: FindingRow, width: number, pointer = false): number {
	const textWidth = Math.max(1, width - badgeWidth - (pointer ? pointerWidth : 0));
	return textRows(row.text, textWidth) + (row.hint ? textRows(`try: ${row.hint}`, textWidth) : 0);
}

export function FindingLine({
	row,
	withHint = true,
	pointer,
}: {
	readonly row: FindingRow;
	readonly withHint?: boolean;
	/** In a list: whether this row is the selected one. */
	readonly pointer?: boolean | undefined;
}) {
	const {glyphs, color} = useTheme();
	const badge =
		row.level === 'ok' ? (
			<Styled tone="ok">
				{glyphs.ok} {levelWord.ok}
			</Styled>
		) : row.level === 'warning' ? (
			<Styled tone="warn">
				{glyphs.warn} {levelWord.warning}
			</Styled>
		) : row.level === 'refusal' ? (
			<Styled tone="bad">
				{glyphs.fail} {levelWord.refusal}
			</Styled>
		) : (
			<Text>- {levelWord.step}</Text>
		);
	const highlight = color && pointer ? 'cyan' : undefined;
	return (
		<Box>
			{pointer !== undefined && (
				<Box width={pointerWidth} flexShrink={0}>
					<Text color={highlight}>{pointer ? glyphs.pointer : ' '}</Text>
				</Box>
			)}
			<Box width={badgeWidth} flexShrink={0}>
				{badge}
			</Box>
			<Box flexDirection="column" flexGrow={1}>
				<Text wrap="wrap" bold={pointer} color={highlight}>
					{row.text}
				</Text>
				{withHint && row.hint && <Text wrap="wrap">try: {row.hint}</Text>}
			</Box>
		</Box>
	);
}

export function FindingList({
	rows,
	cursor,
	height,
	width,
	active = true,
}: {
	readonly rows: FindingRow[];
	readonly cursor: number;
	/** Rows available, markers included. */
	readonly height: number;
	readonly width: number;
	/** False while the filter has the keys: no row is highlighted. */
	readonly active?: boolean;
}) {
	const view = rowViewport(
		rows.map(row => findingRows(row, width, true)),
		cursor,
		height,
	);
	return (
		<Box flexDirection="column">
			{view.above > 0 && <Text dimColor>{`  ↑ ${view.above} more above`}</Text>}
			{rows.slice(view.start, view.end).map((row, offset) => (
				<FindingLine
					key={`${view.start + offset}-${row.text}`}
					row={row}
					pointer={active && view.start + offset === cursor}
				/>
			))}
			{view.below > 0 && <Text dimColor>{`  ↓ ${view.below} more below`}</Text>}
		</Box>
	);
}
