/**
 * The I/O of the backup and restore paths: directory checks, backup runs, reading backups,
 * pre-flight plans, restores and the deletion of a broken stream. Results go to the reducer
 * (`patch` on the screen that asked), fast progress to the progress stores.
 */
import {useEffect, useRef, type Dispatch} from 'react';
import type {AuditEntry} from '../../core/audit.js';
import type {BackupSummary} from '../../core/backup-catalog.js';
import {DrError} from '../../core/errors.js';
import {formatBytes} from '../../core/format.js';
import type {RestoreProgress} from '../../core/restore/restore.js';
import type {BackupLive} from './backup-live.js';
import type {ProgressStore} from '../progress-store.js';
import type {WizardServices} from '../services.js';
import type {Action, BackupLine, State} from './machine.js';

export type TransferStores = {backup: ProgressStore<BackupLive>; restore: ProgressStore<RestoreProgress>};

function words(error: unknown): string {
	return error instanceof DrError ? `${error.message}${error.hint ? ` — try: ${error.hint}` : ''}` : String((error as Error)?.message ?? error);
}

export function useTransferEffects(
	state: State,
	dispatch: Dispatch<Action>,
	services: WizardServices,
	stores: TransferStores,
	streamBytes: (name: string) => number,
): {abort: () => void} {
	const running = useRef<AbortController | undefined>(undefined);
	const {screen} = state;
	const track = () => {
		const controller = new AbortController();
		running.current = controller;
		return controller;
	};

	const checkKey = screen.kind === 'backup-dir' && screen.checking ? screen.dir : undefined;
	useEffect(() => {
		if (screen.kind !== 'backup-dir' || checkKey === undefined) return;
		const {streams, neededBytes, dir} = screen;
		void services.checkBackupTarget(dir, neededBytes).then(check => {
			if (!check.ok) return dispatch({type: 'patch', kind: 'backup-dir', patch: {checking: false, problem: check.problem}});
			dispatch({type: 'replace', screen: {kind: 'backup-run', streams, root: dir, phase: 'running', results: []}});
		});
	}, [checkKey]);

	const backupKey = screen.kind === 'backup-run' && screen.phase === 'running' ? screen.root : undefined;
	useEffect(() => {
		if (screen.kind !== 'backup-run' || backupKey === undefined) return;
		const {streams, root} = screen;
		const controller = track();
		const totalBytes = streams.reduce((total, name) => total + streamBytes(name), 0);
		void (async () => {
			const results: BackupLine[] = [];
			let doneBytes = 0;
			// While it runs, finished streams travel with the progress (one throttled leaf draws both);
			// the reducer hears of them, and of their audit records, once at the end.
			const recorded: AuditEntry[] = [];

			for (const [index, stream] of streams.entries()) {
				if (controller.signal.aborted) break;
				const dir = `${root.replace(/\/+$/, '')}/${stream}`;
				const live: BackupLive = {start: undefined, progress: undefined, index, total: streams.length, doneBytes, totalBytes, results: [...results]};
				stores.backup.set(live);
				let line: BackupLine;
				try {
					const outcome = await services.backup(stream, dir, {
						signal: controller.signal,
						onStart: start => stores.backup.set({...live, start}),
						onProgress: progress => stores.backup.set({...live, start: stores.backup.get()?.start, progress}),
					});
					line = outcome.ok
						? {stream, dir, ok: true, words: `${formatBytes(outcome.result.archiveBytes)} in ${dir}, verified${outcome.result.warnings.length > 0 ? `; ${outcome.result.warnings.join('; ')}` : ''}`}
						: {stream, dir, ok: false, words: words(outcome.error)};
				} catch (error) {
					line = {stream, dir, ok: false, words: controller.signal.aborted ? 'aborted: no backup was left in its directory' : words(error)};
				}

				doneBytes += streamBytes(stream);
				results.push(line);
				recorded.push(
					await services.audit({
						action: 'backup',
						subject: stream,
						result: line.ok ? 'ok' : controller.signal.aborted ? 'aborted' : 'failed',
						detail: line.words,
						parameters: {dir},
						nats: `nats stream backup ${stream} ${dir}`,
					}),
				);
			}

			running.current = undefined;
			for (const entry of recorded) dispatch({type: 'recorded', entry});
			dispatch({type: 'patch', kind: 'backup-run', patch: {phase: 'done', results}});
			dispatch({type: 'refresh'});
		})();
	}, [backupKey]);

	const listKey = screen.kind === 'restore-dir' && screen.loading ? screen.dir : undefined;
	useEffect(() => {
		if (screen.kind !== 'restore-dir' || listKey === undefined) return;
		services
			.listBackups(screen.dir)
			.then((backups: BackupSummary[]) => {
				if (backups.length === 1) dispatch({type: 'go', screen: planScreen(backups[0]!.dir)});
				else dispatch({type: 'go', screen: {kind: 'restore-pick', root: listKey, backups}});
				dispatch({type: 'patch', kind: 'restore-dir', patch: {loading: false}});
			})
			.catch((error: unknown) => dispatch({type: 'patch', kind: 'restore-dir', patch: {loading: false, problem: words(error)}}));
	}, [listKey]);

	const planKey = screen.kind === 'restore-plan' && screen.plan === undefined && screen.problem === undefined ? `${screen.dir}|${JSON.stringify(screen.overrides)}` : undefined;
	useEffect(() => {
		if (screen.kind !== 'restore-plan' || planKey === undefined) return;
		const controller = new AbortController();
		services
			.planRestore(screen.dir, screen.overrides, controller.signal)
			.then(plan => dispatch({type: 'patch', kind: 'restore-plan', patch: {plan}}))
			.catch((error: unknown) => dispatch({type: 'patch', kind: 'restore-plan', patch: {problem: words(error)}}));
		return () => controller.abort();
	}, [planKey]);

	const restoreKey = screen.kind === 'restore-run' && screen.phase === 'running' ? screen.plan.dir : undefined;
	useEffect(() => {
		if (screen.kind !== 'restore-run' || restoreKey === undefined) return;
		const {plan} = screen;
		const controller = track();
		stores.restore.set({phase: 'request', stream: plan.stream, replicas: plan.replicas});
		void (async () => {
			let detail: string;
			let result: 'ok' | 'failed' | 'aborted';
			try {
				const restored = await services.restore(plan, {signal: controller.signal, onProgress: event => stores.restore.set(event)});
				dispatch({type: 'patch', kind: 'restore-run', patch: {phase: 'done', result: restored}});
				detail = `restored ${restored.info.state?.messages ?? '?'} messages in ${Math.round(restored.totalMs / 1000)}s`;
				result = 'ok';
			} catch (error) {
				detail = words(error);
				result = controller.signal.aborted ? 'aborted' : 'failed';
				dispatch({type: 'patch', kind: 'restore-run', patch: {phase: 'failed', message: detail}});
			}

			running.current = undefined;
			const entry = await services.audit({action: 'restore', subject: plan.stream, result, detail, parameters: {dir: plan.dir, ...plan.overrides}, nats: services.natsRestoreCommand(plan)});
			dispatch({type: 'recorded', entry});
			dispatch({type: 'refresh'});
		})();
	}, [restoreKey]);

	const deleteKey = screen.kind === 'delete-run' && screen.phase === 'running' ? screen.stream : undefined;
	useEffect(() => {
		if (screen.kind !== 'delete-run' || deleteKey === undefined) return;
		const {stream, returnTo} = screen;
		void (async () => {
			try {
				await services.deleteStream(stream);
				const entry = await services.audit({action: 'stream-delete', subject: stream, result: 'ok', detail: `deleted stream ${stream} to restore it from its backup`, nats: `nats stream rm ${stream} -f`});
				dispatch({type: 'recorded', entry});
				dispatch({type: 'return', screen: {...returnTo, plan: undefined, problem: undefined}});
			} catch (error) {
				dispatch({type: 'patch', kind: 'delete-run', patch: {phase: 'failed', message: words(error)}});
			}
		})();
	}, [deleteKey]);

	return {
		abort() {
			running.current?.abort();
		},
	};
}

export function planScreen(dir: string): State['screen'] {
	return {kind: 'restore-plan', dir, overrides: {}, plan: undefined, problem: undefined, editing: undefined};
}
