/**
 * DR readiness: per stream, where its replicas live, its copies in other regions with their lag, its
 * newest backup and the resulting RPO, then the account and what losing each region would cost —
 * the sentences `nats-dr readiness` prints, scrolled in a viewport. Enter on a lost stream with a
 * mirror opens its failover.
 */
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {Styled} from '../components/styled.js';
import {StepStatus} from '../components/step-status.js';
import {WrappedList} from '../components/wrapped-list.js';
import type {MenuScreenProps} from './menu-screen-props.js';

export function ReadinessScreen({screen, items, height, width}: MenuScreenProps<'readiness'>) {
	const {report, problem} = screen;
	const flagged = report?.readiness.streams.filter(
		stream => stream.verdict === 'unprotected' || stream.verdict === 'rpo-exceeded',
	);
	return (
		<Box flexDirection="column">
			<Text bold wrap="truncate-end">
				DR readiness: what losing a region would cost
			</Text>
			<StepStatus
				doing={report ? undefined : 'reading the clusters, streams, mirrors and backups…'}
				failure={problem ? `Readiness failed: ${problem}` : undefined}
			/>
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
