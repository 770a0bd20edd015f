/**
 * DR readiness: per stream, where its replicas live, its copies in other regions with their lag, its
 * newest backup and the resulting RPO, then the account and what losing each region would cost —
 * the sentences `nats-dr readiness` prints, scrolled in a viewport. Enter on a lost stream with a
 * mirror opens its failover.
 */
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {Spinner} from '../components/spinner.js';
import {Styled} from '../components/styled.js';
import {WrappedList} from '../components/wrapped-list.js';
import type {Item} from '../state/menus.js';
import type {ScreenOf} from '../state/screen.js';

export function ReadinessScreen({
	screen,
	items,
	height,
	width,
}: {
	readonly screen: ScreenOf<'readiness'>;
	readonly items: Item[];
	readonly height: number;
	readonly width: number;
}) {
	const {report, problem} = screen;
	const flagged = report?.readiness.streams.filter(
		stream => stream.verdict === 'unprotected' || stream.verdict === 'rpo-exceeded',
	);
	return (
		<Box flexDirection="column">
			<Text bold wrap="truncate-end">
				DR readiness: what losing a region would cost
			</Text>
			{!report && !problem && <Spinner elapsed label="reading the clusters, streams, mirrors and backups…" />}
			{problem && (
				<Styled tone="bad" wrap="wrap">
					Readiness failed: {problem}
				</Styled>
			)}
			{flagged && (
				<Styled tone={flagged.length > 0 ? 'warn' : 'ok'} wrap="truncate-end">
					{flagged.length > 0
						? `Flagged: ${flagged.map(stream => stream.stream).join(', ')}`
						: 'Every stream has a copy outside its region or a backup'}
				</Styled>
			)}
			<WrappedList items={items} cursor={screen.ui.cursor} height={Math.max(4, height - 2)} width={width} />
		</Box>
	);
}
