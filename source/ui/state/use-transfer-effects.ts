/**
 * The I/O of the backup and restore paths, one hook per piece of work: directory checks, backup
 * runs, reading backups, pre-flight plans, restores, the deletion of a broken stream and path
 * completion. Results go to the reducer as typed actions, fast progress to the progress stores.
 */
import {useEffect, useRef} from 'react';
import type {AuditEntry} from '../../core/audit.js';
import {formatBytes} from '../../core/format.js';
import type {PlanCheckEvent} from '../../core/restore/plan.js';
import type {RestoreProgress} from '../../core/restore/restore.js';
import type {BackupLive} from './backup-live.js';
import type {ProgressStore} from '../progress-store.js';
import type {WizardServices} from '../services.js';
import type {Action, State} from './machine.js';
import {open, type BackupLine} from './screen.js';
import {message as words} from './use-effects.js';

type Dispatch = (action: Action) => void;

export type TransferStores = {
	backup: ProgressStore<BackupLive>;
	restore: ProgressStore<RestoreProgress>;
	/** The restore check running now. */
	plan: ProgressStore<PlanCheckEvent>;
};

function useAbortable(): {track: () => AbortController; done: () => void; abort: () => void} {
	const running = useRef<AbortController | undefined>(undefined);
	return {
		track() {
			running.current = new AbortController();
			return running.current;
		},
		done() {
			running.current = undefined;
		},
		abort() {
			running.current?.abort();
		},
	};
}

export function useBackupCheck(state: State, dispatch: Dispatch, services: WizardServices): void {
	const {screen} = state;
	const checkKey = screen.kind === 'backup-dir' && screen.checking ? screen.ui.text.value : undefined;
	useEffect(() => {
		if (screen.kind !== 'backup-dir' || checkKey === undefined) return;
		const {streams, neededBytes} = screen;
		void services.checkBackupTarget(checkKey, neededBytes).then(check => {
			if (!check.ok) return dispatch({type: 'backup-check-failed', problem: check.problem});
			dispatch({
				type: 'replace',
				screen: open({kind: 'backup-run', streams, root: checkKey, phase: 'running', results: []}),
			});
		});
	}, [checkKey]);
}

export function useBackupRun(
	state: State,
	dispatch: Dispatch,
	services: WizardServices,
	stores: TransferStores,
	streamBytes: (name: string) => number,
): {abort: () => void} {
	const work = useAbortable();
	const {screen} = state;
	const backupKey = screen.kind === 'backup-run' && screen.phase === 'running' ? screen.root : undefined;
	useEffect(() => {
		if (screen.kind !== 'backup-run' || backupKey === undefined) return;
		const {streams, root} = screen;
		const controller = work.track();
		const totalBytes = streams.reduce((total, name) => total + streamBytes(name), 0);
		const results: BackupLine[] = [];
		// While it runs, finished streams travel with the progress (one throttled leaf draws both);
		// the reducer hears of them, and of their audit records, once at the end.
		const recorded: AuditEntry[] = [];
		let live: BackupLive | undefined;
		let current: {stream: string; dir: string} | undefined;
		let doneBytes = 0;
		void (async () => {
			try {
				await services.backup(streams, root, {
					signal: controller.signal,
					onStream(stream, index, _total, dir) {
						current = {stream, dir};
						live = {
							start: undefined,
							progress: undefined,
							index,
							total: streams.length,
							doneBytes,
							totalBytes,
							results: [...results],
						};
						stores.backup.set(live);
					},
					onStart: start => stores.backup.set({...live!, start}),
					onProgress: progress => stores.backup.set({...live!, start: stores.backup.get()?.start, progress}),
					onOutcome(outcome, dir) {
						doneBytes += streamBytes(outcome.stream);
						const where = dir ?? root;
						results.push(
							outcome.status === 'ok'
								? {
										stream: outcome.stream,
										dir: where,
										ok: true,
										words: `${formatBytes(outcome.result.archiveBytes)} in ${where}, verified${outcome.result.warnings.length > 0 ? `; ${outcome.result.warnings.join('; ')}` : ''}`,
									}
								: {stream: outcome.stream, dir: where, ok: false, words: words(outcome.error)},
						);
					},
					onRecorded: entry => recorded.push(entry),
				});
			} catch (error) {
				if (!controller.signal.aborted) results.push({stream: root, dir: root, ok: false, words: words(error)});
				else if (current && !results.some(line => line.stream === current!.stream))
					results.push({...current, ok: false, words: 'aborted: no backup was left in its directory'});
			}

			work.done();
			for (const entry of recorded) dispatch({type: 'recorded', entry});
			dispatch({type: 'backup-done', results});
			dispatch({type: 'refresh'});
		})();
	}, [backupKey]);
	return {abort: work.abort};
}

export function useBackupList(state: State, dispatch: Dispatch, services: WizardServices): void {
	const {screen} = state;
	const listKey = screen.kind === 'restore-dir' && screen.loading ? screen.ui.text.value : undefined;
	useEffect(() => {
		if (listKey === undefined) return;
		services
			.listBackups(listKey)
			.then(backups => dispatch({type: 'backups-listed', root: listKey, backups}))
			.catch((error: unknown) => dispatch({type: 'backups-failed', problem: words(error)}));
	}, [listKey]);
}

export function useRestorePlan(
	state: State,
	dispatch: Dispatch,
	services: WizardServices,
	stores: TransferStores,
): void {
	const {screen} = state;
	const planKey =
		screen.kind === 'restore-plan' && screen.plan === undefined && screen.problem === undefined
			? `${screen.dir}|${JSON.stringify(screen.overrides)}`
			: undefined;
	useEffect(() => {
		if (screen.kind !== 'restore-plan' || planKey === undefined) return;
		const {dir} = screen;
		const controller = new AbortController();
		services
			.planRestore(dir, screen.overrides, controller.signal, event => {
				if (!controller.signal.aborted) stores.plan.set(event);
			})
			.then(plan => dispatch({type: 'plan-ready', dir, plan}))
			.catch((error: unknown) => {
				if (!controller.signal.aborted) dispatch({type: 'plan-failed', dir, problem: words(error)});
			});
		return () => controller.abort();
	}, [planKey]);
}

export function useRestoreRun(
	state: State,
	dispatch: Dispatch,
	services: WizardServices,
	stores: TransferStores,
): {abort: () => void} {
	const work = useAbortable();
	const {screen} = state;
	const restoreKey = screen.kind === 'restore-run' && screen.phase === 'running' ? screen.plan.dir : undefined;
	useEffect(() => {
		if (screen.kind !== 'restore-run' || restoreKey === undefined) return;
		const {plan} = screen;
		const controller = work.track();
		stores.restore.set({phase: 'request', stream: plan.stream, replicas: plan.replicas});
		void (async () => {
			let outcome: Action;
			try {
				const restored = await services.restore(plan, {
					signal: controller.signal,
					onProgress: event => stores.restore.set(event),
					// Recorded before the screen says it is done: an operator who quits right then still finds it in the summary.
					onRecorded: entry => dispatch({type: 'recorded', entry}),
				});
				outcome = {type: 'restore-finished', result: restored};
			} catch (error) {
				outcome = {type: 'restore-failed', message: words(error)};
			}

			work.done();
			dispatch(outcome);
			dispatch({type: 'refresh'});
		})();
	}, [restoreKey]);
	return {abort: work.abort};
}

export function useStreamDelete(state: State, dispatch: Dispatch, services: WizardServices): void {
	const {screen} = state;
	const deleteKey = screen.kind === 'delete-run' && screen.phase === 'running' ? screen.stream : undefined;
	useEffect(() => {
		if (screen.kind !== 'delete-run' || deleteKey === undefined) return;
		const {stream, returnTo} = screen;
		// delete-confirm was replaced by delete-run, so the restore plan is the last screen in the history.
		const history = state.history.slice(0, -1);
		void (async () => {
			try {
				await services.deleteStream(stream, {onRecorded: entry => dispatch({type: 'recorded', entry})});
				dispatch({type: 'return', detour: {screen: returnTo, history}});
				dispatch({type: 'refresh'});
			} catch (error) {
				dispatch({type: 'delete-failed', message: words(error)});
			}
		})();
	}, [deleteKey]);
}

export function usePathCompletion(state: State, dispatch: Dispatch, services: WizardServices): void {
	useEffect(() => {
		if (state.completionRequest === 0) return;
		const {screen} = state;
		if (screen.kind !== 'backup-dir' && screen.kind !== 'restore-dir') return;
		const partial = screen.ui.text.value;
		void services.completePath(partial).then(found => dispatch({type: 'completed', partial, found}));
	}, [state.completionRequest]);
}

/** The default backup directory is only offered when it exists; otherwise the field starts empty, saying why. */
export function useRestoreDefault(state: State, dispatch: Dispatch, services: WizardServices): void {
	const {screen} = state;
	const root =
		screen.kind === 'restore-dir' && !screen.loading && screen.ui.text.value === state.backupRoot
			? state.backupRoot
			: undefined;
	useEffect(() => {
		if (root === undefined || root === '') return;
		void services.completePath(root.replace(/\/+$/, '')).then(found => {
			if (!found.some(entry => entry.replace(/\/+$/, '') === root.replace(/\/+$/, '')))
				dispatch({type: 'default-missing', root});
		});
	}, [root]);
}
