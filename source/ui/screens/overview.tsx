/** The diagnosis overview: servers, meta group, streams by verdict, and the paths offered by them. */
import {Box} from 'ink';
import {Text} from '../components/text.js';
import type {ServerEntry, ServersView} from '../../core/diagnosis/servers.js';
import {verdictOrder, verdictTitles} from '../../recovery/stream-verdict.js';
import {ListView} from '../components/list-view.js';
import {Spinner} from '../components/spinner.js';
import {Styled} from '../components/styled.js';
import {nextSteps} from '../../recovery/next-steps.js';
import type {DiagnosisState, ElectionState} from '../state/diagnosis.js';
import {latestDiagnosis} from '../state/diagnosis.js';
import {vanished, type KnownServer} from '../state/known-servers.js';
import type {Item} from '../state/menus.js';
import type {ConnectionSummary, DiagnosisResult} from '../services.js';
import {textRows} from '../input/rows.js';
import {useTheme} from '../theme-context.js';

type Row = Pick<ServerEntry, 'name' | 'cluster' | 'version' | 'answering' | 'metaLeader'> & {seenBefore?: boolean};

function ServerRows({
	view,
	known,
	max,
}: {
	readonly view: ServersView;
	readonly known: KnownServer[];
	readonly max: number;
}) {
	const {glyphs} = useTheme();
	const gone: Row[] = vanished(known, view.servers).map(server => ({
		name: server.name,
		cluster: server.cluster,
		version: undefined,
		answering: false,
		metaLeader: false,
		seenBefore: true,
	}));
	const all: Row[] = [...view.servers, ...gone];
	// Servers that do not answer first: on a short terminal they are the ones that must stay in view.
	const ordered = [...all.filter(server => !server.answering), ...all.filter(server => server.answering)];
	// Past `max` rows, the last row counts the rest instead.
	const shown = ordered.length > max ? ordered.slice(0, Math.max(1, max - 1)) : ordered;
	const nameWidth = Math.max(...all.map(server => server.name.length)) + 3;
	const clusterWidth = Math.max(1, ...all.map(server => (server.cluster ?? '-').length)) + 2;
	return (
		<Box flexDirection="column">
			<Text bold wrap="truncate-end">
				Servers ({view.answered} of {view.expected + gone.length} answering; {glyphs.leader} meta leader, {glyphs.dead}{' '}
				not answering)
			</Text>
			{shown.map(server => (
				<Text key={server.name} wrap="truncate-end">
					{'  '}
					{`${server.name}${server.metaLeader ? glyphs.leader : ''}${server.answering ? '' : glyphs.dead}`.padEnd(
						nameWidth,
					)}
					{(server.cluster ?? '-').padEnd(clusterWidth)}
					{(server.version ?? '-').padEnd(8)}
					{server.answering ? (
						<Styled tone="ok">online</Styled>
					) : (
						<Styled tone="bad">NOT ANSWERING{server.seenBefore ? ' (seen earlier)' : ''}</Styled>
					)}
				</Text>
			))}
			{shown.length < all.length && <Text> … {all.length - shown.length} more, all online</Text>}
		</Box>
	);
}

/** The election wait, in the words of the plain report's log line. */
function ElectionLine({election}: {readonly election: ElectionState}) {
	if (election.phase === 'waiting') {
		return (
			<Spinner
				label={`no meta leader: waiting for the election (${Math.floor(election.waitedMs / 1000)} of ${Math.round(election.timeoutMs / 1000)} s)`}
			/>
		);
	}

	return election.electionDueMs === undefined ? (
		<Styled tone="muted" wrap="truncate-end">
			Watching for a meta leader: this overview refreshes by itself once enough servers are back.
		</Styled>
	) : (
		<Spinner
			label={`no meta leader: waiting for the election (${Math.floor(election.electionDueMs / 1000)} s); this overview refreshes by itself`}
		/>
	);
}

/** The most urgent steps that are not menu items already; `diagnose` lists them all. */
function overviewSteps(result: DiagnosisResult | undefined, compact: boolean): string[] {
	if (!result || compact) return [];
	return nextSteps(result.assessment, undefined, 'wizard')
		.filter(step => !step.startsWith('Nothing to do'))
		.slice(0, 2);
}

export function OverviewScreen({
	connection,
	diagnosis,
	election,
	known = [],
	items,
	cursor,
	height,
	width,
}: {
	readonly connection: ConnectionSummary;
	readonly diagnosis: DiagnosisState;
	readonly election?: ElectionState | undefined;
	readonly known?: KnownServer[];
	readonly items: Item[];
	readonly cursor: number;
	/** Rows and columns the overview may use: the server list and the menu share what the rest leaves. */
	readonly height: number;
	readonly width: number;
}) {
	const result = latestDiagnosis(diagnosis);
	const meta = result?.assessment.meta;
	const verdictKinds = new Set(result?.assessment.streams.map(verdict => verdict.kind)).size;
	// On a short terminal the blank lines go first; the servers that do not answer stay in view.
	const compact = height < 24;
	const steps = overviewSteps(result, compact);
	const stepRows = steps.length > 0 ? 2 + steps.reduce((rows, step) => rows + textRows(`  - ${step}`, width), 0) : 0;
	const fixed =
		3 +
		(diagnosis.kind === 'loading' || diagnosis.kind === 'failed' ? 1 : 0) +
		(election ? 1 : 0) +
		(meta ? textRows(`Meta group: x NO QUORUM — ${meta.reason}`, width) + 1 + verdictKinds : 0) +
		stepRows +
		(compact ? 0 : 2);
	const room = Math.max(5, height - fixed);
	const view = result?.diagnosis.servers.ok
		? result.diagnosis.servers.value
		: diagnosis.kind === 'loading'
			? diagnosis.servers
			: undefined;
	const servers = view ? view.servers.length + vanished(known, view.servers).length : 0;
	const silent = view
		? view.servers.filter(server => !server.answering).length + vanished(known, view.servers).length
		: 0;
	const maxServers = Math.min(servers, Math.max(silent + (servers > silent ? 1 : 0), room - items.length));
	const menuHeight = Math.max(4, room - maxServers);
	const system =
		connection.system.kind === 'none'
			? `no system account (${connection.system.reason})`
			: connection.system.kind === 'separate'
				? 'system account: separate credentials'
				: 'system account: same connection';
	return (
		<Box flexDirection="column">
			<Text wrap="truncate-end">
				<Text bold>nats-dr</Text> {connection.servers}
			</Text>
			<Styled tone="muted" wrap="truncate-end">
				as {connection.auth}
				{connection.account ? ` in account ${connection.account}` : ''}
				{connection.context ? ` (context ${connection.context})` : ''} · {system}
			</Styled>
			{diagnosis.kind === 'loading' && election?.phase !== 'waiting' && (
				<Spinner
					elapsed
					label={`${result ? 'refreshing the diagnosis' : 'diagnosing'}: ${
						diagnosis.servers
							? 'asking each stream for its replicas and leader'
							: 'asking every server for its state (one that does not answer costs the request timeout)'
					}…`}
				/>
			)}
			{election && <ElectionLine election={election} />}
			{diagnosis.kind === 'failed' && (
				<Styled tone="bad" wrap="wrap">
					Diagnosis failed: {diagnosis.message}
				</Styled>
			)}
			{result ? (
				<Summary result={result} known={known} maxServers={maxServers} compact={compact} />
			) : diagnosis.kind === 'loading' && diagnosis.servers ? (
				<ServerRows view={diagnosis.servers} known={known} max={maxServers} />
			) : null}
			{steps.length > 0 && (
				<Box flexDirection="column" marginTop={1}>
					<Text bold>Next steps</Text>
					{steps.map(step => (
						<Text key={step} wrap="wrap">
							{'  - '}
							{step}
						</Text>
					))}
				</Box>
			)}
			<Box marginTop={compact ? 0 : 1}>
				<ListView items={items} cursor={cursor} height={menuHeight} wrap />
			</Box>
		</Box>
	);
}

function Summary({
	result,
	known,
	maxServers,
	compact,
}: {
	readonly result: DiagnosisResult;
	readonly known: KnownServer[];
	readonly maxServers: number;
	readonly compact: boolean;
}) {
	const {diagnosis, assessment} = result;
	const {glyphs} = useTheme();
	const counts = verdictOrder
		.map(kind => [kind, assessment.streams.filter(verdict => verdict.kind === kind).length] as const)
		.filter(([, count]) => count > 0);
	const meta = assessment.meta;
	return (
		<Box flexDirection="column" marginTop={compact ? 0 : 1}>
			{diagnosis.servers.ok ? (
				<ServerRows view={diagnosis.servers.value} known={known} max={maxServers} />
			) : (
				<Styled tone="warn">Servers not visible: {diagnosis.servers.reason}</Styled>
			)}
			<Text wrap="wrap">
				Meta group:{' '}
				{meta.kind === 'healthy' || meta.kind === 'standalone' ? (
					<Styled tone="ok">
						{glyphs.ok} {meta.kind}
					</Styled>
				) : meta.kind === 'no-quorum' ? (
					<Styled tone="bad">{glyphs.fail} NO QUORUM</Styled>
				) : (
					<Styled tone="warn">
						{glyphs.warn} {meta.kind.toUpperCase()}
					</Styled>
				)}{' '}
				— {meta.reason}
			</Text>
			{diagnosis.streams.ok ? (
				<Box flexDirection="column">
					<Text bold>Streams ({diagnosis.streams.value.total})</Text>
					{counts.map(([kind, count]) => (
						<Text key={kind} wrap="truncate-end">
							{'  '}
							{kind === 'healthy'
								? glyphs.ok
								: kind === 'self-healing-after-peer-remove' || kind === 'quorum-no-spare'
									? glyphs.warn
									: glyphs.fail}{' '}
							{count} {verdictTitles[kind]}
						</Text>
					))}
				</Box>
			) : (
				<Styled tone="warn" wrap="wrap">
					Streams not visible: {diagnosis.streams.reason}
				</Styled>
			)}
		</Box>
	);
}
