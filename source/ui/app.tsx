/**
 * The wizard's root: one store and reducer that every key press and every result goes through,
 * one hook per piece of work, and the screen for the current state looked up in a table.
 */
import {Box, useApp} from 'ink';
import {Text} from './components/text.js';
import {useEffect, useRef, type ReactElement} from 'react';
import type {PlanCheckEvent} from '../core/restore/plan.js';
import type {RestoreProgress} from '../core/restore/restore.js';
import {exitCodes, type ExitCode} from '../core/errors.js';
import {removalImpact} from '../recovery/impact.js';
import {Bullet} from './components/bullet.js';
import {KeyHints} from './components/key-hints.js';
import {ListView} from './components/list-view.js';
import {Spinner} from './components/spinner.js';
import {Styled} from './components/styled.js';
import {useTerminalSize} from './hooks/use-terminal-size.js';
import {textRows} from './input/rows.js';
import {useKeys} from './input/use-keys.js';
import {hintsFor, helpFor} from './keymap.js';
import {createProgressStore} from './progress-store.js';
import {BackupDirScreen, BackupRunScreen, BackupSelectScreen} from './screens/backup.js';
import {FailoverConfirmScreen, FailoverPlanScreen, FailoverRunScreen} from './screens/failover.js';
import {FindingsScreen} from './screens/findings.js';
import {InspectScreen} from './screens/inspect.js';
import {OverviewScreen} from './screens/overview.js';
import {
	QuorumScreen,
	RecoveryConfirmScreen,
	RecoveryNodeScreen,
	RecoveryPlanScreen,
	RecoveryRunScreen,
} from './screens/recovery.js';
import {
	DeleteConfirmScreen,
	RestoreConfirmScreen,
	RestoreDirScreen,
	RestorePickScreen,
	RestorePlanScreen,
	RestoreRunScreen,
} from './screens/restore.js';
import {ProtectConfirmScreen, ProtectPlanScreen, ProtectRunScreen} from './screens/protect.js';
import {ReadinessScreen} from './screens/readiness.js';
import {ServersScreen, StreamsScreen} from './screens/streams.js';
import type {MenuScreenProps} from './screens/menu-screen-props.js';
import type {WizardServices} from './services.js';
import type {BackupLive} from './state/backup-live.js';
import {missingServers} from './state/known-servers.js';
import {initialState, latestDiagnosis, reducer, type Action, type State} from './state/machine.js';
import {backupChoices, menuItems, shownFindings, streamsOf} from './state/menus.js';
import type {ScreenKind, ScreenOf} from './state/screen.js';
import {createStore, useStore, type Store} from './state/store.js';
import {useDemoRestart, useDiagnosis, useElectionWatch, usePeerRemove} from './state/use-effects.js';
import {
	useFailoverPlan,
	useFailoverRun,
	useProtectPlan,
	useProtectRun,
	useReadiness,
} from './state/use-region-effects.js';
import {
	useBackupCheck,
	useBackupList,
	useBackupRun,
	usePathCompletion,
	useRestoreDefault,
	useRestorePlan,
	useRestoreRun,
	useStreamDelete,
	type TransferStores,
} from './state/use-transfer-effects.js';

export type AppProps = {
	readonly services: WizardServices;
	/** Called once with the exit code and the final state, before Ink unmounts. */
	readonly onExit: (code: ExitCode, state: State) => void;
	readonly initial?: State;
	readonly banner?: string[];
	readonly signal?: AbortSignal;
};

export function App({services, onExit, initial = initialState, banner = [], signal}: AppProps) {
	const store = useRef<Store<State, Action>>(undefined);
	store.current ??= createStore(reducer, {
		...initial,
		backupRoot: initial.backupRoot || services.defaultBackupRoot(),
		demoServers: services.demo?.servers ?? [],
		briefing: {lines: banner, shown: false},
	});
	const {dispatch} = store.current;
	const state = useStore(store.current);
	const {exit} = useApp();
	const {rows, columns} = useTerminalSize();
	const stores = useRef<TransferStores>({
		backup: createProgressStore<BackupLive>(),
		restore: createProgressStore<RestoreProgress>(),
		plan: createProgressStore<PlanCheckEvent>(),
	}).current;
	const result = latestDiagnosis(state.diagnosis);
	const streamBytes = (name: string) => streamsOf(state).find(stream => stream.name === name)?.bytes ?? 0;

	useKeys(presses => dispatch({type: 'keys', presses}));
	useDiagnosis(state, dispatch, services);
	useElectionWatch(state, dispatch, services);
	const recovery = usePeerRemove(state, dispatch, services);
	const restart = useDemoRestart(state, dispatch, services);
	useBackupCheck(state, dispatch, services);
	const backup = useBackupRun(state, dispatch, services, stores, streamBytes);
	useBackupList(state, dispatch, services);
	useRestorePlan(state, dispatch, services, stores);
	const restore = useRestoreRun(state, dispatch, services, stores);
	useStreamDelete(state, dispatch, services);
	usePathCompletion(state, dispatch, services);
	useRestoreDefault(state, dispatch, services);
	useReadiness(state, dispatch, services);
	useFailoverPlan(state, dispatch, services);
	const failover = useFailoverRun(state, dispatch, services);
	useProtectPlan(state, dispatch, services);
	const protect = useProtectRun(state, dispatch, services);

	useEffect(() => {
		if (!state.exit) return;
		if (state.exit.abort) {
			recovery.abort();
			restart.abort();
			backup.abort();
			restore.abort();
			failover.abort();
			protect.abort();
		}

		onExit(state.exit.code, state);
		exit();
	}, [state.exit]);

	useEffect(() => {
		if (!signal) return;
		const stop = () => dispatch({type: 'quit', code: exitCodes.aborted, abort: true});
		if (signal.aborted) stop();
		signal.addEventListener('abort', stop, {once: true});
		return () => signal.removeEventListener('abort', stop);
	}, [signal]);

	const onOverview = state.screen.kind === 'overview' && banner.length > 0 && !state.briefing.shown && !state.help;
	// A short terminal keeps one line of the banner; `b` opens the whole briefing in place of the screen.
	const showBanner = onOverview && rows >= 30;
	const bannerLine = onOverview && !showBanner ? `${banner[0]!} · b: what was broken` : undefined;
	const bannerRows = showBanner
		? banner.reduce((total, line) => total + textRows(line, columns), 1)
		: bannerLine
			? 1
			: 0;
	// The hint bar (and a notice, or the abort warning, when there is one) stays below every screen.
	const below =
		textRows(
			hintsFor(state)
				.map(([key, action]) => `${key} ${action}`)
				.join(' · '),
			columns,
		) +
		(state.notice ? textRows(state.notice, columns) : 0) +
		(state.abortArmed ? 2 : 0);
	const height = Math.max(6, rows - below - bannerRows);
	const Screen = screenTable[state.screen.kind] as ScreenView<ScreenKind>;
	return (
		<Box flexDirection="column">
			{showBanner && (
				<Box flexDirection="column" marginBottom={1}>
					{banner.map(line => (
						<Styled key={line} tone="accent" wrap="wrap">
							{line}
						</Styled>
					))}
				</Box>
			)}
			{bannerLine && (
				<Styled tone="accent" wrap="truncate-end">
					{bannerLine}
				</Styled>
			)}
			{state.briefing.shown ? (
				<Briefing lines={banner} />
			) : state.help ? (
				<Help state={state} />
			) : (
				<Screen
					state={state}
					screen={state.screen}
					services={services}
					stores={stores}
					height={height}
					width={columns}
				/>
			)}
			{state.notice && (
				<Styled tone="warn" wrap="wrap">
					{state.notice}
				</Styled>
			)}
			{state.abortArmed && (
				<Styled tone="bad" wrap="wrap">
					{abortWarning(state)}
				</Styled>
			)}
			{!result && state.diagnosis.kind === 'failed' && state.screen.kind !== 'overview' && (
				<Styled tone="bad">Diagnosis failed: {state.diagnosis.message}</Styled>
			)}
			<KeyHints hints={hintsFor(state)} />
		</Box>
	);
}

type ScreenProps<K extends ScreenKind> = {
	readonly state: State;
	readonly screen: ScreenOf<K>;
	readonly services: WizardServices;
	readonly stores: TransferStores;
	/** Rows and columns this screen may use. */
	readonly height: number;
	readonly width: number;
};

type ScreenView<K extends ScreenKind> = (props: ScreenProps<K>) => ReactElement;

const waiting = <Text>Waiting for the diagnosis…</Text>;

/** The view of a screen that draws from its own state, with the menu the state gives it. */
function withMenu<K extends ScreenKind>(View: (props: MenuScreenProps<K>) => ReactElement): ScreenView<K> {
	return ({state, screen, height, width}) => (
		<View screen={screen} items={menuItems(state)} height={height} width={width} />
	);
}

/** Which component draws which screen: adding a screen kind without a view does not compile. */
const screenTable: {[K in ScreenKind]: ScreenView<K>} = {
	overview: ({state, screen, services, height, width}) => (
		<OverviewScreen
			connection={services.connection()}
			diagnosis={state.diagnosis}
			election={state.election}
			known={state.known}
			items={menuItems(state)}
			cursor={screen.ui.cursor}
			height={height}
			width={width}
		/>
	),
	streams: ({state, screen, height}) => (
		<StreamsScreen
			items={menuItems(state)}
			total={latestDiagnosis(state.diagnosis)?.assessment.streams.length ?? 0}
			ui={screen.ui}
			height={height}
		/>
	),
	servers: ({state, screen, height}) => <ServersScreen items={menuItems(state)} ui={screen.ui} height={height} />,
	inspect: ({state, screen}) => {
		const result = latestDiagnosis(state.diagnosis);
		const view = streamsOf(state).find(stream => stream.name === screen.stream);
		const verdict = result?.assessment.streams.find(candidate => candidate.stream === screen.stream);
		if (!result || !view || !verdict) return <Text>Stream {screen.stream} is not in the latest diagnosis.</Text>;
		return <InspectScreen stream={view} verdict={verdict} facts={result.assessment.facts} />;
	},
	findings: ({screen, height, width}) => (
		<FindingsScreen
			title={screen.title}
			rows={shownFindings(screen)}
			total={screen.findings.length}
			ui={screen.ui}
			height={height}
			width={width}
		/>
	),
	quorum: ({state, screen}) => {
		const result = latestDiagnosis(state.diagnosis);
		if (!result) return waiting;
		return (
			<QuorumScreen
				assessment={result.assessment}
				missing={missingServers(state.known, result)}
				restarted={screen.restarted}
				waiting={screen.waiting}
				problem={screen.problem}
				items={menuItems(state)}
				ui={screen.ui}
			/>
		);
	},
	'recovery-node': ({state, screen}) => (
		<RecoveryNodeScreen
			items={menuItems(state)}
			ui={screen.ui}
			missing={missingServers(state.known, latestDiagnosis(state.diagnosis))}
		/>
	),
	'recovery-plan': ({state, screen, height}) => {
		const result = latestDiagnosis(state.diagnosis);
		if (!result) return waiting;
		const impacts = removalImpact(screen.server, streamsOf(state), result.assessment);
		return (
			<RecoveryPlanScreen
				server={screen.server}
				assessment={result.assessment}
				impacts={impacts}
				missing={missingServers(state.known, result)}
				items={menuItems(state)}
				ui={screen.ui}
				maxStreams={Math.max(1, Math.floor((height - 10) / 2))}
			/>
		);
	},
	'recovery-confirm': ({screen}) => (
		<RecoveryConfirmScreen server={screen.server} impacts={screen.impacts} ui={screen.ui} />
	),
	'recovery-run': withMenu(RecoveryRunScreen),
	'backup-select': ({state, screen, height}) => {
		const selected = new Set(screen.selected);
		const bytes = streamsOf(state).reduce(
			(total, stream) => total + (selected.has(stream.name) ? (stream.bytes ?? 0) : 0),
			0,
		);
		return (
			<BackupSelectScreen
				items={backupChoices(state)}
				total={streamsOf(state).length}
				selected={screen.selected}
				bytes={bytes}
				ui={screen.ui}
				height={height}
			/>
		);
	},
	'backup-dir': ({screen}) => <BackupDirScreen screen={screen} />,
	'backup-run': ({state, screen, stores, height}) => (
		<BackupRunScreen
			screen={screen}
			store={stores.backup}
			items={menuItems(state)}
			maxLines={Math.max(3, height - 6)}
		/>
	),
	'restore-dir': ({screen}) => <RestoreDirScreen screen={screen} />,
	'restore-pick': withMenu(RestorePickScreen),
	'restore-plan': ({state, screen, stores, height, width}) => (
		<RestorePlanScreen screen={screen} checks={stores.plan} items={menuItems(state)} height={height} width={width} />
	),
	'restore-confirm': ({screen}) => <RestoreConfirmScreen plan={screen.plan} ui={screen.ui} />,
	'restore-run': ({state, screen, stores}) => (
		<RestoreRunScreen screen={screen} store={stores.restore} items={menuItems(state)} />
	),
	readiness: withMenu(ReadinessScreen),
	'failover-plan': withMenu(FailoverPlanScreen),
	'failover-confirm': ({screen}) => <FailoverConfirmScreen plan={screen.plan} ui={screen.ui} />,
	'failover-run': withMenu(FailoverRunScreen),
	'protect-plan': withMenu(ProtectPlanScreen),
	'protect-confirm': ({screen}) => <ProtectConfirmScreen plan={screen.plan} ui={screen.ui} />,
	'protect-run': withMenu(ProtectRunScreen),
	'delete-confirm': ({state, screen}) => {
		const verdict = latestDiagnosis(state.diagnosis)?.assessment.streams.find(
			candidate => candidate.stream === screen.stream,
		);
		return (
			<DeleteConfirmScreen
				stream={screen.stream}
				broken={verdict?.kind === 'r1-on-dead-node' || verdict?.kind === 'no-quorum'}
				ui={screen.ui}
			/>
		);
	},
	'delete-run': ({state, screen}) =>
		screen.phase === 'running' ? (
			<Spinner elapsed label={`asking the meta leader to delete ${screen.stream} and waiting for its reply…`} />
		) : (
			<Box flexDirection="column">
				<Styled tone="bad" wrap="wrap">
					Deleting {screen.stream} failed: {screen.message}
				</Styled>
				<ListView items={menuItems(state)} cursor={screen.ui.cursor} height={2} />
			</Box>
		),
};

function abortWarning(state: State): string {
	switch (state.screen.kind) {
		case 'backup-run': {
			return 'Press Ctrl+C again to abort the backup: the stream being backed up leaves no backup behind.';
		}

		case 'failover-run': {
			return `Press Ctrl+C again to abort the failover: a step already taken stands (see the audit log); only what follows stops.`;
		}

		case 'protect-run': {
			return 'Press Ctrl+C again to stop watching: a mirror already created stays and keeps catching up.';
		}

		case 'restore-run': {
			return `Press Ctrl+C again to abort the restore: the stream ${state.screen.plan.stream} may remain partially restored.`;
		}

		default: {
			return 'Press Ctrl+C again to abort (a peer-remove already sent stands; only the watching stops).';
		}
	}
}

function Briefing({lines}: {readonly lines: string[]}) {
	const [title, ...broke] = lines;
	return (
		<Box flexDirection="column" marginBottom={1}>
			<Styled tone="accent" bold wrap="wrap">
				{title}
			</Styled>
			{broke.map(line => (
				<Bullet key={line} lead="-">
					{line}
				</Bullet>
			))}
		</Box>
	);
}

function Help({state}: {readonly state: State}) {
	return (
		<Box flexDirection="column" marginBottom={1}>
			<Text bold>Keys</Text>
			{helpFor(state).map(([key, action]) => (
				<Box key={key}>
					<Box width={16} flexShrink={0}>
						<Text>{`  ${key}`}</Text>
					</Box>
					<Text wrap="wrap">{action}</Text>
				</Box>
			))}
		</Box>
	);
}
