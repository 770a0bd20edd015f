/** The diagnosis overview: servers, meta group, streams by verdict, and the paths offered by them. */
import {Box} from 'ink';
import {Text} from '../components/text.js';
import type {ServersView} from '../../core/diagnosis/servers.js';
import {verdictOrder, verdictTitles} from '../../recovery/stream-verdict.js';
import {Menu} from '../components/menu.js';
import {Spinner} from '../components/spinner.js';
import {Styled} from '../components/styled.js';
import {nextSteps} from '../../recovery/next-steps.js';
import type {DiagnosisState, ElectionState} from '../state/machine.js';
import {latestDiagnosis} from '../state/machine.js';
import type {ConnectionSummary, DiagnosisResult} from '../services.js';
import {useTheme} from '../theme-context.js';

export type OverviewChoice = 'recovery' | 'backup' | 'restore' | 'inspect' | 'refresh' | 'quit';

function ServerRows({view, max}: {readonly view: ServersView; readonly max: number}) {
	const {glyphs} = useTheme();
	// Servers that do not answer first: on a short terminal they are the ones that must stay in view.
	const ordered = [...view.servers.filter(server => !server.answering), ...view.servers.filter(server => server.answering)];
	const shown = ordered.length > max ? ordered.slice(0, max) : view.servers;
	const nameWidth = Math.max(...view.servers.map(server => server.name.length)) + 3;
	const clusterWidth = Math.max(1, ...view.servers.map(server => (server.cluster ?? '-').length)) + 2;
	return (
		<Box flexDirection="column">
			<Text bold>
				Servers ({view.answered} of {view.expected} answering; {glyphs.leader} meta leader, {glyphs.dead} not answering)
			</Text>
			{shown.map(server => (
				<Text key={server.name} wrap="truncate-end">
					{'  '}
					{`${server.name}${server.metaLeader ? glyphs.leader : ''}${server.answering ? '' : glyphs.dead}`.padEnd(nameWidth)}
					{(server.cluster ?? '-').padEnd(clusterWidth)}
					{(server.version ?? '-').padEnd(8)}
					{server.answering ? <Styled tone="ok">online</Styled> : <Styled tone="bad">NOT ANSWERING</Styled>}
				</Text>
			))}
			{shown.length < view.servers.length && <Text>  … {view.servers.length - shown.length} more, all online</Text>}
		</Box>
	);
}

function choicesFor(result: DiagnosisResult | undefined): Array<{label: string; value: OverviewChoice}> {
	const dead = result?.assessment.meta.dead.length ?? 0;
	const items: Array<{label: string; value: OverviewChoice}> = [];
	if (dead > 0) items.push({label: `Automatic recovery (${dead} dead node${dead > 1 ? 's' : ''})`, value: 'recovery'});
	const streams = result?.assessment.streams ?? [];
	const lost = streams.filter(verdict => verdict.kind === 'r1-on-dead-node' || verdict.kind === 'no-quorum').length;
	if (lost > 0) items.push({label: `Restore from a backup (${lost} stream${lost > 1 ? 's' : ''} need${lost > 1 ? '' : 's'} one)`, value: 'restore'});
	if (streams.length > 0) items.push({label: 'Back up streams', value: 'backup'});
	if (lost === 0) items.push({label: 'Restore from a backup', value: 'restore'});
	if (streams.length > 0) items.push({label: 'Inspect a stream', value: 'inspect'});
	items.push({label: 'Refresh', value: 'refresh'}, {label: 'Quit', value: 'quit'});
	return items;
}

/** The election wait, in the words of the plain report's log line. */
function ElectionLine({election}: {readonly election: ElectionState}) {
	if (election.phase === 'waiting') {
		return <Spinner label={`no meta leader: waiting for the election (${Math.floor(election.waitedMs / 1000)} of ${Math.round(election.timeoutMs / 1000)} s)`} />;
	}

	return election.electionDueMs === undefined ? (
		<Styled tone="muted" wrap="wrap">
			Watching for a meta leader: this overview refreshes by itself once enough servers are back.
		</Styled>
	) : (
		<Spinner label={`no meta leader: waiting for the election (${Math.floor(election.electionDueMs / 1000)} s); this overview refreshes by itself`} />
	);
}

export function OverviewScreen({
	connection,
	diagnosis,
	election,
	onChoose,
	menuLimit,
	maxServers = 12,
}: {
	readonly connection: ConnectionSummary;
	readonly diagnosis: DiagnosisState;
	readonly election?: ElectionState | undefined;
	readonly onChoose: (choice: OverviewChoice) => void;
	readonly menuLimit: number;
	readonly maxServers?: number;
}) {
	const result = latestDiagnosis(diagnosis);
	const system = connection.system.kind === 'none' ? `no system account (${connection.system.reason})` : connection.system.kind === 'separate' ? 'system account: separate credentials' : 'system account: same connection';
	return (
		<Box flexDirection="column">
			<Text wrap="truncate-end">
				<Text bold>nats-dr</Text> {connection.servers}
			</Text>
			<Styled tone="muted" wrap="wrap">
				as {connection.auth}
				{connection.account ? ` in account ${connection.account}` : ''}
				{connection.context ? ` (context ${connection.context})` : ''} · {system}
			</Styled>
			{diagnosis.kind === 'loading' && election?.phase !== 'waiting' && <Spinner label={result ? 'refreshing diagnosis…' : 'diagnosing the cluster…'} />}
			{election && <ElectionLine election={election} />}
			{diagnosis.kind === 'failed' && <Styled tone="bad">Diagnosis failed: {diagnosis.message}</Styled>}
			{result ? <Summary result={result} maxServers={maxServers} /> : diagnosis.kind === 'loading' && diagnosis.servers ? <ServerRows view={diagnosis.servers} max={maxServers} /> : null}
			<Box marginTop={1}>
				<Menu items={choicesFor(result)} limit={menuLimit} onSelect={onChoose} />
			</Box>
		</Box>
	);
}

function Summary({result, maxServers}: {readonly result: DiagnosisResult; readonly maxServers: number}) {
	const {diagnosis, assessment} = result;
	const {glyphs} = useTheme();
	const counts = verdictOrder
		.map(kind => [kind, assessment.streams.filter(verdict => verdict.kind === kind).length] as const)
		.filter(([, count]) => count > 0);
	const meta = assessment.meta;
	return (
		<Box flexDirection="column" marginTop={1}>
			{diagnosis.servers.ok ? <ServerRows view={diagnosis.servers.value} max={maxServers} /> : <Styled tone="warn">Servers not visible: {diagnosis.servers.reason}</Styled>}
			<Text wrap="wrap">
				Meta group:{' '}
				{meta.kind === 'healthy' || meta.kind === 'standalone' ? <Styled tone="ok">{glyphs.ok} {meta.kind}</Styled> : meta.kind === 'no-quorum' ? <Styled tone="bad">{glyphs.fail} NO QUORUM</Styled> : <Styled tone="warn">{glyphs.warn} {meta.kind.toUpperCase()}</Styled>} — {meta.reason}
			</Text>
			{diagnosis.streams.ok ? (
				<Box flexDirection="column" marginTop={1}>
					<Text bold>Streams ({diagnosis.streams.value.total})</Text>
					{counts.map(([kind, count]) => (
						<Text key={kind}>
							{'  '}
							{kind === 'healthy' ? glyphs.ok : kind === 'self-healing-after-peer-remove' || kind === 'quorum-no-spare' ? glyphs.warn : glyphs.fail} {count} {verdictTitles[kind]}
						</Text>
					))}
				</Box>
			) : (
				<Styled tone="warn">Streams not visible: {diagnosis.streams.reason}</Styled>
			)}
			<NextSteps steps={nextSteps(assessment).filter(step => !step.startsWith('Nothing to do'))} />
		</Box>
	);
}

/** The most urgent steps; the plain report has them all. */
function NextSteps({steps, max = 3}: {readonly steps: string[]; readonly max?: number}) {
	if (steps.length === 0) return null;
	return (
		<Box flexDirection="column" marginTop={1}>
			<Text bold>Next steps</Text>
			{steps.slice(0, max).map(step => (
				<Text key={step} wrap="wrap">
					{'  - '}
					{step}
				</Text>
			))}
			{steps.length > max && <Styled tone="muted">  … {steps.length - max} more: `nats-dr diagnose` lists them all</Styled>}
		</Box>
	);
}
