/** The diagnosis overview: servers, meta group, streams by verdict, and the paths offered by them. */
import {Box, Text} from 'ink';
import type {ServerEntry, ServersView} from '../../core/diagnosis/servers.js';
import {verdictOrder, verdictTitles} from '../../recovery/stream-verdict.js';
import {ListView} from '../components/list-view.js';
import {Spinner} from '../components/spinner.js';
import {Styled} from '../components/styled.js';
import type {DiagnosisState} from '../state/diagnosis.js';
import {latestDiagnosis} from '../state/diagnosis.js';
import {vanished, type KnownServer} from '../state/known-servers.js';
import type {Item} from '../state/menus.js';
import type {ConnectionSummary, DiagnosisResult} from '../services.js';
import {useTheme} from '../theme-context.js';

type Row = Pick<ServerEntry, 'name' | 'cluster' | 'version' | 'answering' | 'metaLeader'> & {seenBefore?: boolean};

function ServerRows({view, known, max}: {readonly view: ServersView; readonly known: KnownServer[]; readonly max: number}) {
	const {glyphs} = useTheme();
	const gone: Row[] = vanished(known, view.servers).map(server => ({name: server.name, cluster: server.cluster, version: undefined, answering: false, metaLeader: false, seenBefore: true}));
	const all: Row[] = [...view.servers, ...gone];
	// Servers that do not answer first: on a short terminal they are the ones that must stay in view.
	const ordered = [...all.filter(server => !server.answering), ...all.filter(server => server.answering)];
	const shown = ordered.length > max ? ordered.slice(0, max) : ordered;
	const nameWidth = Math.max(...all.map(server => server.name.length)) + 3;
	const clusterWidth = Math.max(1, ...all.map(server => (server.cluster ?? '-').length)) + 2;
	return (
		<Box flexDirection="column">
			<Text bold wrap="truncate-end">
				Servers ({view.answered} of {view.expected + gone.length} answering; {glyphs.leader} meta leader, {glyphs.dead} not answering)
			</Text>
			{shown.map(server => (
				<Text key={server.name} wrap="truncate-end">
					{'  '}
					{`${server.name}${server.metaLeader ? glyphs.leader : ''}${server.answering ? '' : glyphs.dead}`.padEnd(nameWidth)}
					{(server.cluster ?? '-').padEnd(clusterWidth)}
					{(server.version ?? '-').padEnd(8)}
					{server.answering ? <Styled tone="ok">online</Styled> : <Styled tone="bad">NOT ANSWERING{server.seenBefore ? ' (seen earlier)' : ''}</Styled>}
				</Text>
			))}
			{shown.length < all.length && <Text>  … {all.length - shown.length} more, all online</Text>}
		</Box>
	);
}

export function OverviewScreen({
	connection,
	diagnosis,
	known = [],
	items,
	cursor,
	menuHeight,
	maxServers = 12,
}: {
	readonly connection: ConnectionSummary;
	readonly diagnosis: DiagnosisState;
	readonly known?: KnownServer[];
	readonly items: Item[];
	readonly cursor: number;
	readonly menuHeight: number;
	readonly maxServers?: number;
}) {
	const result = latestDiagnosis(diagnosis);
	const system = connection.system.kind === 'none' ? `no system account (${connection.system.reason})` : connection.system.kind === 'separate' ? 'system account: separate credentials' : 'system account: same connection';
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
			{diagnosis.kind === 'loading' && <Spinner label={result ? 'refreshing diagnosis…' : 'diagnosing the cluster…'} />}
			{diagnosis.kind === 'failed' && <Styled tone="bad" wrap="wrap">Diagnosis failed: {diagnosis.message}</Styled>}
			{result ? (
				<Summary result={result} known={known} maxServers={maxServers} />
			) : diagnosis.kind === 'loading' && diagnosis.servers ? (
				<ServerRows view={diagnosis.servers} known={known} max={maxServers} />
			) : null}
			<Box marginTop={1}>
				<ListView items={items} cursor={cursor} height={menuHeight} wrap />
			</Box>
		</Box>
	);
}

function Summary({result, known, maxServers}: {readonly result: DiagnosisResult; readonly known: KnownServer[]; readonly maxServers: number}) {
	const {diagnosis, assessment} = result;
	const {glyphs} = useTheme();
	const counts = verdictOrder
		.map(kind => [kind, assessment.streams.filter(verdict => verdict.kind === kind).length] as const)
		.filter(([, count]) => count > 0);
	const meta = assessment.meta;
	return (
		<Box flexDirection="column" marginTop={1}>
			{diagnosis.servers.ok ? <ServerRows view={diagnosis.servers.value} known={known} max={maxServers} /> : <Styled tone="warn">Servers not visible: {diagnosis.servers.reason}</Styled>}
			<Text wrap="wrap">
				Meta group:{' '}
				{meta.kind === 'healthy' ? <Styled tone="ok">{glyphs.ok} healthy</Styled> : meta.kind === 'no-quorum' ? <Styled tone="bad">{glyphs.fail} NO QUORUM</Styled> : <Styled tone="warn">{glyphs.warn} {meta.kind.toUpperCase()}</Styled>} — {meta.reason}
			</Text>
			{diagnosis.streams.ok ? (
				<Box flexDirection="column">
					<Text bold>Streams ({diagnosis.streams.value.total})</Text>
					{counts.map(([kind, count]) => (
						<Text key={kind} wrap="truncate-end">
							{'  '}
							{kind === 'healthy' ? glyphs.ok : kind === 'self-healing-after-peer-remove' || kind === 'quorum-no-spare' ? glyphs.warn : glyphs.fail} {count} {verdictTitles[kind]}
						</Text>
					))}
				</Box>
			) : (
				<Styled tone="warn" wrap="wrap">Streams not visible: {diagnosis.streams.reason}</Styled>
			)}
		</Box>
	);
}
