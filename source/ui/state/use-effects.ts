/**
 * The diagnosis and the peer-remove: each hook watches the state for the work it owns, starts it
 * through the services, and dispatches the results. Screens never start work, so unmounting or
 * re-rendering one can neither orphan nor repeat a peer-remove.
 */
import {useEffect, useRef} from 'react';
import {DrError} from '../../core/errors.js';
import type {WizardServices} from '../services.js';
import type {Action, State} from './machine.js';

type Dispatch = (action: Action) => void;

const watchTimeoutMs = 120_000;

export function message(error: unknown): string {
	return error instanceof DrError
		? `${error.message}${error.hint ? ` — try: ${error.hint}` : ''}`
		: String((error as Error)?.message ?? error);
}

export function useDiagnosis(state: State, dispatch: Dispatch, services: WizardServices): void {
	useEffect(() => {
		const controller = new AbortController();
		services
			.diagnose({
				signal: controller.signal,
				onPart(part) {
					if (part.servers?.ok && !controller.signal.aborted)
						dispatch({type: 'servers-loaded', servers: part.servers.value});
				},
				onElectionWait(waitedMs, timeoutMs) {
					if (!controller.signal.aborted)
						dispatch({type: 'election', election: {phase: 'waiting', waitedMs, timeoutMs}});
				},
			})
			.then(result => {
				if (!controller.signal.aborted) dispatch({type: 'diagnosis-loaded', result});
			})
			.catch((error: unknown) => {
				if (!controller.signal.aborted) dispatch({type: 'diagnosis-failed', message: message(error)});
			});
		return () => controller.abort();
	}, [state.diagnosisRequest]);
}

/** A cluster without a working meta leader: watch for one, and refresh the moment it is elected. */
export function useElectionWatch(state: State, dispatch: Dispatch, services: WizardServices): void {
	const meta = state.diagnosis.kind === 'ready' ? state.diagnosis.result.assessment.meta : undefined;
	const leaderless =
		meta !== undefined && (meta.kind === 'no-quorum' || (meta.kind === 'unknown' && meta.size !== undefined));
	useEffect(() => {
		if (!leaderless || !services.watchMetaLeader) return;
		const controller = new AbortController();
		dispatch({type: 'election', election: {phase: 'watching', electionDueMs: undefined}});
		services
			.watchMetaLeader({
				signal: controller.signal,
				onWait(electionDueMs) {
					if (!controller.signal.aborted) dispatch({type: 'election', election: {phase: 'watching', electionDueMs}});
				},
			})
			.then(leader => {
				if (controller.signal.aborted) return;
				dispatch({type: 'notice', message: `meta leader ${leader} elected: the overview refreshed by itself`});
				dispatch({type: 'refresh'});
			})
			.catch(() => undefined);
		return () => controller.abort();
	}, [leaderless, state.diagnosisRequest]);
}

export function usePeerRemove(state: State, dispatch: Dispatch, services: WizardServices): {abort: () => void} {
	const running = useRef<AbortController | undefined>(undefined);
	const {screen} = state;
	const runKey = screen.kind === 'recovery-run' && screen.phase === 'removing' ? screen.server : undefined;
	useEffect(() => {
		if (screen.kind !== 'recovery-run' || runKey === undefined) return;
		const {server} = screen;
		const controller = new AbortController();
		running.current = controller;
		let requested = false;
		void (async () => {
			try {
				const {impacts, watched} = await services.peerRemove(server, {
					signal: controller.signal,
					watchTimeoutMs,
					onRecorded: entry => dispatch({type: 'recorded', entry}),
					onEvent(event) {
						if (event.type === 'requested') {
							requested = true;
							dispatch({type: 'run-phase', phase: 'watching'});
						} else if (event.type === 'watch') {
							dispatch({type: 'watch-update', states: event.states});
						}
					},
				});
				const lost = impacts.filter(impact => impact.kind === 'data-lost').map(impact => impact.stream);
				const lostWords = lost.length > 0 ? `; lost: ${lost.join(', ')} (R1 on ${server})` : '';
				const states = watched?.states ?? [];
				const pending = states
					.filter(watching => !watching.done)
					.map(watching => `${watching.stream} waits for ${watching.waitingFor ?? '?'}`);
				const complete = watched?.complete ?? true;
				const detail = complete
					? `removed ${server}; ${states.length === 0 ? 'no stream needed a new replica' : `${states.length} stream(s) recovered`}${lostWords}`
					: `removed ${server}; not recovered after ${watchTimeoutMs / 1000}s: ${pending.join('; ')}${lostWords}`;
				dispatch({type: 'run-phase', phase: complete ? 'done' : 'failed', message: detail});
			} catch (error) {
				const detail = !requested
					? `peer-remove failed: ${message(error)}`
					: controller.signal.aborted
						? `removed ${server}; watching was aborted (the removal itself stands)`
						: message(error);
				dispatch({type: 'run-phase', phase: 'failed', message: detail});
			} finally {
				running.current = undefined;
				dispatch({type: 'refresh'});
			}
		})();
	}, [runKey]);

	return {
		abort() {
			running.current?.abort();
		},
	};
}

/** How long a restarted demo server gets to bring the meta group back before the wizard says so. */
const quorumWaitMs = 60_000;

/** In the demo: starts one of its servers again, then diagnoses until the meta group has a quorum. */
export function useDemoRestart(state: State, dispatch: Dispatch, services: WizardServices): {abort: () => void} {
	const running = useRef<AbortController | undefined>(undefined);
	const {screen} = state;
	const server = screen.kind === 'quorum' ? screen.restarting : undefined;
	useEffect(() => {
		if (server === undefined || !services.demo) return;
		const {demo} = services;
		const controller = new AbortController();
		running.current = controller;
		void (async () => {
			try {
				await demo.restart(server);
				const started = Date.now();
				for (;;) {
					const result = await services.diagnose({signal: controller.signal});
					if (controller.signal.aborted) return;
					dispatch({type: 'diagnosis-loaded', result});
					if (result.assessment.meta.kind !== 'no-quorum') break;
					const seconds = Math.round((Date.now() - started) / 1000);
					if (Date.now() - started > quorumWaitMs)
						throw new Error(
							`${server} runs, but after ${seconds}s the meta group still has no quorum: bring another server back`,
						);
					dispatch({
						type: 'restart-progress',
						waiting: `${server} is running; waiting for the meta group to elect a leader (${seconds}s)…`,
					});
					await new Promise(resolve => setTimeout(resolve, 1000));
				}

				dispatch({type: 'restart-done', server});
			} catch (error) {
				if (!controller.signal.aborted) dispatch({type: 'restart-done', server, problem: message(error)});
			} finally {
				running.current = undefined;
			}
		})();
		return () => controller.abort();
	}, [server]);
	return {
		abort() {
			running.current?.abort();
		},
	};
}
