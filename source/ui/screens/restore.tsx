/**
 * Restoring: pick a backup directory, see the backups in it, read the pre-flight findings, change
 * replicas or placement, delete a broken stream first if that is what stands in the way, type the
 * stream name, then follow upload → server restoring → settling → the restored stream.
 */
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {formatBytes} from '../../core/format.js';
import type {PlanCheckEvent, StreamRestorePlan} from '../../core/restore/plan.js';
import type {RestoreProgress} from '../../core/restore/restore.js';
import type {PreflightFinding} from '../../core/restore/preflight.js';
import {FindingLine, findingRows} from '../components/finding-list.js';
import {planFindingRows, type FindingRow} from '../state/findings.js';
import {Bullet} from '../components/bullet.js';
import {ListView} from '../components/list-view.js';
import {textRows} from '../input/rows.js';
import {TextField} from '../components/text-field.js';
import {TypedConfirm} from '../components/typed-confirm.js';
import type {Item} from '../state/menus.js';
import type {OverrideField, ScreenOf, Ui} from '../state/screen.js';
import {DirectoryPrompt} from '../components/directory-prompt.js';
import {FilteredList} from '../components/filtered-list.js';
import {uploadFigures} from '../../core/transfer-figures.js';
import {ProgressBar} from '../components/progress-bar.js';
import {Spinner} from '../components/spinner.js';
import {Styled} from '../components/styled.js';
import {useThrottledStore} from '../hooks/use-throttled-store.js';
import type {ProgressStore} from '../progress-store.js';
import {useTheme} from '../theme-context.js';
import type {MenuScreenProps} from './menu-screen-props.js';

export function RestoreDirScreen({screen}: {readonly screen: ScreenOf<'restore-dir'>}) {
	return (
		<DirectoryPrompt
			field={screen}
			title="Restore: which directory holds the backups?"
			explanation="A stream backup (backup.json + stream.tar.s2) or a directory of them. Tab completes."
			busy={screen.loading ? 'reading backups…' : undefined}
		/>
	);
}

export function RestorePickScreen({screen, items, height}: MenuScreenProps<'restore-pick'>) {
	const {root, ui} = screen;
	const total = screen.backups.length;
	return (
		<Box flexDirection="column">
			<Text bold wrap="truncate-end">
				Backups in {root} ({items.length === total ? total : `${items.length} of ${total}`})
			</Text>
			<FilteredList items={items} ui={ui} height={height - 1} noun="backup" />
		</Box>
	);
}

/** The findings that fit in `height` rows, most severe first; a hint is dropped before its finding is. */
function fitFindings(
	rows: FindingRow[],
	height: number,
	width: number,
): {shown: Array<{row: FindingRow; withHint: boolean}>; folded: number} {
	const shown: Array<{row: FindingRow; withHint: boolean}> = [];
	// One row stays free for the line that counts what was left out.
	let room = height - 1;
	for (const row of rows) {
		const full = findingRows(row, width);
		const bare = findingRows({...row, hint: undefined}, width);
		if (full <= room) shown.push({row, withHint: true});
		else if (bare <= room && row.level !== 'ok') shown.push({row, withHint: false});
		else break;
		room -= shown.at(-1)!.withHint ? full : bare;
	}

	return {shown, folded: rows.length - shown.length};
}

function Findings({
	findings,
	height,
	width,
}: {
	readonly findings: PreflightFinding[];
	readonly height: number;
	readonly width: number;
}) {
	const {glyphs} = useTheme();
	const rows = planFindingRows(findings);
	const {shown, folded} = fitFindings(rows, height, width);
	const foldedProblems = rows.slice(shown.length).filter(row => row.level !== 'ok').length;
	return (
		<Box flexDirection="column">
			{shown.map(({row, withHint}) => (
				<FindingLine key={`${row.level}-${row.text}`} row={row} withHint={withHint} />
			))}
			{folded > 0 && (
				<Text wrap="truncate-end">
					{foldedProblems > 0
						? `${glyphs.warn} ${folded} more finding${folded > 1 ? 's' : ''}: "Read the findings one by one" below`
						: `${glyphs.ok} ${folded} more check${folded > 1 ? 's' : ''} passed`}
				</Text>
			)}
		</Box>
	);
}

/** The check running now: the whole pre-flight takes seconds when servers do not answer. */
function PlanChecking({dir, store}: {readonly dir: string; readonly store: ProgressStore<PlanCheckEvent>}) {
	const event = useThrottledStore(store);
	return (
		<Box flexDirection="column">
			<Text bold wrap="wrap">
				Pre-flight for {dir}
			</Text>
			<Spinner
				elapsed
				label={event?.state === 'running' ? `${event.label}…` : 'checking the backup against the target…'}
			/>
		</Box>
	);
}

export function RestorePlanScreen({
	screen,
	checks,
	items,
	height,
	width,
}: MenuScreenProps<'restore-plan'> & {readonly checks: ProgressStore<PlanCheckEvent>}) {
	const {glyphs} = useTheme();
	const {dir, overrides, plan, problem, editing, ui} = screen;
	if (problem)
		return (
			<Styled tone="bad" wrap="wrap">
				{glyphs.fail} {problem}
			</Styled>
		);
	if (!plan) return <PlanChecking dir={dir} store={checks} />;
	const prompts: Record<OverrideField, string> = {
		replicas: `Replicas (1-5; now ${overrides.replicas ?? plan.replicas}), empty for the backup's`,
		cluster: `Cluster (now ${overrides.cluster ?? plan.placement?.cluster ?? 'any'}), empty for the backup's`,
		tags: `Tags, comma separated (now ${(overrides.tags ?? plan.placement?.tags ?? []).join(',') || 'none'}), empty for the backup's`,
	};
	const menuItems = Math.min(items.length, 6);
	const menuRows = editing
		? 3
		: items.slice(0, menuItems).reduce((rows, item) => rows + textRows(item.label, width - 2), 0);
	const titleRows = textRows(`Pre-flight for ${plan.stream} from ${dir}`, width);
	return (
		<Box flexDirection="column">
			<Text bold wrap="wrap">
				Pre-flight for {plan.stream} from {dir}
			</Text>
			<Findings findings={plan.findings} height={Math.max(2, height - menuRows - titleRows - 1)} width={width} />
			<Box marginTop={1} flexDirection="column">
				{editing ? (
					<>
						<Text wrap="wrap">{prompts[editing]}:</Text>
						<TextField buffer={ui.text} error={ui.error} />
					</>
				) : (
					<ListView items={items} cursor={ui.cursor} height={menuItems} wrap />
				)}
			</Box>
		</Box>
	);
}

export function RestoreConfirmScreen({plan, ui}: {readonly plan: StreamRestorePlan; readonly ui: Ui}) {
	const backup = plan.backup;
	return (
		<Box flexDirection="column">
			<Text bold>Restore {plan.stream}</Text>
			<Text>
				{'  '}from {plan.dir}: {backup ? formatBytes(backup.archiveBytes) : '?'} archive,{' '}
				{backup?.state.messages ?? '?'} messages
			</Text>
			<Text>
				{'  '}replicas {plan.replicas}
				{plan.placement?.cluster ? `, cluster ${plan.placement.cluster}` : ''}
				{plan.placement?.tags.length ? `, tags ${plan.placement.tags.join(',')}` : ''}
			</Text>
			<TypedConfirm noun="stream" name={plan.stream} ui={ui} />
		</Box>
	);
}

function RestoreLive({store}: {readonly store: ProgressStore<RestoreProgress>}) {
	const event = useThrottledStore(store);
	if (!event || event.phase === 'start') return <Spinner label="starting…" />;
	switch (event.phase) {
		case 'request': {
			return (
				<Spinner
					elapsed
					label={`asking the server to create ${event.stream}${event.replicas > 1 ? ` (R${event.replicas}: waiting for the group's leader election)` : ''}…`}
				/>
			);
		}

		case 'upload': {
			return <ProgressBar label="upload" figures={uploadFigures(event)} />;
		}

		case 'restoring': {
			return (
				<Spinner
					label={`the server is restoring the data (${Math.round(event.elapsedMs / 1000)}s; it reports no progress here)…`}
				/>
			);
		}

		case 'settling': {
			return <Spinner elapsed label={`settling: waiting for ${event.waitingFor.join(', ')}…`} />;
		}

		case 'done': {
			return <Text>done</Text>;
		}
	}
}

export function RestoreRunScreen({
	screen,
	store,
	items,
}: {
	readonly screen: ScreenOf<'restore-run'>;
	readonly store: ProgressStore<RestoreProgress>;
	readonly items: Item[];
}) {
	const {glyphs} = useTheme();
	const {phase, message, result, ui} = screen;
	const {stream} = screen.plan;
	const state = result?.info.state;
	return (
		<Box flexDirection="column">
			<Text bold>Restoring {stream}</Text>
			{phase === 'running' && <RestoreLive store={store} />}
			{result && (
				<Box flexDirection="column">
					<Styled tone="ok">
						{glyphs.ok} Restored stream {stream} in {Math.round(result.totalMs / 1000)}s (request{' '}
						{tenths(result.requestMs)}s, upload {tenths(result.uploadMs)}s, server restore {tenths(result.serverMs)}s,
						replica catch-up {tenths(result.settleMs)}s)
					</Styled>
					<Text>
						{'  '}
						{state?.messages ?? '?'} messages, sequences {state?.first_seq ?? '?'}–{state?.last_seq ?? '?'}, replicas{' '}
						{result.info.config.num_replicas ?? 1}, leader {result.info.cluster?.leader ?? '-'}
					</Text>
					{result.removedByLimits && <Text wrap="wrap"> {result.removedByLimits.words}</Text>}
					<Text wrap="wrap">
						{' '}
						consumers:{' '}
						{result.consumers
							.map(consumer => `${consumer.name} (delivered ${consumer.delivered}, ack floor ${consumer.ackFloor})`)
							.join(', ') || 'none'}
					</Text>
					<Box flexDirection="column" marginTop={1}>
						<Bullet lead={glyphs.ok}>
							Recovered: {stream}, {state?.messages ?? '?'} messages from the backup
						</Bullet>
						<Bullet lead={glyphs.warn}>
							Lost: what was written to {stream} after the backup was taken (the backup is all there is)
						</Bullet>
						<Bullet lead="Left to do:">nothing for {stream}; its consumers resume from their ack floors</Bullet>
					</Box>
				</Box>
			)}
			{phase === 'failed' && (
				<Styled tone="bad" wrap="wrap">
					{glyphs.fail} {message}
				</Styled>
			)}
			{phase !== 'running' && <ListView items={items} cursor={ui.cursor} height={2} />}
		</Box>
	);
}

export function DeleteConfirmScreen({
	stream,
	broken,
	ui,
}: {
	readonly stream: string;
	readonly broken: boolean;
	readonly ui: Ui;
}) {
	const {glyphs} = useTheme();
	return (
		<Box flexDirection="column">
			<Styled tone="bad" bold>
				{glyphs.warn} WARNING: deleting stream {stream} removes it and whatever data of it is left
			</Styled>
			<Text wrap="wrap">
				{broken
					? 'Its only replicas are on dead servers: do this when that data is lost anyway and you restore it from the backup next.'
					: 'The stream is healthy: every message it holds now, including any written since the backup, is lost and replaced by the backup.'}
			</Text>
			<TypedConfirm noun="stream" name={stream} ui={ui} />
		</Box>
	);
}

function tenths(ms: number): number {
	return Math.round(ms / 100) / 10;
}
