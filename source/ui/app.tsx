/**
 * The wizard's root: one reducer, one effects hook, one keymap for the keys every screen shares
 * (Esc back, q quit, ? help, Ctrl+C twice to abort work), and the screen for the current state.
 */
import {Box, useApp, useInput} from 'ink';
import {Text} from './components/text.js';
import {useEffect, useReducer, useRef} from 'react';
import type {RestoreProgress} from '../core/restore/restore.js';
import type {RestoreOverrides} from '../core/restore/overrides.js';
import {createProgressStore} from './progress-store.js';
import {BackupDirScreen, BackupRunScreen, BackupSelectScreen} from './screens/backup.js';
import type {BackupLive} from './state/backup-live.js';
import {DeleteConfirmScreen, RestoreConfirmScreen, RestoreDirScreen, RestorePickScreen, RestorePlanScreen, RestoreRunScreen, type PlanChoice} from './screens/restore.js';
import {planScreen, useTransferEffects, type TransferStores} from './state/use-transfer-effects.js';
import {Spinner} from './components/spinner.js';
import {exitCodes, type ExitCode} from '../core/errors.js';
import {removalImpact} from '../recovery/impact.js';
import {KeyHints} from './components/key-hints.js';
import {Styled} from './components/styled.js';
import {useTerminalSize} from './hooks/use-terminal-size.js';
import {hintsFor, helpFor} from './keymap.js';
import {InspectScreen} from './screens/inspect.js';
import {OverviewScreen, type OverviewChoice} from './screens/overview.js';
import {RecoveryConfirmScreen, RecoveryNodeScreen, RecoveryPlanScreen, RecoveryRunScreen} from './screens/recovery.js';
import {StreamsScreen} from './screens/streams.js';
import type {WizardServices} from './services.js';
import {initialState, isBusy, isTextEntry, latestDiagnosis, reducer, type Action, type State} from './state/machine.js';
import {useEffects} from './state/use-effects.js';

export type AppProps = {
	readonly services: WizardServices;
	/** Called once with the exit code and the final state, before Ink unmounts. */
	readonly onExit: (code: ExitCode, state: State) => void;
	readonly initial?: State;
	readonly banner?: string[];
	readonly signal?: AbortSignal;
};

export function App({services, onExit, initial = initialState, banner = [], signal}: AppProps) {
	const [state, dispatch] = useReducer(reducer, initial);
	const {exit} = useApp();
	const {rows} = useTerminalSize();
	const stores = useRef<TransferStores>({backup: createProgressStore<BackupLive>(), restore: createProgressStore<RestoreProgress>()}).current;
	const result = latestDiagnosis(state.diagnosis);
	const streamBytes = (name: string) => (result?.diagnosis.streams.ok ? (result.diagnosis.streams.value.streams.find(stream => stream.name === name)?.bytes ?? 0) : 0);
	const recovery = useEffects(state, dispatch, services);
	const transfers = useTransferEffects(state, dispatch, services, stores, streamBytes);
	const abort = () => {
		recovery.abort();
		transfers.abort();
	};

	const quit = (code: ExitCode) => {
		onExit(code, state);
		exit();
	};

	useEffect(() => {
		if (!signal) return;
		const stop = () => {
			abort();
			quit(exitCodes.aborted);
		};

		if (signal.aborted) stop();
		signal.addEventListener('abort', stop, {once: true});
		return () => signal.removeEventListener('abort', stop);
	});

	useInput((input, key) => {
		if (key.ctrl && input === 'c') {
			if (!isBusy(state.screen)) return quit(exitCodes.ok);
			if (!state.abortArmed) return dispatch({type: 'arm-abort'});
			abort();
			return quit(exitCodes.aborted);
		}

		if (state.abortArmed) dispatch({type: 'disarm-abort'});
		if (key.escape) return dispatch({type: 'back'});
		if (isTextEntry(state.screen)) return;
		if (input === '?') return dispatch({type: 'toggle-help'});
		if (input === 'q') {
			if (isBusy(state.screen)) return dispatch({type: 'notice', message: 'work is running: q quits once it is done; Ctrl+C twice aborts'});
			return quit(exitCodes.ok);
		}

		if (input === 'r' && (state.screen.kind === 'overview' || state.screen.kind === 'streams')) return dispatch({type: 'refresh'});
		if (input === '/' && state.screen.kind === 'streams') return dispatch({type: 'filter', filter: state.screen.filter, filtering: true});
	});

	const listLimit = Math.max(3, rows - 14);
	return (
		<Box flexDirection="column">
			{state.screen.kind === 'overview' && banner.length > 0 && (
				<Box flexDirection="column" marginBottom={1}>
					{banner.map(line => (
						<Styled key={line} tone="accent" wrap="wrap">
							{line}
						</Styled>
					))}
				</Box>
			)}
			{state.help ? <Help state={state} /> : <CurrentScreen state={state} dispatch={dispatch} services={services} stores={stores} listLimit={listLimit} onQuit={() => quit(exitCodes.ok)} />}
			{state.notice && <Styled tone="warn">{state.notice}</Styled>}
			{state.abortArmed && <Styled tone="bad">{abortWarning(state)}</Styled>}
			<KeyHints hints={hintsFor(state)} />
		</Box>
	);
}

function abortWarning(state: State): string {
	switch (state.screen.kind) {
		case 'backup-run': {
			return 'Press Ctrl+C again to abort the backup: the stream being backed up leaves no backup behind.';
		}

		case 'restore-run': {
			return `Press Ctrl+C again to abort the restore: the stream ${state.screen.plan.stream} may remain partially restored.`;
		}

		default: {
			return 'Press Ctrl+C again to abort (a peer-remove already sent stands; only the watching stops).';
		}
	}
}

function Help({state}: {readonly state: State}) {
	return (
		<Box flexDirection="column" marginBottom={1}>
			<Text bold>Keys</Text>
			{helpFor(state).map(([key, action]) => (
				<Text key={key}>
					{'  '}
					{key.padEnd(12)}
					{action}
				</Text>
			))}
		</Box>
	);
}

function CurrentScreen({
	state,
	dispatch,
	services,
	stores,
	listLimit,
	onQuit,
}: {
	readonly state: State;
	readonly dispatch: (action: Action) => void;
	readonly services: WizardServices;
	readonly stores: TransferStores;
	readonly listLimit: number;
	readonly onQuit: () => void;
}) {
	const {screen} = state;
	const result = latestDiagnosis(state.diagnosis);
	switch (screen.kind) {
		case 'overview': {
			const choose = (choice: OverviewChoice) => {
				if (choice === 'quit') onQuit();
				else if (choice === 'refresh') dispatch({type: 'refresh'});
				else if (choice === 'recovery') dispatch({type: 'go', screen: {kind: 'recovery-node'}});
				else if (choice === 'backup') dispatch({type: 'go', screen: {kind: 'backup-select', selected: []}});
				else if (choice === 'restore') dispatch({type: 'go', screen: {kind: 'restore-dir', dir: services.defaultBackupRoot(), loading: false, problem: undefined}});
				else dispatch({type: 'go', screen: {kind: 'streams', filter: '', filtering: false}});
			};

			return <OverviewScreen connection={services.connection()} diagnosis={state.diagnosis} election={state.election} menuLimit={listLimit} maxServers={Math.max(3, listLimit - 6)} onChoose={choose} />;
		}

		case 'streams': {
			return (
				<StreamsScreen
					verdicts={result?.assessment.streams ?? []}
					filter={screen.filter}
					filtering={screen.filtering}
					limit={listLimit}
					onFilter={(filter, filtering) => dispatch({type: 'filter', filter, filtering})}
					onPick={stream => dispatch({type: 'go', screen: {kind: 'inspect', stream}})}
				/>
			);
		}

		case 'inspect': {
			const view = result?.diagnosis.streams.ok ? result.diagnosis.streams.value.streams.find(stream => stream.name === screen.stream) : undefined;
			const verdict = result?.assessment.streams.find(candidate => candidate.stream === screen.stream);
			if (!result || !view || !verdict) return <Text>Stream {screen.stream} is not in the latest diagnosis.</Text>;
			return <InspectScreen stream={view} verdict={verdict} facts={result.assessment.facts} />;
		}

		case 'recovery-node': {
			if (!result) return <Text>Waiting for the diagnosis…</Text>;
			return <RecoveryNodeScreen assessment={result.assessment} onPick={server => dispatch({type: 'go', screen: {kind: 'recovery-plan', server}})} />;
		}

		case 'recovery-plan': {
			if (!result) return <Text>Waiting for the diagnosis…</Text>;
			const streams = result.diagnosis.streams.ok ? result.diagnosis.streams.value.streams : [];
			const impacts = removalImpact(screen.server, streams, result.assessment);
			return (
				<RecoveryPlanScreen
					server={screen.server}
					assessment={result.assessment}
					impacts={impacts}
					maxStreams={Math.max(2, Math.floor((listLimit - 2) / 2))}
					onProceed={() => dispatch({type: 'go', screen: {kind: 'recovery-confirm', server: screen.server, impacts}})}
				/>
			);
		}

		case 'recovery-confirm': {
			return (
				<RecoveryConfirmScreen
					server={screen.server}
					impacts={screen.impacts}
					onConfirm={() => dispatch({type: 'replace', screen: {kind: 'recovery-run', server: screen.server, impacts: screen.impacts, phase: 'removing', states: [], message: undefined}})}
				/>
			);
		}

		case 'recovery-run': {
			return <RecoveryRunScreen server={screen.server} phase={screen.phase} states={screen.states} message={screen.message} onBack={() => dispatch({type: 'back'})} />;
		}

		case 'backup-select': {
			const streams = result?.diagnosis.streams.ok ? result.diagnosis.streams.value.streams : [];
			return (
				<BackupSelectScreen
					streams={streams}
					selected={screen.selected}
					limit={listLimit}
					onChange={selected => dispatch({type: 'patch', kind: 'backup-select', patch: {selected}})}
					onSubmit={() => {
						if (screen.selected.length === 0) return dispatch({type: 'notice', message: 'select at least one stream with space (a selects all)'});
						const neededBytes = streams.filter(stream => screen.selected.includes(stream.name)).reduce((total, stream) => total + (stream.bytes ?? 0), 0);
						dispatch({type: 'go', screen: {kind: 'backup-dir', streams: screen.selected, neededBytes, dir: services.defaultBackupRoot(), checking: false, problem: undefined}});
					}}
				/>
			);
		}

		case 'backup-dir': {
			return (
				<BackupDirScreen
					streams={screen.streams}
					neededBytes={screen.neededBytes}
					dir={screen.dir}
					checking={screen.checking}
					problem={screen.problem}
					complete={async partial => services.completePath(partial)}
					onChange={dir => dispatch({type: 'patch', kind: 'backup-dir', patch: {dir, problem: undefined}})}
					onSubmit={dir => dispatch({type: 'patch', kind: 'backup-dir', patch: {dir: dir.trim(), checking: true, problem: undefined}})}
				/>
			);
		}

		case 'backup-run': {
			return <BackupRunScreen root={screen.root} phase={screen.phase} results={screen.results} store={stores.backup} maxLines={Math.max(3, listLimit - 2)} onBack={() => dispatch({type: 'back'})} />;
		}

		case 'restore-dir': {
			return (
				<RestoreDirScreen
					dir={screen.dir}
					loading={screen.loading}
					problem={screen.problem}
					complete={async partial => services.completePath(partial)}
					onChange={dir => dispatch({type: 'patch', kind: 'restore-dir', patch: {dir, problem: undefined}})}
					onSubmit={dir => dispatch({type: 'patch', kind: 'restore-dir', patch: {dir: dir.trim(), loading: true, problem: undefined}})}
				/>
			);
		}

		case 'restore-pick': {
			return <RestorePickScreen root={screen.root} backups={screen.backups} limit={listLimit} onPick={dir => dispatch({type: 'go', screen: planScreen(dir)})} />;
		}

		case 'restore-plan': {
			const verdict = screen.plan ? result?.assessment.streams.find(candidate => candidate.stream === screen.plan!.stream) : undefined;
			const blockedBy = verdict?.kind === 'r1-on-dead-node' ? verdict.deadPeers.find(server => result?.assessment.meta.dead.includes(server)) : undefined;
			const choose = (choice: PlanChoice) => {
				if (choice === 'continue' && screen.plan) dispatch({type: 'go', screen: {kind: 'restore-confirm', plan: screen.plan}});
				else if (choice === 'delete' && screen.plan) dispatch({type: 'go', screen: {kind: 'delete-confirm', stream: screen.plan.stream, returnTo: screen}});
				else if (choice === 'peer-remove' && blockedBy) dispatch({type: 'go', screen: {kind: 'recovery-plan', server: blockedBy}});
				else if (choice === 'no-placement') dispatch({type: 'patch', kind: 'restore-plan', patch: {overrides: {replicas: screen.overrides.replicas, dropPlacement: true}, plan: undefined}});
				else if (choice !== 'continue' && choice !== 'delete') dispatch({type: 'patch', kind: 'restore-plan', patch: {editing: choice}});
			};

			return (
				<RestorePlanScreen
					dir={screen.dir}
					overrides={screen.overrides}
					plan={screen.plan}
					problem={screen.problem}
					editing={screen.editing}
					brokenStream={verdict?.kind === 'r1-on-dead-node' || verdict?.kind === 'no-quorum'}
					blockedBy={blockedBy}
					onChoose={choose}
					onEdit={(field, value) => dispatch({type: 'patch', kind: 'restore-plan', patch: {editing: undefined, plan: undefined, overrides: editOverrides(screen.overrides, field, value)}})}
				/>
			);
		}

		case 'restore-confirm': {
			return <RestoreConfirmScreen plan={screen.plan} onConfirm={() => dispatch({type: 'replace', screen: {kind: 'restore-run', plan: screen.plan, phase: 'running', message: undefined, result: undefined}})} />;
		}

		case 'restore-run': {
			return <RestoreRunScreen stream={screen.plan.stream} phase={screen.phase} message={screen.message} result={screen.result} store={stores.restore} onBack={() => dispatch({type: 'back'})} />;
		}

		case 'delete-confirm': {
			const deleteVerdict = result?.assessment.streams.find(candidate => candidate.stream === screen.stream);
			return <DeleteConfirmScreen stream={screen.stream} broken={deleteVerdict?.kind === 'r1-on-dead-node' || deleteVerdict?.kind === 'no-quorum'} onConfirm={() => dispatch({type: 'replace', screen: {kind: 'delete-run', stream: screen.stream, returnTo: screen.returnTo, phase: 'running', message: undefined}})} />;
		}

		case 'delete-run': {
			return screen.phase === 'running' ? <Spinner label={`deleting ${screen.stream}…`} /> : <Styled tone="bad">Deleting {screen.stream} failed: {screen.message}</Styled>;
		}
	}
}

function editOverrides(overrides: RestoreOverrides, field: 'replicas' | 'cluster' | 'tags', value: string | undefined): RestoreOverrides {
	const {dropPlacement: _dropped, ...rest} = overrides;
	if (field === 'replicas') return {...overrides, replicas: value === undefined ? undefined : Number(value)};
	if (field === 'cluster') return {...rest, cluster: value};
	return {...rest, tags: value === undefined ? undefined : value.split(',').map(tag => tag.trim()).filter(Boolean)};
}
