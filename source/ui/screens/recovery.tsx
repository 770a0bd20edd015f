/**
 * Automatic recovery: pick a dead node, see the rule applied stream by stream, confirm the
 * peer-remove by typing the node's name, then watch the replicas catch up and read the outcome.
 */
import {Box} from 'ink';
import {Text} from '../components/text.js';
import type {WatchState} from '../../core/recovery-actions.js';
import type {Assessment} from '../../recovery/assess.js';
import type {StreamImpact} from '../../recovery/impact.js';
import {verdictTitles} from '../../recovery/stream-verdict.js';
import {Bullet} from '../components/bullet.js';
import {ListView} from '../components/list-view.js';
import {Spinner} from '../components/spinner.js';
import {Styled} from '../components/styled.js';
import {TypedConfirm} from '../components/typed-confirm.js';
import {replicasWord, type Item} from '../state/menus.js';
import type {Ui} from '../state/screen.js';
import {useTheme} from '../theme-context.js';
import type {MenuScreenProps} from './menu-screen-props.js';

export function RecoveryNodeScreen({
	items,
	ui,
	missing,
}: {
	readonly items: Item[];
	readonly ui: Ui;
	readonly missing: string[];
}) {
	return (
		<Box flexDirection="column">
			<Text bold>Automatic recovery: which dead node?</Text>
			{items.length === 0 ? (
				<Text wrap="wrap">
					No dead node is named by the meta group{missing.length > 0 ? ` (not answering: ${missing.join(', ')})` : ''}.
					Esc goes back.
				</Text>
			) : (
				<ListView items={items} cursor={ui.cursor} height={8} />
			)}
		</Box>
	);
}

/** What it takes to get the meta group back: which servers, and how many of them are enough. */
function QuorumAdvice({assessment, missing}: {readonly assessment: Assessment; readonly missing: string[]}) {
	const {meta} = assessment;
	const need = Math.max(1, (meta.quorum ?? 1) - meta.answering);
	return (
		<Box flexDirection="column">
			<Styled tone="bad" wrap="wrap">
				The meta group has no quorum: {meta.answering} of {meta.size} servers answer and it needs {meta.quorum ?? '?'}.
				No peer-remove is possible until it has one.
			</Styled>
			<Text wrap="wrap">
				Bring back {need === missing.length ? 'all' : 'any'} {need} of{' '}
				{missing.length > 0
					? missing.join(', ')
					: `the ${(meta.size ?? meta.answering) - meta.answering} missing servers`}{' '}
				({need} {need === 1 ? 'is' : 'are'} enough), with its data intact, then choose Refresh.
			</Text>
		</Box>
	);
}

export function RecoveryPlanScreen({
	server,
	assessment,
	impacts,
	missing,
	items,
	ui,
	maxStreams,
}: {
	readonly server: string;
	readonly assessment: Assessment;
	readonly impacts: StreamImpact[];
	readonly missing: string[];
	readonly items: Item[];
	readonly ui: Ui;
	/** Each stream takes two lines; past this many the rest are counted, so the screen fits the terminal. */
	readonly maxStreams: number;
}) {
	const {glyphs} = useTheme();
	const affected = assessment.streams.filter(
		verdict => verdict.deadPeers.includes(server) || impacts.some(impact => impact.stream === verdict.stream),
	);
	const possible = assessment.meta.peerRemovePossible && assessment.meta.kind !== 'no-quorum';
	return (
		<Box flexDirection="column">
			<Text bold>Recovery plan for {server}</Text>
			{possible ? (
				<Text wrap="wrap">
					Rule: R ≥ 3, surviving replicas ≥ ⌊R/2⌋+1, a spare server in the stream's cluster that meets its placement,
					and {server} removed from the meta group.
				</Text>
			) : assessment.meta.kind === 'no-quorum' ? (
				<QuorumAdvice assessment={assessment} missing={missing} />
			) : (
				<Styled tone="bad" wrap="wrap">
					Peer-remove is not possible now: {assessment.meta.reason}
				</Styled>
			)}
			<Box flexDirection="column" marginTop={1}>
				{affected.length === 0 && <Text>No stream of this account has a replica on {server}.</Text>}
				{affected.length > maxStreams && (
					<Text wrap="wrap">
						{affected.length} streams are affected ({impacts.filter(impact => impact.kind === 'data-lost').length} lose
						their data, {impacts.filter(impact => impact.kind === 'replaced').length} get a new replica); the first{' '}
						{maxStreams}:
					</Text>
				)}
				{affected.slice(0, maxStreams).map(verdict => (
					<Box key={verdict.stream} flexDirection="column">
						<Text wrap="wrap">
							{verdict.kind === 'self-healing-after-peer-remove'
								? glyphs.ok
								: verdict.kind === 'quorum-no-spare'
									? glyphs.warn
									: glyphs.fail}{' '}
							<Text bold>{verdict.stream}</Text> {replicasWord(undefined, verdict)}: {verdict.survivors} alive
							{verdict.quorum ? ` (quorum ${verdict.quorum})` : ''}, spares:{' '}
							{verdict.spares.length > 0 ? verdict.spares.join(', ') : 'none'} — {verdictTitles[verdict.kind]}
						</Text>
						<Box paddingLeft={4}>
							<Text wrap="wrap">
								{impacts.find(impact => impact.stream === verdict.stream)?.words ?? verdict.reason}
							</Text>
						</Box>
					</Box>
				))}
			</Box>
			<Box marginTop={1}>
				<ListView items={items} cursor={ui.cursor} height={4} wrap />
			</Box>
		</Box>
	);
}

export function RecoveryConfirmScreen({
	server,
	impacts,
	ui,
}: {
	readonly server: string;
	readonly impacts: StreamImpact[];
	readonly ui: Ui;
}) {
	const {glyphs} = useTheme();
	const lost = impacts.filter(impact => impact.kind === 'data-lost');
	return (
		<Box flexDirection="column">
			<Styled tone="bad" bold wrap="wrap">
				{glyphs.warn} WARNING: removing {server} from the meta group can not be reversed
			</Styled>
			<Text wrap="wrap">
				It rejoins only after a restart with a clean state. Streams with a replica on it are re-placed on spares where
				one exists.
			</Text>
			{lost.length > 0 && (
				<Styled tone="bad" wrap="wrap">
					Data lost (R1 on {server}): {lost.map(impact => impact.stream).join(', ')} — only a backup brings them back.
				</Styled>
			)}
			<TypedConfirm noun="server" name={server} ui={ui} />
		</Box>
	);
}

/** The outcome in three parts: what was recovered, what is lost, what is left to do. */
function Outcome({
	server,
	impacts,
	states,
}: {
	readonly server: string;
	readonly impacts: StreamImpact[];
	readonly states: WatchState[];
}) {
	const {glyphs} = useTheme();
	const recovered = states.filter(state => state.done).map(state => state.stream);
	const waiting = states
		.filter(state => !state.done)
		.map(state => `${state.stream} (waits for ${state.waitingFor ?? '?'})`);
	const lost = impacts.filter(impact => impact.kind === 'data-lost').map(impact => impact.stream);
	const stuck = impacts.filter(impact => impact.kind === 'still-no-quorum').map(impact => impact.stream);
	return (
		<Box flexDirection="column" marginTop={1}>
			<Bullet lead={glyphs.ok}>
				Recovered: {recovered.length > 0 ? recovered.join(', ') : 'no stream needed a new replica'}
			</Bullet>
			{waiting.length > 0 && (
				<Bullet lead={glyphs.warn} tone="warn">
					Not caught up yet: {waiting.join(', ')}
				</Bullet>
			)}
			{lost.length > 0 ? (
				<Bullet lead={glyphs.fail} tone="bad">
					Lost: {lost.join(', ')} (R1 on {server}; only a backup brings {lost.length > 1 ? 'them' : 'it'} back)
				</Bullet>
			) : (
				<Bullet lead={glyphs.ok}>Lost: nothing</Bullet>
			)}
			{stuck.length > 0 && (
				<Bullet lead={glyphs.fail} tone="bad">
					Still without quorum: {stuck.join(', ')}
				</Bullet>
			)}
			<Bullet lead="Left to do:">
				{lost.length > 0 ? `restore ${lost.join(', ')} from a backup; ` : ''}restart {server} with a clean state (empty
				JetStream store) when it is repaired.
			</Bullet>
		</Box>
	);
}

export function RecoveryRunScreen({screen, items}: MenuScreenProps<'recovery-run'>) {
	const {glyphs} = useTheme();
	const {server, phase, states, impacts, message, ui} = screen;
	return (
		<Box flexDirection="column">
			<Text bold>Peer-remove {server}</Text>
			{phase === 'removing' && (
				<Spinner elapsed label={`asking the meta leader to remove ${server} from the meta group…`} />
			)}
			{phase === 'watching' && (
				<Spinner elapsed label="waiting for each stream to place a new replica and bring it up to date…" />
			)}
			{states.slice(0, 8).map(state => (
				<Text key={state.stream} wrap="truncate-end">
					{state.done ? glyphs.ok : '…'} {state.stream}: [
					{state.peers
						.map(peer => `${peer.name}${peer.leader ? glyphs.leader : ''}${peer.current ? '' : glyphs.dead}`)
						.join(',')}
					] {state.done ? 'all current' : `waiting for ${state.waitingFor ?? '?'}`}
				</Text>
			))}
			{states.length > 8 && <Text>… and {states.length - 8} more</Text>}
			{phase === 'done' && (
				<Styled tone="ok" wrap="wrap">
					{glyphs.ok} {message ?? 'recovered'}
				</Styled>
			)}
			{phase === 'failed' && (
				<Styled tone="bad" wrap="wrap">
					{glyphs.fail} {message ?? 'failed'}
				</Styled>
			)}
			{phase === 'done' && <Outcome server={server} impacts={impacts} states={states} />}
			{(phase === 'done' || phase === 'failed') && (
				<Box marginTop={1}>
					<ListView items={items} cursor={ui.cursor} height={4} wrap />
				</Box>
			)}
		</Box>
	);
}

/** Quorum loss: which servers must come back and how many are enough; then what coming back recovered. */
export function QuorumScreen({
	assessment,
	missing,
	restarted,
	waiting,
	problem,
	items,
	ui,
}: {
	readonly assessment: Assessment;
	readonly missing: string[];
	readonly restarted: string[];
	readonly waiting: string | undefined;
	readonly problem: string | undefined;
	readonly items: Item[];
	readonly ui: Ui;
}) {
	const {glyphs} = useTheme();
	const {meta} = assessment;
	const lost = assessment.streams
		.filter(verdict => verdict.kind === 'no-quorum' || verdict.kind === 'r1-on-dead-node')
		.map(verdict => verdict.stream);
	// While a restart settles, a diagnosis may already show the quorum: what the restart recovered is
	// stated once it is done (`waiting` cleared), not from that passing frame.
	return (
		<Box flexDirection="column">
			<Text bold>Meta group quorum</Text>
			{meta.kind === 'no-quorum' ? (
				<QuorumAdvice assessment={assessment} missing={missing} />
			) : waiting ? null : (
				<Box flexDirection="column">
					<Bullet lead={glyphs.ok} tone="ok">
						The meta group has a quorum again: {meta.answering} of {meta.size ?? '?'} servers answer
						{meta.leader ? `, leader ${meta.leader}` : ''}.
					</Bullet>
					<Bullet lead={glyphs.ok}>
						Recovered:{' '}
						{restarted.length > 0
							? `${restarted.join(', ')} back with ${restarted.length > 1 ? 'their' : 'its'} data; `
							: ''}
						{lost.length === 0 ? 'every stream has its quorum' : `still without quorum: ${lost.join(', ')}`}
					</Bullet>
					<Bullet lead={glyphs.ok}>Lost: nothing (no server's data was removed)</Bullet>
					<Bullet lead="Left to do:">
						{missing.length > 0
							? `bring ${missing.join(', ')} back too, or remove ${missing.length > 1 ? 'them' : 'it'} with Automatic recovery from the overview.`
							: 'nothing; every server answers.'}
					</Bullet>
				</Box>
			)}
			{waiting && <Spinner label={waiting} />}
			{problem && (
				<Styled tone="bad" wrap="wrap">
					{glyphs.fail} {problem}
				</Styled>
			)}
			<Box marginTop={1}>
				<ListView items={items} cursor={ui.cursor} height={5} wrap />
			</Box>
		</Box>
	);
}
