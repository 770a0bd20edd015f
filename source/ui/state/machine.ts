/**
 * The wizard's flow as one reducer: every key press and every result of work is an action applied
 * to the latest state, so keys arriving in one burst are each applied in turn and nothing is lost,
 * and every transition is testable without Ink. Esc pops the history; screens whose work is
 * running refuse to be left.
 */
import type {AuditEntry} from '../../core/audit.js';
import type {BackupSummary} from '../../core/backup-catalog.js';
import type {ServersView} from '../../core/diagnosis/servers.js';
import type {ExitCode} from '../../core/errors.js';
import type {RestoreOverrides} from '../../core/restore/overrides.js';
import type {StreamRestorePlan} from '../../core/restore/plan.js';
import type {StreamRestoreResult} from '../../core/restore/restore.js';
import type {WatchState} from '../../core/recovery-actions.js';
import type {KeyPress} from '../input/keys.js';
import type {FailoverPlan} from '../../recovery/failover-plan.js';
import type {FailoverEvent, FailoverOutcome} from '../../operations/failover.js';
import type {ReadinessReport} from '../../operations/readiness.js';
import type {ProtectEvent, ProtectOutcome, ProtectPlan} from '../../operations/protect.js';
import type {DiagnosisResult} from '../services.js';
import {latestDiagnosis, type DiagnosisState, type ElectionState} from './diagnosis.js';
import {applyKey} from './keys.js';
import {onScreen, withUi} from './on-screen.js';
import {rememberServers, type KnownServer} from './known-servers.js';
import {isBusy, open, planScreen, type BackupLine, type Detour, type OverrideField, type Screen} from './screen.js';

export type State = {
	screen: Screen;
	history: Screen[];
	diagnosis: DiagnosisState;
	/** Bumped to ask the effects for a fresh diagnosis. */
	diagnosisRequest: number;
	/** Set while there is no meta leader (diagnosis.ts says how it is used). */
	election: ElectionState | undefined;
	/** Every server any diagnosis of this session named, so one that stops answering stays named. */
	known: KnownServer[];
	help: boolean;
	/** The demo's briefing (empty outside the demo), and whether it is open over the screen. */
	briefing: {lines: string[]; shown: boolean};
	/** A Ctrl+C was pressed while work runs: the next one aborts. */
	abortArmed: boolean;
	/** Everything done in this session, for the end summary. */
	done: AuditEntry[];
	notice: string | undefined;
	/** The demo's stopped servers, which the wizard can start again (empty outside the demo). */
	demoServers: string[];
	/** Where backups go by default, and where the restore picker starts. */
	backupRoot: string;
	/** Bumped by Tab in a path field: the effects complete the field's text. */
	completionRequest: number;
	/** Set once the wizard is to close; `abort` stops the work still running first. */
	exit: {code: ExitCode; abort: boolean} | undefined;
};

export type Action =
	/** The keys of one input event, applied one after the other before anything is drawn. */
	| {type: 'keys'; presses: KeyPress[]}
	| {type: 'go'; screen: Screen}
	| {type: 'back'}
	/** The overview with a clean history: a flow is finished. */
	| {type: 'home'}
	| {type: 'replace'; screen: Screen}
	/** Ends a side trip: back to the screen it was asked from, with the history it had. */
	| {type: 'return'; detour: Detour}
	| {type: 'quit'; code: ExitCode; abort?: boolean}
	| {type: 'refresh'}
	| {type: 'diagnosis-loaded'; result: DiagnosisResult}
	| {type: 'servers-loaded'; servers: ServersView}
	| {type: 'diagnosis-failed'; message: string}
	| {type: 'election'; election: ElectionState | undefined}
	| {type: 'recorded'; entry: AuditEntry}
	| {type: 'notice'; message: string | undefined}
	| {type: 'watch-update'; states: WatchState[]}
	| {type: 'run-phase'; phase: 'watching' | 'done' | 'failed'; message?: string}
	| {type: 'edit'; field: OverrideField}
	| {type: 'overrides'; overrides: RestoreOverrides}
	| {type: 'restore-lost'}
	| {type: 'backup-check-failed'; problem: string}
	| {type: 'backup-done'; results: BackupLine[]}
	| {type: 'backups-listed'; root: string; backups: BackupSummary[]}
	| {type: 'backups-failed'; problem: string}
	| {type: 'plan-ready'; dir: string; plan: StreamRestorePlan}
	| {type: 'plan-failed'; dir: string; problem: string}
	| {type: 'restore-finished'; result: StreamRestoreResult}
	| {type: 'restore-failed'; message: string}
	| {type: 'delete-failed'; message: string}
	| {type: 'completed'; partial: string; found: string[]}
	| {type: 'default-missing'; root: string}
	| {type: 'readiness-loaded'; report: ReadinessReport}
	| {type: 'readiness-failed'; problem: string}
	| {type: 'failover-planned'; mirror: string; plan: FailoverPlan}
	| {type: 'failover-refused'; mirror: string; problem: string}
	| {type: 'failover-event'; event: FailoverEvent}
	| {type: 'failover-done'; outcome: FailoverOutcome}
	| {type: 'failover-failed'; message: string}
	| {type: 'protect-planned'; stream: string; to: string; plan: ProtectPlan}
	| {type: 'protect-refused'; stream: string; to: string; problem: string}
	| {type: 'protect-event'; event: ProtectEvent}
	| {type: 'protect-done'; outcome: ProtectOutcome}
	| {type: 'protect-failed'; message: string}
	| {type: 'restart'; server: string}
	| {type: 'restart-progress'; waiting: string}
	| {type: 'restart-done'; server: string; problem?: string | undefined};

export const initialState: State = {
	screen: open({kind: 'overview'}),
	history: [],
	diagnosis: {kind: 'loading', previous: undefined},
	diagnosisRequest: 0,
	election: undefined,
	known: [],
	help: false,
	briefing: {lines: [], shown: false},
	abortArmed: false,
	done: [],
	notice: undefined,
	demoServers: [],
	backupRoot: '',
	completionRequest: 0,
	exit: undefined,
};

export {latestDiagnosis, type DiagnosisState} from './diagnosis.js';
export {isBusy, isTextEntry, type BackupLine, type OverrideField, type Screen} from './screen.js';

export function reducer(state: State, action: Action): State {
	switch (action.type) {
		case 'keys': {
			return action.presses.reduce((current, press) => applyKey(current, press, reducer), state);
		}

		case 'go': {
			return {
				...state,
				history: [...state.history, state.screen],
				screen: action.screen,
				help: false,
				notice: undefined,
			};
		}

		case 'replace': {
			return {...state, screen: action.screen, notice: undefined};
		}

		case 'return': {
			const {screen} = action.detour;
			// The screen comes back as it was left, except for a check whose answer may have changed.
			const fresh = screen.kind === 'restore-plan' ? {...screen, plan: undefined, problem: undefined} : screen;
			return {...state, screen: fresh, history: action.detour.history, notice: undefined};
		}

		case 'home': {
			return {...state, screen: open({kind: 'overview'}), history: [], notice: undefined};
		}

		case 'quit': {
			if (isBusy(state.screen) && !action.abort)
				return {...state, notice: 'work is running: q quits once it is done; Ctrl+C twice aborts'};
			return {...state, exit: {code: action.code, abort: action.abort ?? false}};
		}

		case 'back': {
			if (state.help) return {...state, help: false};
			if (isBusy(state.screen))
				return {...state, notice: 'work is running: wait for it to finish, or press Ctrl+C twice to abort'};
			if (['recovery-run', 'backup-run', 'restore-run', 'failover-run', 'protect-run'].includes(state.screen.kind))
				return reducer(state, {type: 'home'});
			const previous = state.history.at(-1);
			if (!previous) return state;
			return {...state, screen: previous, history: state.history.slice(0, -1), notice: undefined};
		}

		case 'refresh': {
			return {
				...state,
				diagnosis: {kind: 'loading', previous: latestDiagnosis(state.diagnosis)},
				diagnosisRequest: state.diagnosisRequest + 1,
				election: undefined,
			};
		}

		case 'diagnosis-loaded': {
			return {
				...state,
				diagnosis: {kind: 'ready', result: action.result},
				known: rememberServers(state.known, action.result),
				election: undefined,
			};
		}

		case 'election': {
			return {...state, election: action.election};
		}

		case 'servers-loaded': {
			if (state.diagnosis.kind !== 'loading') return state;
			return {...state, diagnosis: {...state.diagnosis, servers: action.servers}};
		}

		case 'diagnosis-failed': {
			return {
				...state,
				diagnosis: {kind: 'failed', message: action.message, previous: latestDiagnosis(state.diagnosis)},
			};
		}

		case 'recorded': {
			return {...state, done: [...state.done, action.entry]};
		}

		case 'notice': {
			return {...state, notice: action.message};
		}

		case 'watch-update': {
			return onScreen(state, 'recovery-run', screen => ({...screen, states: action.states}));
		}

		case 'run-phase': {
			const next = onScreen(state, 'recovery-run', screen => ({
				...screen,
				phase: action.phase,
				message: action.message,
			}));
			return {...next, abortArmed: false};
		}

		case 'edit': {
			return onScreen(state, 'restore-plan', screen => ({
				...screen,
				editing: action.field,
				ui: {...screen.ui, text: {value: '', cursor: 0}, error: undefined},
			}));
		}

		case 'overrides': {
			return onScreen(state, 'restore-plan', screen => ({
				...screen,
				overrides: action.overrides,
				plan: undefined,
				problem: undefined,
			}));
		}

		case 'restore-lost': {
			const home = reducer(state, {type: 'home'});
			return reducer(home, {
				type: 'go',
				screen: open({kind: 'restore-dir', loading: false, problem: undefined, choices: []}, state.backupRoot),
			});
		}

		case 'backup-check-failed': {
			return onScreen(state, 'backup-dir', screen => ({...screen, checking: false, problem: action.problem}));
		}

		case 'backup-done': {
			return onScreen(state, 'backup-run', screen => ({...screen, phase: 'done', results: action.results}));
		}

		case 'backups-listed': {
			const listed = onScreen(state, 'restore-dir', screen => ({...screen, loading: false}));
			if (listed === state) return state;
			const [only] = action.backups;
			const next: Screen =
				action.backups.length === 1 && only
					? planScreen(only.dir)
					: open({kind: 'restore-pick', root: action.root, backups: action.backups});
			return reducer(listed, {type: 'go', screen: next});
		}

		case 'backups-failed': {
			return onScreen(state, 'restore-dir', screen => ({...screen, loading: false, problem: action.problem}));
		}

		case 'plan-ready': {
			return onScreen(state, 'restore-plan', screen =>
				screen.dir === action.dir ? {...screen, plan: action.plan, ui: {...screen.ui, cursor: 0}} : screen,
			);
		}

		case 'plan-failed': {
			return onScreen(state, 'restore-plan', screen =>
				screen.dir === action.dir ? {...screen, problem: action.problem} : screen,
			);
		}

		case 'restore-finished': {
			return onScreen(state, 'restore-run', screen => ({...screen, phase: 'done', result: action.result}));
		}

		case 'restore-failed': {
			return onScreen(state, 'restore-run', screen => ({...screen, phase: 'failed', message: action.message}));
		}

		case 'delete-failed': {
			return onScreen(state, 'delete-run', screen => ({...screen, phase: 'failed', message: action.message}));
		}

		case 'readiness-loaded': {
			return onScreen(state, 'readiness', screen => ({...screen, report: action.report, problem: undefined}));
		}

		case 'readiness-failed': {
			return onScreen(state, 'readiness', screen => ({...screen, problem: action.problem}));
		}

		case 'failover-planned': {
			return onScreen(state, 'failover-plan', screen =>
				screen.mirror === action.mirror ? {...screen, plan: action.plan, ui: {...screen.ui, cursor: 0}} : screen,
			);
		}

		case 'failover-refused': {
			return onScreen(state, 'failover-plan', screen =>
				screen.mirror === action.mirror ? {...screen, problem: action.problem} : screen,
			);
		}

		case 'failover-event': {
			const {event} = action;
			const doing =
				event.type === 'step'
					? `step ${event.index + 1}: ${event.words}`
					: `${event.stream}: ${event.words}${event.messages === undefined ? '' : `, ${event.messages} messages`}`;
			return onScreen(state, 'failover-run', screen => ({...screen, doing}));
		}

		case 'failover-done': {
			const next = onScreen(state, 'failover-run', screen => ({...screen, phase: 'done', outcome: action.outcome}));
			return {...next, abortArmed: false};
		}

		case 'failover-failed': {
			const next = onScreen(state, 'failover-run', screen => ({...screen, phase: 'failed', message: action.message}));
			return {...next, abortArmed: false};
		}

		case 'protect-planned': {
			return onScreen(state, 'protect-plan', screen =>
				screen.stream === action.stream && screen.to === action.to
					? {...screen, plan: action.plan, ui: {...screen.ui, cursor: 0}}
					: screen,
			);
		}

		case 'protect-refused': {
			return onScreen(state, 'protect-plan', screen =>
				screen.stream === action.stream && screen.to === action.to ? {...screen, problem: action.problem} : screen,
			);
		}

		case 'protect-event': {
			const {event} = action;
			const doing =
				event.type === 'created'
					? `created ${event.mirror} in ${event.where}; watching it catch up…`
					: `${event.stream}: ${event.messages ?? 0} of ${event.target ?? '?'} messages, ${event.words}`;
			return onScreen(state, 'protect-run', screen => ({...screen, doing}));
		}

		case 'protect-done': {
			const next = onScreen(state, 'protect-run', screen => ({...screen, phase: 'done', outcome: action.outcome}));
			return {...next, abortArmed: false};
		}

		case 'protect-failed': {
			const next = onScreen(state, 'protect-run', screen => ({...screen, phase: 'failed', message: action.message}));
			return {...next, abortArmed: false};
		}

		case 'restart': {
			return onScreen(state, 'quorum', screen => ({
				...screen,
				restarting: action.server,
				waiting: `starting ${action.server}…`,
				problem: undefined,
			}));
		}

		case 'restart-progress': {
			return onScreen(state, 'quorum', screen => ({...screen, waiting: action.waiting}));
		}

		case 'restart-done': {
			const next = onScreen(state, 'quorum', screen => ({
				...screen,
				restarting: undefined,
				waiting: undefined,
				problem: action.problem,
				restarted: action.problem ? screen.restarted : [...screen.restarted, action.server],
				ui: {...screen.ui, cursor: 0},
			}));
			return {...next, abortArmed: false};
		}

		case 'default-missing': {
			return onScreen(state, 'restore-dir', screen =>
				screen.ui.text.value === action.root
					? withUi(screen, {
							text: {value: '', cursor: 0},
							error: `${action.root} does not exist: type the directory that holds the backups (Tab completes)`,
						})
					: screen,
			);
		}

		case 'completed': {
			const complete = (screen: Screen & {kind: 'backup-dir' | 'restore-dir'}): Screen => {
				// Typing went on while the disk was read: the answer is for a text that is gone.
				if (screen.ui.text.value !== action.partial) return screen;
				const value =
					action.found.length === 1
						? action.found[0]!
						: action.found.length > 1
							? commonPrefix(action.found)
							: action.partial;
				return {
					...screen,
					choices: action.found.length > 1 ? action.found : [],
					ui: {...screen.ui, text: {value, cursor: value.length}},
				};
			};

			return onScreen(onScreen(state, 'backup-dir', complete), 'restore-dir', complete);
		}
	}
}

function commonPrefix(values: string[]): string {
	let prefix = values[0] ?? '';
	for (const value of values) while (!value.startsWith(prefix)) prefix = prefix.slice(0, -1);
	return prefix;
}
