/** Backing up: pick streams, pick a directory, then live bars per stream and overall, then verification. */
import {Box} from 'ink';
import {Text} from '../components/text.js';
import type {BackupStart} from '../../core/backup/backup-stream.js';
import {formatBytes} from '../../core/format.js';
import type {StreamView} from '../../core/diagnosis/streams.js';
import {Menu} from '../components/menu.js';
import {MultiSelect} from '../components/multi-select.js';
import {DirectoryPrompt, type DirectoryPromptProps} from '../components/directory-prompt.js';
import {ProgressBar} from '../components/progress-bar.js';
import {Styled} from '../components/styled.js';
import {useThrottledStore} from '../hooks/use-throttled-store.js';
import type {ProgressStore} from '../progress-store.js';
import type {BackupLive} from '../state/backup-live.js';
import type {BackupLine} from '../state/machine.js';
import {useTheme} from '../theme-context.js';

export function BackupSelectScreen({
	streams,
	selected,
	limit,
	onChange,
	onSubmit,
}: {
	readonly streams: StreamView[];
	readonly selected: string[];
	readonly limit: number;
	readonly onChange: (selected: string[]) => void;
	readonly onSubmit: () => void;
}) {
	const items = streams.map(stream => ({
		value: stream.name,
		label: `${stream.name}  R${stream.replicas ?? '?'} ${stream.storage ?? ''}  ${stream.messages ?? '?'} msgs  ${stream.bytes === undefined ? '?' : formatBytes(stream.bytes)}${stream.storage === 'memory' ? '  (memory: cannot be snapshotted)' : ''}${stream.status === 'ok' ? '' : `  (${stream.status})`}`,
	}));
	const bytes = streams.filter(stream => selected.includes(stream.name)).reduce((total, stream) => total + (stream.bytes ?? 0), 0);
	return (
		<Box flexDirection="column">
			<Text bold>Back up: choose streams ({selected.length} selected, {formatBytes(bytes)})</Text>
			<MultiSelect items={items} selected={selected} limit={limit} onChange={onChange} onSubmit={onSubmit} />
		</Box>
	);
}

export function BackupDirScreen({streams, neededBytes, checking, ...prompt}: Omit<DirectoryPromptProps, 'busy'> & {readonly streams: string[]; readonly neededBytes: number; readonly checking: boolean}) {
	return (
		<DirectoryPrompt
			{...prompt}
			title={`Back up ${streams.length} stream${streams.length === 1 ? '' : 's'} (${formatBytes(neededBytes)}) into which directory?`}
			explanation="Each stream goes to its own subdirectory, named by the stream, as `nats account backup` lays them out. Tab completes."
			busy={checking ? 'checking the directory…' : undefined}
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
	const shown = [...failed.slice(-maxLines), ...results.filter(line => line.ok).slice(-Math.max(1, maxLines - failed.length))].slice(-maxLines);
	return (
		<Box flexDirection="column">
			{results.length > shown.length && (
				<Text>
					{results.length - failed.length} backed up and verified, {failed.length} failed; the latest:
				</Text>
			)}
			{shown.map(line => (
				<Text key={line.stream} wrap="wrap">
					{line.ok ? <Styled tone="ok">{glyphs.ok}</Styled> : <Styled tone="bad">{glyphs.fail}</Styled>} {line.stream}: {line.words}
				</Text>
			))}
		</Box>
	);
}

function Bars({live, start}: {readonly live: BackupLive; readonly start: BackupStart}) {
	const {progress} = live;
	const current = progress?.phase === 'verify' ? `verifying ${start.stream}` : `${start.stream} (${live.index + 1}/${live.total})`;
	const streamDone = progress?.uncompressedBytes ?? 0;
	return (
		<Box flexDirection="column">
			{start.notices.map(notice => (
				<Styled key={notice} tone="warn" wrap="wrap">
					{notice}
				</Styled>
			))}
			<ProgressBar
				label={current}
				fraction={progress?.phase === 'verify' ? progress.verifiedBytes / Math.max(1, progress.compressedBytes) : (progress?.fraction ?? 0)}
				done={progress?.phase === 'verify' ? progress.verifiedBytes : streamDone}
				total={progress?.phase === 'verify' ? progress.compressedBytes : (progress?.totalBytes ?? start.expectedBytes)}
				bytesPerSecond={progress?.bytesPerSecond ?? 0}
				etaMs={progress?.etaMs}
			/>
			<ProgressBar
				label="overall"
				fraction={(live.doneBytes + Math.min(streamDone, start.expectedBytes)) / Math.max(1, live.totalBytes)}
				done={live.doneBytes + Math.min(streamDone, start.expectedBytes)}
				total={live.totalBytes}
				bytesPerSecond={progress?.bytesPerSecond ?? 0}
				etaMs={progress && progress.bytesPerSecond > 0 ? ((live.totalBytes - live.doneBytes - streamDone) / progress.bytesPerSecond) * 1000 : undefined}
			/>
		</Box>
	);
}

export function BackupRunScreen({
	root,
	phase,
	results,
	store,
	onBack,
	maxLines,
}: {
	readonly root: string;
	readonly phase: 'running' | 'done';
	readonly results: BackupLine[];
	readonly store: ProgressStore<BackupLive>;
	readonly onBack: () => void;
	/** The live area must stay shorter than the terminal, or Ink clears the screen on every frame. */
	readonly maxLines: number;
}) {
	return (
		<Box flexDirection="column">
			<Text bold>Backing up into {root}</Text>
			{phase === 'running' ? <LiveBars store={store} maxLines={maxLines} /> : <Results results={results} maxLines={maxLines} />}
			{phase === 'done' && <Menu items={[{label: 'Back to the overview', value: 'back'}]} onSelect={onBack} />}
		</Box>
	);
}
