/**
 * The wizard's root: one reducer, one effects hook, one keymap for the keys every screen shares
 * (Esc back, q quit, ? help, Ctrl+C twice to abort work), and the screen for the current state.
 */
import {Box, Text, useApp, useInput} from 'ink';
import {useEffect, useReducer} from 'react';
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
	const {abort} = useEffects(state, dispatch, services);
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
			{state.help ? <Help state={state} /> : <CurrentScreen state={state} dispatch={dispatch} services={services} listLimit={listLimit} onQuit={() => quit(exitCodes.ok)} />}
			{state.notice && <Styled tone="warn">{state.notice}</Styled>}
			{state.abortArmed && <Styled tone="bad">Press Ctrl+C again to abort (a peer-remove already sent stands; only the watching stops).</Styled>}
			<KeyHints hints={hintsFor(state)} />
		</Box>
	);
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
	listLimit,
	onQuit,
}: {
	readonly state: State;
	readonly dispatch: (action: Action) => void;
	readonly services: WizardServices;
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
				else dispatch({type: 'go', screen: {kind: 'streams', filter: '', filtering: false}});
			};

			return <OverviewScreen connection={services.connection()} diagnosis={state.diagnosis} menuLimit={listLimit} onChoose={choose} />;
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
	}
}
