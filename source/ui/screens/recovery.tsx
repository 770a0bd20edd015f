/**
 * Automatic recovery: pick a dead node, see the rule applied stream by stream, confirm the
 * peer-remove by typing the node's name, then watch the replicas catch up.
 */
import {Box} from 'ink';
import {Text} from '../components/text.js';
import type {WatchState} from '../../core/recovery-actions.js';
import type {Assessment} from '../../recovery/assess.js';
import type {StreamImpact} from '../../recovery/impact.js';
import {verdictTitles} from '../../recovery/stream-verdict.js';
import {Menu} from '../components/menu.js';
import {Spinner} from '../components/spinner.js';
import {Styled} from '../components/styled.js';
import {TypedConfirm} from '../components/typed-confirm.js';
import {useTheme} from '../theme-context.js';

export function RecoveryNodeScreen({assessment, onPick}: {readonly assessment: Assessment; readonly onPick: (server: string) => void}) {
	const dead = assessment.meta.dead;
	return (
		<Box flexDirection="column">
			<Text bold>Automatic recovery: which dead node?</Text>
			{dead.length === 0 ? <Text>No dead node is known.</Text> : <Menu items={dead.map(server => ({label: server, value: server}))} onSelect={onPick} />}
		</Box>
	);
}

export function RecoveryPlanScreen({
	server,
	assessment,
	impacts,
	onProceed,
	maxStreams,
}: {
	readonly server: string;
	readonly assessment: Assessment;
	readonly impacts: StreamImpact[];
	readonly onProceed: () => void;
	/** Each stream takes two lines; past this many the rest are counted, so the screen fits the terminal. */
	readonly maxStreams: number;
}) {
	const {glyphs} = useTheme();
	const affected = assessment.streams.filter(verdict => verdict.deadPeers.includes(server) || impacts.some(impact => impact.stream === verdict.stream));
	const possible = assessment.meta.peerRemovePossible && assessment.meta.kind !== 'no-quorum';
	return (
		<Box flexDirection="column">
			<Text bold>Recovery plan for {server}</Text>
			<Text wrap="wrap">Rule: R ≥ 3, surviving replicas ≥ ⌊R/2⌋+1, a spare JetStream server in the stream's cluster that meets its placement, and {server} removed from the meta group.</Text>
			<Box flexDirection="column" marginTop={1}>
				{affected.length === 0 && <Text>No stream of this account has a replica on {server}.</Text>}
				{affected.length > maxStreams && (
					<Text wrap="wrap">
						{affected.length} streams are affected; the first {maxStreams} are listed ({impacts.filter(impact => impact.kind === 'data-lost').length} lose their data, {impacts.filter(impact => impact.kind === 'replaced').length} get a new replica). `nats-dr diagnose` lists them all.
					</Text>
				)}
				{affected.slice(0, maxStreams).map(verdict => (
					<Box key={verdict.stream} flexDirection="column">
						<Text>
							{verdict.kind === 'self-healing-after-peer-remove' ? glyphs.ok : verdict.kind === 'quorum-no-spare' ? glyphs.warn : glyphs.fail} <Text bold>{verdict.stream}</Text> R{verdict.replicas ?? '?'}: {verdict.survivors} alive
							{verdict.quorum ? ` (quorum ${verdict.quorum})` : ''}, spares: {verdict.spares.length > 0 ? verdict.spares.join(', ') : 'none'} — {verdictTitles[verdict.kind]}
						</Text>
						<Text wrap="wrap">
							{'    '}
							{impacts.find(impact => impact.stream === verdict.stream)?.words ?? verdict.reason}
						</Text>
					</Box>
				))}
			</Box>
			<Box marginTop={1}>
				{possible ? (
					<Menu items={[{label: `Peer-remove ${server} (you will type its name)`, value: 'go'}]} onSelect={onProceed} />
				) : (
					<Styled tone="bad">Peer-remove is not possible now: {assessment.meta.reason}</Styled>
				)}
			</Box>
		</Box>
	);
}

export function RecoveryConfirmScreen({server, impacts, onConfirm}: {readonly server: string; readonly impacts: StreamImpact[]; readonly onConfirm: () => void}) {
	const {glyphs} = useTheme();
	const lost = impacts.filter(impact => impact.kind === 'data-lost');
	return (
		<Box flexDirection="column">
			<Styled tone="bad" bold>
				{glyphs.warn} WARNING: removing {server} from the meta group can not be reversed
			</Styled>
			<Text wrap="wrap">It rejoins only after a restart with a clean state. Streams with a replica on it are re-placed on spares where one exists.</Text>
			{lost.length > 0 && <Styled tone="bad">Data lost (R1 on {server}): {lost.map(impact => impact.stream).join(', ')} — only a backup brings them back.</Styled>}
			<Box marginTop={1}>
				<TypedConfirm name={server} what="server" onConfirm={onConfirm} />
			</Box>
		</Box>
	);
}

export function RecoveryRunScreen({
	server,
	phase,
	states,
	message,
	onBack,
}: {
	readonly server: string;
	readonly phase: 'removing' | 'watching' | 'done' | 'failed';
	readonly states: WatchState[];
	readonly message: string | undefined;
	readonly onBack: () => void;
}) {
	const {glyphs} = useTheme();
	return (
		<Box flexDirection="column">
			<Text bold>Peer-remove {server}</Text>
			{phase === 'removing' && <Spinner label={`removing ${server} from the meta group…`} />}
			{phase === 'watching' && <Spinner label="watching replicas catch up…" />}
			{states.map(state => (
				<Text key={state.stream} wrap="truncate-end">
					{state.done ? glyphs.ok : '…'} {state.stream}: [{state.peers.map(peer => `${peer.name}${peer.leader ? glyphs.leader : ''}${peer.current ? '' : glyphs.dead}`).join(',')}]{' '}
					{state.done ? 'all current' : `waiting for ${state.waitingFor ?? '?'}`}
				</Text>
			))}
			{phase === 'done' && <Styled tone="ok">{glyphs.ok} {message ?? 'recovered'}</Styled>}
			{phase === 'failed' && <Styled tone="bad">{glyphs.fail} {message ?? 'failed'}</Styled>}
			{(phase === 'done' || phase === 'failed') && <Menu items={[{label: 'Back to the overview', value: 'back'}]} onSelect={onBack} />}
		</Box>
	);
}
