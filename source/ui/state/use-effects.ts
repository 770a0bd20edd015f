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
		const {server, impacts} = screen;
		const controller = new AbortController();
		running.current = controller;
		const record = async (result: 'ok' | 'failed' | 'aborted', detail: string) => {
			const entry = await services.audit({
				action: 'peer-remove',
				subject: server,
				result,
				detail,
				parameters: {streams: impacts.map(impact => `${impact.stream}: ${impact.kind}`)},
				nats: `nats server cluster peer-remove ${server} --force`,
			});
			dispatch({type: 'recorded', entry});
		};

		void (async () => {
			try {
				await services.peerRemove(server);
			} catch (error) {
				await record('failed', message(error));
				dispatch({type: 'run-phase', phase: 'failed', message: `peer-remove failed: ${message(error)}`});
				return;
			}

			dispatch({type: 'run-phase', phase: 'watching'});
			const targets = impacts
				.filter(impact => impact.kind === 'replaced' || impact.kind === 'shrinks')
				.map(impact => ({stream: impact.stream, removed: server, expectedPeers: impact.expectedPeers}));
			const lost = impacts.filter(impact => impact.kind === 'data-lost').map(impact => impact.stream);
			const lostWords = lost.length > 0 ? `; lost: ${lost.join(', ')} (R1 on ${server})` : '';
			try {
				const result = await services.watch(targets, {
					signal: controller.signal,
					timeoutMs: watchTimeoutMs,
					onUpdate: states => dispatch({type: 'watch-update', states}),
				});
				const pending = result.states
					.filter(watched => !watched.done)
					.map(watched => `${watched.stream} waits for ${watched.waitingFor ?? '?'}`);
				const detail = result.complete
					? `removed ${server}; ${targets.length === 0 ? 'no stream needed a new replica' : `${targets.length} stream(s) recovered`}${lostWords}`
					: `removed ${server}; not recovered after ${watchTimeoutMs / 1000}s: ${pending.join('; ')}${lostWords}`;
				// Recorded before the screen says it is done: an operator who quits right then still finds it in the summary.
				await record(result.complete ? 'ok' : 'failed', detail);
				dispatch({type: 'watch-update', states: result.states});
				dispatch({type: 'run-phase', phase: result.complete ? 'done' : 'failed', message: detail});
			} catch (error) {
				const aborted = controller.signal.aborted;
				const detail = aborted ? `removed ${server}; watching was aborted (the removal itself stands)` : message(error);
				await record(aborted ? 'aborted' : 'failed', detail);
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
