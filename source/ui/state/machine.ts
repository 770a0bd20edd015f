/**
 * The wizard's flow as one reducer over a discriminated union of screens: impossible
 * combinations cannot be represented, and every transition is testable without Ink.
 * Esc pops the history; screens whose work is running refuse to be left.
 */
import type {AuditEntry} from '../../core/audit.js';
import type {BackupSummary} from '../../core/backup-catalog.js';
import type {RestoreOverrides} from '../../core/restore/overrides.js';
import type {StreamRestorePlan} from '../../core/restore/plan.js';
import type {StreamRestoreResult} from '../../core/restore/restore.js';
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
	| {kind: 'recovery-run'; server: string; impacts: StreamImpact[]; phase: 'removing' | 'watching' | 'done' | 'failed'; states: WatchState[]; message: string | undefined}
	| {kind: 'backup-select'; selected: string[]}
	| {kind: 'backup-dir'; streams: string[]; neededBytes: number; dir: string; checking: boolean; problem: string | undefined}
	| {kind: 'backup-run'; streams: string[]; root: string; phase: 'running' | 'done'; results: BackupLine[]}
	| {kind: 'restore-dir'; dir: string; loading: boolean; problem: string | undefined}
	| {kind: 'restore-pick'; root: string; backups: BackupSummary[]}
	| {kind: 'restore-plan'; dir: string; overrides: RestoreOverrides; plan: StreamRestorePlan | undefined; problem: string | undefined; editing: OverrideField | undefined}
	| {kind: 'restore-confirm'; plan: StreamRestorePlan}
	| {kind: 'restore-run'; plan: StreamRestorePlan; phase: 'running' | 'done' | 'failed'; message: string | undefined; result: StreamRestoreResult | undefined}
	| {kind: 'delete-confirm'; stream: string; returnTo: Screen & {kind: 'restore-plan'}}
	| {kind: 'delete-run'; stream: string; returnTo: Screen & {kind: 'restore-plan'}; phase: 'running' | 'failed'; message: string | undefined};

export type OverrideField = 'replicas' | 'cluster' | 'tags';

/** One finished stream of a backup run, as the screen shows it. */
export type BackupLine = {stream: string; dir: string; ok: boolean; words: string};

export type ScreenKind = Screen['kind'];

export type DiagnosisState =
	| {kind: 'loading'; previous: DiagnosisResult | undefined; servers?: ServersView | undefined}
	| {kind: 'ready'; result: DiagnosisResult}
	| {kind: 'failed'; message: string; previous: DiagnosisResult | undefined};

export type ElectionState =
	| {phase: 'waiting'; waitedMs: number; timeoutMs: number}
	| {phase: 'watching'; electionDueMs: number | undefined};

export type State = {
	screen: Screen;
	history: Screen[];
	diagnosis: DiagnosisState;
	/** Bumped to ask the effects for a fresh diagnosis. */
	diagnosisRequest: number;
	/**
	 * No meta leader: the diagnosis waits for an election ('waiting', bounded), or, after a diagnosis
	 * without a leader, the effects watch for one to refresh by themselves ('watching').
	 */
	election: ElectionState | undefined;
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
	/** Leaves the current screen for `screen`, dropping the history entry it came from (a finished side trip). */
	| {type: 'return'; screen: Screen}
	| {type: 'refresh'}
	| {type: 'diagnosis-loaded'; result: DiagnosisResult}
	| {type: 'servers-loaded'; servers: ServersView}
	| {type: 'diagnosis-failed'; message: string}
	| {type: 'election'; election: ElectionState | undefined}
	| {type: 'toggle-help'}
	| {type: 'arm-abort'}
	| {type: 'disarm-abort'}
	| {type: 'recorded'; entry: AuditEntry}
	| {type: 'notice'; message: string | undefined}
	| {type: 'watch-update'; states: WatchState[]}
	| {type: 'run-phase'; phase: 'watching' | 'done' | 'failed'; message?: string}
	| {type: 'filter'; filter: string; filtering: boolean}
	/** Merges fields into the current screen if it is still of that kind (results arriving late are dropped). */
	| {type: 'patch'; kind: ScreenKind; patch: Record<string, unknown>};

export const initialState: State = {
	screen: {kind: 'overview'},
	history: [],
	diagnosis: {kind: 'loading', previous: undefined},
	diagnosisRequest: 0,
	election: undefined,
	help: false,
	abortArmed: false,
	done: [],
	notice: undefined,
};

/** Screens where keys are typed text, so single-letter shortcuts must not fire. */
export function isTextEntry(screen: Screen): boolean {
	return (
		screen.kind === 'recovery-confirm' ||
		screen.kind === 'restore-confirm' ||
		screen.kind === 'delete-confirm' ||
		screen.kind === 'backup-dir' ||
		screen.kind === 'restore-dir' ||
		(screen.kind === 'restore-plan' && screen.editing !== undefined) ||
		(screen.kind === 'streams' && screen.filtering)
	);
}

/** Screens with work in flight: Esc and q never leave them. */
export function isBusy(screen: Screen): boolean {
	switch (screen.kind) {
		case 'recovery-run': {
			return screen.phase === 'removing' || screen.phase === 'watching';
		}

		case 'backup-run':
		case 'restore-run':
		case 'delete-run': {
			return screen.phase === 'running';
		}

		default: {
			return false;
		}
	}
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

		case 'return': {
			return {...state, screen: action.screen, history: state.history.slice(0, -1), notice: undefined};
		}

		case 'back': {
			if (state.help) return {...state, help: false};
			if (isBusy(state.screen)) return {...state, notice: 'work is running: wait for it to finish, or press Ctrl+C twice to abort'};
			if (['recovery-run', 'backup-run', 'restore-run'].includes(state.screen.kind)) return {...state, screen: {kind: 'overview'}, history: [], notice: undefined};
			const previous = state.history.at(-1);
			if (!previous) return state;
			return {...state, screen: previous, history: state.history.slice(0, -1), notice: undefined};
		}

		case 'refresh': {
			return {...state, diagnosis: {kind: 'loading', previous: latestDiagnosis(state.diagnosis)}, diagnosisRequest: state.diagnosisRequest + 1, election: undefined};
		}

		case 'diagnosis-loaded': {
			return {...state, diagnosis: {kind: 'ready', result: action.result}, election: undefined};
		}

		case 'election': {
			return {...state, election: action.election};
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

		case 'patch': {
			if (state.screen.kind !== action.kind) return state;
			return {...state, screen: {...state.screen, ...action.patch} as Screen};
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
