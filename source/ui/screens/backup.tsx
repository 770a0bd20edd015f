/** Backing up: pick streams, pick a directory, then live bars per stream and overall, then verification. */
import {Box} from 'ink';
import {Text} from '../components/text.js';
import type {BackupStart} from '../../core/backup/backup-stream.js';
import {formatBytes} from '../../core/format.js';
import {ListView, type ListRow} from '../components/list-view.js';
import type {ScreenOf, Ui} from '../state/screen.js';
import {DirectoryPrompt} from '../components/directory-prompt.js';
import type {Item} from '../state/menus.js';
import {FilteredList} from '../components/filtered-list.js';
import {backupFigures} from '../../core/transfer-figures.js';
import {ProgressBar} from '../components/progress-bar.js';
import {Styled} from '../components/styled.js';
import {useThrottledStore} from '../hooks/use-throttled-store.js';
import type {ProgressStore} from '../progress-store.js';
import type {BackupLine} from '../state/screen.js';
import type {BackupLive} from '../state/backup-live.js';
import {useTheme} from '../theme-context.js';

export function BackupSelectScreen({
	items,
	total,
	selected,
	bytes,
	ui,
	height,
}: {
	readonly items: ListRow[];
	readonly total: number;
	readonly selected: string[];
	readonly bytes: number;
	readonly ui: Ui;
	readonly height: number;
}) {
	return (
		<Box flexDirection="column">
			<Text bold wrap="truncate-end">
				Back up: choose streams ({selected.length} selected, {formatBytes(bytes)}; {items.length} of {total} shown)
			</Text>
			<FilteredList
				items={items}
				ui={ui}
				height={height - 1}
				noun="stream"
				mark={key => (selected.includes(key) ? '[x] ' : '[ ] ')}
			/>
		</Box>
	);
}

export function BackupDirScreen({screen}: {readonly screen: ScreenOf<'backup-dir'>}) {
	const {streams, neededBytes} = screen;
	return (
		<DirectoryPrompt
			field={screen}
			title={`Back up ${streams.length} stream${streams.length === 1 ? '' : 's'} (${formatBytes(neededBytes)}) into which directory?`}
			explanation="Each stream goes to its own subdirectory, named by the stream, as `nats account backup` lays them out. Tab completes."
			busy={screen.checking ? 'checking the directory…' : undefined}
		/>
	);
}

function LiveBars({store, maxLines}: {readonly store: ProgressStore<BackupLive>; readonly maxLines: number}) {
	const live = useThrottledStore(store);
	return (
		<Box flexDirection="column">
			<Results results={live?.results ?? []} maxLines={maxLines} />
			{/* Plain text, not a spinner: between many small streams a spinner would add frames for nothing. */}
			{live?.start ? <Bars live={live} start={live.start} /> : <Text>starting the next snapshot…</Text>}
		</Box>
	);
}

function Results({results, maxLines}: {readonly results: BackupLine[]; readonly maxLines: number}) {
	const {glyphs} = useTheme();
	const failed = results.filter(line => !line.ok);
	// Failures stay in view; of the successes only the latest, the rest are counted.
	const shown = [
		...failed.slice(-maxLines),
		...results.filter(line => line.ok).slice(-Math.max(1, maxLines - failed.length)),
	].slice(-maxLines);
	return (
		<Box flexDirection="column">
			{results.length > shown.length && (
				<Text>
					{results.length - failed.length} backed up and verified, {failed.length} failed; the latest:
				</Text>
			)}
			{shown.map(line => (
				<Text key={line.stream} wrap="wrap">
					{line.ok ? <Styled tone="ok">{glyphs.ok}</Styled> : <Styled tone="bad">{glyphs.fail}</Styled>} {line.stream}:{' '}
					{line.words}
				</Text>
			))}
		</Box>
	);
}

function Bars({live, start}: {readonly live: BackupLive; readonly start: BackupStart}) {
	const {progress} = live;
	const current =
		progress?.phase === 'verify' ? `verifying ${start.stream}` : `${start.stream} (${live.index + 1}/${live.total})`;
	const streamDone = progress?.uncompressedBytes ?? 0;
	return (
		<Box flexDirection="column">
			{start.notices.map(({text}) => (
				<Styled key={text} tone="warn" wrap="wrap">
					{text}
				</Styled>
			))}
			<ProgressBar
				label={current}
				figures={
					progress
						? backupFigures(progress)
						: {fraction: 0, doneBytes: 0, totalBytes: start.expectedBytes, bytesPerSecond: 0, etaMs: undefined}
				}
			/>
			<ProgressBar
				label="overall"
				figures={{
					fraction: (live.doneBytes + Math.min(streamDone, start.expectedBytes)) / Math.max(1, live.totalBytes),
					doneBytes: live.doneBytes + Math.min(streamDone, start.expectedBytes),
					totalBytes: live.totalBytes,
					bytesPerSecond: progress?.bytesPerSecond ?? 0,
					etaMs:
						progress && progress.bytesPerSecond > 0
							? ((live.totalBytes - live.doneBytes - streamDone) / progress.bytesPerSecond) * 1000
							: undefined,
				}}
			/>
		</Box>
	);
}

export function BackupRunScreen({
	screen,
	store,
	items,
	maxLines,
}: {
	readonly screen: ScreenOf<'backup-run'>;
	readonly store: ProgressStore<BackupLive>;
	readonly items: Item[];
	/** The live area must stay shorter than the terminal, or Ink clears the screen on every frame. */
	readonly maxLines: number;
}) {
	const {root, phase, results, ui} = screen;
	return (
		<Box flexDirection="column">
			<Text bold>Backing up into {root}</Text>
			{phase === 'running' ? (
				<LiveBars store={store} maxLines={maxLines} />
			) : (
				<Results results={results} maxLines={maxLines} />
			)}
			{phase === 'done' && <ListView items={items} cursor={ui.cursor} height={2} />}
		</Box>
	);
}
