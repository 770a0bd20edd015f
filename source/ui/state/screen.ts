/**
 * The wizard's screens as a discriminated union: impossible combinations cannot be represented.
 * Every screen carries its own `ui` (list cursor, filter, text field), so a detour that returns to
 * a screen returns to it exactly as the operator left it.
 */
import type {BackupSummary} from '../../core/backup-catalog.js';
import type {RestoreOverrides} from '../../core/restore/overrides.js';
import type {StreamRestorePlan} from '../../core/restore/plan.js';
import type {StreamRestoreResult} from '../../core/restore/restore.js';
import type {WatchState} from '../../core/recovery-actions.js';
import type {StreamImpact} from '../../recovery/impact.js';
import type {FailoverPlan} from '../../recovery/failover-plan.js';
import type {FailoverOutcome} from '../../operations/failover.js';
import type {ReadinessReport} from '../../operations/readiness.js';
import type {ProtectOutcome, ProtectPlan} from '../../operations/protect.js';
import {textBuffer, type TextBuffer} from '../input/text-buffer.js';
import type {FindingRow} from './findings.js';

export type Ui = {
	cursor: number;
	filter: TextBuffer;
	/** Keys go into the filter until Enter or Esc. */
	filtering: boolean;
	text: TextBuffer;
	/** Said under the text field, e.g. a typed name that does not match. */
	error: string | undefined;
};

export type OverrideField = 'replicas' | 'cluster' | 'tags';

/** One finished stream of a backup run, as the screen shows it. */
export type BackupLine = {stream: string; dir: string; ok: boolean; words: string};

/** Where a side trip (peer-remove first) goes back to when it is done. */
export type Detour = {screen: Screen; history: Screen[]};

type Body =
	| {kind: 'overview'}
	| {kind: 'streams'}
	| {kind: 'servers'}
	| {kind: 'inspect'; stream: string}
	/** Findings to read one by one: the restore checks, or the diagnosis's next steps. */
	| {kind: 'findings'; title: string; findings: FindingRow[]}
	| {kind: 'recovery-node'; returnTo: Detour | undefined}
	/** The meta group lost its quorum: which servers to bring back, and (in the demo) bringing one back. */
	| {
			kind: 'quorum';
			restarting: string | undefined;
			waiting: string | undefined;
			restarted: string[];
			problem: string | undefined;
	  }
	| {kind: 'recovery-plan'; server: string; returnTo: Detour | undefined}
	| {kind: 'recovery-confirm'; server: string; impacts: StreamImpact[]; returnTo: Detour | undefined}
	| {
			kind: 'recovery-run';
			server: string;
			impacts: StreamImpact[];
			phase: 'removing' | 'watching' | 'done' | 'failed';
			states: WatchState[];
			message: string | undefined;
			returnTo: Detour | undefined;
	  }
	| {kind: 'backup-select'; selected: string[]}
	| {
			kind: 'backup-dir';
			streams: string[];
			neededBytes: number;
			checking: boolean;
			problem: string | undefined;
			choices: string[];
	  }
	| {kind: 'backup-run'; streams: string[]; root: string; phase: 'running' | 'done'; results: BackupLine[]}
	| {kind: 'restore-dir'; loading: boolean; problem: string | undefined; choices: string[]}
	| {kind: 'restore-pick'; root: string; backups: BackupSummary[]}
	| {
			kind: 'restore-plan';
			dir: string;
			overrides: RestoreOverrides;
			plan: StreamRestorePlan | undefined;
			problem: string | undefined;
			editing: OverrideField | undefined;
	  }
	| {kind: 'restore-confirm'; plan: StreamRestorePlan}
	| {
			kind: 'restore-run';
			plan: StreamRestorePlan;
			phase: 'running' | 'done' | 'failed';
			message: string | undefined;
			result: StreamRestoreResult | undefined;
	  }
	| {kind: 'readiness'; report: ReadinessReport | undefined; problem: string | undefined}
	| {kind: 'failover-plan'; mirror: string; plan: FailoverPlan | undefined; problem: string | undefined}
	| {kind: 'failover-confirm'; plan: FailoverPlan}
	| {
			kind: 'failover-run';
			plan: FailoverPlan;
			phase: 'running' | 'done' | 'failed';
			/** What it is doing now: the step, then what the watch sees. */
			doing: string;
			outcome: FailoverOutcome | undefined;
			message: string | undefined;
	  }
	| {kind: 'protect-plan'; stream: string; to: string; plan: ProtectPlan | undefined; problem: string | undefined}
	| {kind: 'protect-confirm'; plan: ProtectPlan}
	| {
			kind: 'protect-run';
			plan: ProtectPlan;
			phase: 'running' | 'done' | 'failed';
			doing: string;
			outcome: ProtectOutcome | undefined;
			message: string | undefined;
	  }
	| {kind: 'delete-confirm'; stream: string; returnTo: RestorePlanScreen}
	| {
			kind: 'delete-run';
			stream: string;
			returnTo: RestorePlanScreen;
			phase: 'running' | 'failed';
			message: string | undefined;
	  };

export type Screen = Body & {ui: Ui};
export type ScreenKind = Screen['kind'];
export type ScreenOf<K extends ScreenKind> = Extract<Body, {kind: K}> & {ui: Ui};
export type RestorePlanScreen = ScreenOf<'restore-plan'>;

/** A screen as it first appears: cursor on the first item, no filter, `text` in its field. */
export function open<B extends Body>(body: B, text = ''): B & {ui: Ui} {
	return {...body, ui: {cursor: 0, filter: textBuffer(), filtering: false, text: textBuffer(text), error: undefined}};
}

export function planScreen(dir: string): RestorePlanScreen {
	return open({kind: 'restore-plan', dir, overrides: {}, plan: undefined, problem: undefined, editing: undefined});
}

/** Screens where keys are typed text, so single-letter shortcuts must not fire. */
export function isTextEntry(screen: Screen): boolean {
	return (
		screen.kind === 'recovery-confirm' ||
		screen.kind === 'restore-confirm' ||
		screen.kind === 'delete-confirm' ||
		screen.kind === 'failover-confirm' ||
		screen.kind === 'protect-confirm' ||
		(screen.kind === 'backup-dir' && !screen.checking) ||
		(screen.kind === 'restore-dir' && !screen.loading) ||
		(screen.kind === 'restore-plan' && screen.editing !== undefined)
	);
}

/** Screens with work in flight: Esc and q never leave them. */
export function isBusy(screen: Screen): boolean {
	switch (screen.kind) {
		case 'recovery-run': {
			return screen.phase === 'removing' || screen.phase === 'watching';
		}

		case 'quorum': {
			return screen.restarting !== undefined;
		}

		case 'backup-run':
		case 'restore-run':
		case 'failover-run':
		case 'protect-run':
		case 'delete-run': {
			return screen.phase === 'running';
		}

		default: {
			return false;
		}
	}
}
