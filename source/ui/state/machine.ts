/**
 * The wizard's flow as one reducer over a discriminated union of screens: impossible
 * combinations cannot be represented, and every transition is testable without Ink.
 * Esc pops the history; screens whose work is running refuse to be left.
 */
import type {AuditEntry} from '../../core/audit.js';
import type {WatchState} from '../../core/recovery-actions.js';
import type {StreamImpact} from '../../recovery/impact.js';
import type {ServersView} from '../../core/diagnosis/servers.js';
import type {DiagnosisResult} from '../services.js';

export type Screen =
	| {kind: 'overview'}
	| {kind: 'streams'; filter: string; filtering: boolean}
	| {kind: 'inspect'; stream: string}
	| {kind: 'recovery-node'}
	| {kind: 'recovery-plan'; server: string}
	| {kind: 'recovery-confirm'; server: string; impacts: StreamImpact[]}
	| {kind: 'recovery-run'; server: string; impacts: StreamImpact[]; phase: 'removing' | 'watching' | 'done' | 'failed'; states: WatchState[]; message: string | undefined};

export type ScreenKind = Screen['kind'];

export type DiagnosisState =
	| {kind: 'loading'; previous: DiagnosisResult | undefined; servers?: ServersView | undefined}
	| {kind: 'ready'; result: DiagnosisResult}
	| {kind: 'failed'; message: string; previous: DiagnosisResult | undefined};

export type State = {
	screen: Screen;
	history: Screen[];
	diagnosis: DiagnosisState;
	/** Bumped to ask the effects for a fresh diagnosis. */
	diagnosisRequest: number;
	help: boolean;
	/** A Ctrl+C was pressed while work runs: the next one aborts. */
	abortArmed: boolean;
	/** Everything done in this session, for the end summary. */
	done: AuditEntry[];
	notice: string | undefined;
};

export type Action =
	| {type: 'go'; screen: Screen}
	| {type: 'back'}
	| {type: 'replace'; screen: Screen}
	| {type: 'refresh'}
	| {type: 'diagnosis-loaded'; result: DiagnosisResult}
	| {type: 'servers-loaded'; servers: ServersView}
	| {type: 'diagnosis-failed'; message: string}
	| {type: 'toggle-help'}
	| {type: 'arm-abort'}
	| {type: 'disarm-abort'}
	| {type: 'recorded'; entry: AuditEntry}
	| {type: 'notice'; message: string | undefined}
	| {type: 'watch-update'; states: WatchState[]}
	| {type: 'run-phase'; phase: 'watching' | 'done' | 'failed'; message?: string}
	| {type: 'filter'; filter: string; filtering: boolean};

export const initialState: State = {
	screen: {kind: 'overview'},
	history: [],
	diagnosis: {kind: 'loading', previous: undefined},
	diagnosisRequest: 0,
	help: false,
	abortArmed: false,
	done: [],
	notice: undefined,
};

/** Screens where keys are typed text, so single-letter shortcuts must not fire. */
export function isTextEntry(screen: Screen): boolean {
	return screen.kind === 'recovery-confirm' || (screen.kind === 'streams' && screen.filtering);
}

/** Screens with work in flight: Esc and q never leave them. */
export function isBusy(screen: Screen): boolean {
	return screen.kind === 'recovery-run' && (screen.phase === 'removing' || screen.phase === 'watching');
}

export function latestDiagnosis(state: DiagnosisState): DiagnosisResult | undefined {
	return state.kind === 'ready' ? state.result : state.previous;
}

export function reducer(state: State, action: Action): State {
	switch (action.type) {
		case 'go': {
			return {...state, history: [...state.history, state.screen], screen: action.screen, help: false, notice: undefined};
		}

		case 'replace': {
			return {...state, screen: action.screen, notice: undefined};
		}

		case 'back': {
			if (state.help) return {...state, help: false};
			if (isBusy(state.screen)) return {...state, notice: 'work is running: wait for it to finish, or press Ctrl+C twice to abort'};
			if (state.screen.kind === 'recovery-run') return {...state, screen: {kind: 'overview'}, history: [], notice: undefined};
			const previous = state.history.at(-1);
			if (!previous) return state;
			return {...state, screen: previous, history: state.history.slice(0, -1), notice: undefined};
		}

		case 'refresh': {
			return {...state, diagnosis: {kind: 'loading', previous: latestDiagnosis(state.diagnosis)}, diagnosisRequest: state.diagnosisRequest + 1};
		}

		case 'diagnosis-loaded': {
			return {...state, diagnosis: {kind: 'ready', result: action.result}};
		}

		case 'servers-loaded': {
			if (state.diagnosis.kind !== 'loading') return state;
			return {...state, diagnosis: {...state.diagnosis, servers: action.servers}};
		}

		case 'diagnosis-failed': {
			return {...state, diagnosis: {kind: 'failed', message: action.message, previous: latestDiagnosis(state.diagnosis)}};
		}

		case 'toggle-help': {
			return {...state, help: !state.help};
		}

		case 'arm-abort': {
			return {...state, abortArmed: true};
		}

		case 'disarm-abort': {
			return {...state, abortArmed: false};
		}

		case 'recorded': {
			return {...state, done: [...state.done, action.entry]};
		}

		case 'notice': {
			return {...state, notice: action.message};
		}

		case 'watch-update': {
			if (state.screen.kind !== 'recovery-run') return state;
			return {...state, screen: {...state.screen, states: action.states}};
		}

		case 'filter': {
			if (state.screen.kind !== 'streams') return state;
			return {...state, screen: {...state.screen, filter: action.filter, filtering: action.filtering}};
		}

		case 'run-phase': {
			if (state.screen.kind !== 'recovery-run') return state;
			return {...state, abortArmed: false, screen: {...state.screen, phase: action.phase, message: action.message}};
		}
	}
}
