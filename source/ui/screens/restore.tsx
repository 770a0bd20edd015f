/**
 * Restoring: pick a backup directory, see the backups in it, read the pre-flight findings, change
 * replicas or placement, delete a broken stream first if that is what stands in the way, type the
 * stream name, then follow upload → server restoring → settling → the restored stream.
 */
import {Box} from 'ink';
import {Text} from '../components/text.js';
import TextInput from 'ink-text-input';
import {useState} from 'react';
import type {BackupSummary} from '../../core/backup-catalog.js';
import {formatBytes} from '../../core/format.js';
import type {RestoreOverrides} from '../../core/restore/overrides.js';
import type {StreamRestorePlan} from '../../core/restore/plan.js';
import type {RestoreProgress, StreamRestoreResult} from '../../core/restore/restore.js';
import {Menu} from '../components/menu.js';
import {DirectoryPrompt, type DirectoryPromptProps} from '../components/directory-prompt.js';
import {ProgressBar} from '../components/progress-bar.js';
import {Spinner} from '../components/spinner.js';
import {Styled} from '../components/styled.js';
import {TypedConfirm} from '../components/typed-confirm.js';
import {useThrottledStore} from '../hooks/use-throttled-store.js';
import type {ProgressStore} from '../progress-store.js';
import type {OverrideField} from '../state/machine.js';
import {useTheme} from '../theme-context.js';

export function RestoreDirScreen({loading, ...prompt}: Omit<DirectoryPromptProps, 'busy'> & {readonly loading: boolean}) {
	return (
		<DirectoryPrompt
			{...prompt}
			title="Restore: which directory holds the backups?"
			explanation="A stream backup (backup.json + stream.tar.s2) or a directory of them. Tab completes."
			busy={loading ? 'reading backups…' : undefined}
		/>
	);
}

export function RestorePickScreen({root, backups, limit, onPick}: {readonly root: string; readonly backups: BackupSummary[]; readonly limit: number; readonly onPick: (dir: string) => void}) {
	const {glyphs} = useTheme();
	const label = (backup: BackupSummary) =>
		backup.problem
			? `${backup.dir}: ${backup.problem}`
			: `${backup.stream.padEnd(12)} ${formatBytes(backup.archiveBytes).padStart(9)}  ${backup.messages ?? '?'} msgs  ${backup.created.slice(0, 19).replace('T', ' ')}  ${backup.verified === undefined ? 'not verified by nats-dr' : backup.verified ? `${glyphs.ok} verified` : `${glyphs.fail} verification failed`}`;
	return (
		<Box flexDirection="column">
			<Text bold>
				Backups in {root} ({backups.length})
			</Text>
			<Menu items={backups.map(backup => ({label: label(backup), value: backup.dir, key: backup.dir}))} limit={limit} onSelect={onPick} />
		</Box>
	);
}

export type PlanChoice = 'continue' | 'delete' | 'peer-remove' | 'no-placement' | OverrideField;

export function RestorePlanScreen({
	dir,
	overrides,
	plan,
	problem,
	editing,
	brokenStream,
	blockedBy,
	onChoose,
	onEdit,
}: {
	readonly dir: string;
	readonly overrides: RestoreOverrides;
	readonly plan: StreamRestorePlan | undefined;
	readonly problem: string | undefined;
	readonly editing: OverrideField | undefined;
	/** The stream exists but no live server holds it: offering to delete it first. */
	readonly brokenStream: boolean;
	/** The dead server that still holds the broken stream as a meta member: the server cannot delete it before that server is peer-removed. */
	readonly blockedBy: string | undefined;
	readonly onChoose: (choice: PlanChoice) => void;
	readonly onEdit: (field: OverrideField, value: string | undefined) => void;
}) {
	const {glyphs} = useTheme();
	if (problem) return <Styled tone="bad">{glyphs.fail} {problem}</Styled>;
	if (!plan) return <Spinner label={`checking ${dir} against the target…`} />;
	// A stream whose only node is dead answers no STREAM.INFO: pre-flight can only warn, but the name is taken.
	const exists = plan.findings.some(finding => finding.check === 'exists' && (finding.level === 'refusal' || (finding.level === 'warning' && brokenStream)));
	const choices: Array<{label: string; value: PlanChoice}> = [];
	if (!plan.refused) choices.push({label: `Restore ${plan.stream} (you will type its name)`, value: 'continue'});
	if (exists && blockedBy) choices.push({label: `Peer-remove ${blockedBy} first: the server cannot delete a stream whose only node is dead and still a member`, value: 'peer-remove'});
	else if (exists) choices.push({label: `Delete the ${brokenStream ? 'broken' : 'existing'} stream ${plan.stream} first (you will type its name)`, value: 'delete'});
	choices.push(
		{label: `Replicas: ${overrides.replicas ?? `${plan.replicas} (from the backup)`}`, value: 'replicas'},
		{label: `Cluster: ${overrides.cluster ?? plan.placement?.cluster ?? 'any'}`, value: 'cluster'},
		{label: `Tags: ${(overrides.tags ?? plan.placement?.tags ?? []).join(',') || 'none'}`, value: 'tags'},
		{label: 'Drop the placement', value: 'no-placement'},
	);
	return (
		<Box flexDirection="column">
			<Text bold>
				Pre-flight for {plan.stream} from {dir}
			</Text>
			{plan.findings.map(finding => (
				<Box key={`${finding.check}-${finding.message}`} flexDirection="column">
					<Text wrap="wrap">
						{finding.level === 'ok' ? <Styled tone="ok">{glyphs.ok} ok     </Styled> : finding.level === 'warning' ? <Styled tone="warn">{glyphs.warn} warn   </Styled> : <Styled tone="bad">{glyphs.fail} REFUSE </Styled>}
						{finding.message}
					</Text>
					{finding.hint && finding.level !== 'ok' && <Text wrap="wrap">{`         try: ${finding.hint}`}</Text>}
				</Box>
			))}
			<Box marginTop={1} flexDirection="column">
				{editing ? (
					<EditOverride field={editing} onDone={value => onEdit(editing, value)} />
				) : (
					<Menu items={choices} onSelect={onChoose} />
				)}
			</Box>
		</Box>
	);
}

function EditOverride({field, onDone}: {readonly field: OverrideField; readonly onDone: (value: string | undefined) => void}) {
	const prompts: Record<OverrideField, string> = {replicas: 'Replicas (1-5), empty for the backup\'s', cluster: 'Cluster name, empty for the backup\'s', tags: 'Tags, comma separated, empty for the backup\'s'};
	const [value, setValue] = useState('');
	return (
		<Box>
			<Text>{prompts[field]}: </Text>
			<TextInput value={value} onChange={setValue} onSubmit={submitted => onDone(submitted.trim() === '' ? undefined : submitted.trim())} />
		</Box>
	);
}

export function RestoreConfirmScreen({plan, onConfirm}: {readonly plan: StreamRestorePlan; readonly onConfirm: () => void}) {
	const backup = plan.backup;
	return (
		<Box flexDirection="column">
			<Text bold>Restore {plan.stream}</Text>
			<Text>
				{'  '}from {plan.dir}: {backup ? formatBytes(backup.archiveBytes) : '?'} archive, {backup?.state.messages ?? '?'} messages
			</Text>
			<Text>
				{'  '}replicas {plan.replicas}
				{plan.placement?.cluster ? `, cluster ${plan.placement.cluster}` : ''}
				{plan.placement?.tags.length ? `, tags ${plan.placement.tags.join(',')}` : ''}
			</Text>
			<Box marginTop={1}>
				<TypedConfirm name={plan.stream} what="stream" onConfirm={onConfirm} />
			</Box>
		</Box>
	);
}

function RestoreLive({store}: {readonly store: ProgressStore<RestoreProgress>}) {
	const event = useThrottledStore(store);
	if (!event || event.phase === 'start') return <Spinner label="starting…" />;
	switch (event.phase) {
		case 'request': {
			return <Spinner label={`asking the server to create ${event.stream}${event.replicas > 1 ? ` (R${event.replicas}: waiting for the group's leader election)` : ''}…`} />;
		}

		case 'upload': {
			return <ProgressBar label="upload" fraction={event.sentBytes / Math.max(1, event.totalBytes)} done={event.sentBytes} total={event.totalBytes} bytesPerSecond={event.bytesPerSecond} etaMs={event.etaMs} />;
		}

		case 'restoring': {
			return <Spinner label={`the server is restoring the data (${Math.round(event.elapsedMs / 1000)}s; it reports no progress here)…`} />;
		}

		case 'settling': {
			return <Spinner label={`settling: waiting for ${event.waitingFor.join(', ')}…`} />;
		}

		case 'done': {
			return <Text>done</Text>;
		}
	}
}

export function RestoreRunScreen({
	stream,
	phase,
	message,
	result,
	store,
	onBack,
}: {
	readonly stream: string;
	readonly phase: 'running' | 'done' | 'failed';
	readonly message: string | undefined;
	readonly result: StreamRestoreResult | undefined;
	readonly store: ProgressStore<RestoreProgress>;
	readonly onBack: () => void;
}) {
	const {glyphs} = useTheme();
	const state = result?.info.state;
	return (
		<Box flexDirection="column">
			<Text bold>Restoring {stream}</Text>
			{phase === 'running' && <RestoreLive store={store} />}
			{result && (
				<Box flexDirection="column">
					<Styled tone="ok">
						{glyphs.ok} Restored stream {stream} in {Math.round(result.totalMs / 1000)}s (upload {Math.round(result.uploadMs / 100) / 10}s, server {Math.round(result.serverMs / 100) / 10}s, settling {Math.round(result.settleMs / 100) / 10}s)
					</Styled>
					<Text>
						{'  '}
						{state?.messages ?? '?'} messages, sequences {state?.first_seq ?? '?'}–{state?.last_seq ?? '?'}, replicas {result.info.config.num_replicas ?? 1}, leader {result.info.cluster?.leader ?? '-'}
					</Text>
					{result.removedByLimits && <Text wrap="wrap">  {result.removedByLimits.words}</Text>}
					<Text>  consumers: {result.consumers.map(consumer => `${consumer.name} (delivered ${consumer.delivered}, ack floor ${consumer.ackFloor})`).join(', ') || 'none'}</Text>
				</Box>
			)}
			{phase === 'failed' && (
				<Styled tone="bad" wrap="wrap">
					{glyphs.fail} {message}
				</Styled>
			)}
			{phase !== 'running' && <Menu items={[{label: 'Back to the overview', value: 'back'}]} onSelect={onBack} />}
		</Box>
	);
}

export function DeleteConfirmScreen({stream, broken, onConfirm}: {readonly stream: string; readonly broken: boolean; readonly onConfirm: () => void}) {
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
			<Box marginTop={1}>
				<TypedConfirm name={stream} what="stream" onConfirm={onConfirm} />
			</Box>
		</Box>
	);
}
