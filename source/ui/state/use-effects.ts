/**
 * The wizard's I/O in one place: it watches the state, starts the work a state needs through the
 * services, and dispatches the results. Screens never start work, so unmounting or re-rendering
 * one can neither orphan nor repeat a peer-remove.
 */
import {useEffect, useRef, type Dispatch} from 'react';
import {DrError} from '../../core/errors.js';
import type {WizardServices} from '../services.js';
import type {Action, State} from './machine.js';

const watchTimeoutMs = 120_000;

function message(error: unknown): string {
	return error instanceof DrError ? `${error.message}${error.hint ? ` — try: ${error.hint}` : ''}` : String((error as Error)?.message ?? error);
}

export function useEffects(state: State, dispatch: Dispatch<Action>, services: WizardServices): {abort: () => void} {
	const running = useRef<AbortController | undefined>(undefined);

	useEffect(() => {
		const controller = new AbortController();
		services
			.diagnose({
				signal: controller.signal,
				onPart(part) {
					if (part.servers?.ok && !controller.signal.aborted) dispatch({type: 'servers-loaded', servers: part.servers.value});
				},
				onElectionWait(waitedMs, timeoutMs) {
					if (!controller.signal.aborted) dispatch({type: 'election', election: {phase: 'waiting', waitedMs, timeoutMs}});
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

	// A cluster without a working meta leader: watch for one, and refresh the moment it is elected.
	const meta = state.diagnosis.kind === 'ready' ? state.diagnosis.result.assessment.meta : undefined;
	const leaderless = meta !== undefined && (meta.kind === 'no-quorum' || (meta.kind === 'unknown' && meta.size !== undefined));
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
				dispatch({type: 'run-phase', phase: 'failed', message: `peer-remove failed: ${message(error)}`});
				await record('failed', message(error));
				return;
			}

			dispatch({type: 'run-phase', phase: 'watching'});
			const targets = impacts
				.filter(impact => impact.kind === 'replaced' || impact.kind === 'shrinks' || impact.kind === 'kept')
				.map(impact => ({stream: impact.stream, removed: impact.kind === 'kept' ? undefined : server, expectedPeers: impact.expectedPeers}));
			try {
				const result = await services.watch(targets, {
					signal: controller.signal,
					timeoutMs: watchTimeoutMs,
					onUpdate: states => dispatch({type: 'watch-update', states}),
				});
				const pending = result.states.filter(watched => !watched.done).map(watched => `${watched.stream} waits for ${watched.waitingFor ?? '?'}`);
				const detail = result.complete
					? `removed ${server}; ${targets.length === 0 ? 'no stream needed a new replica' : `${targets.length} stream(s) recovered`}`
					: `removed ${server}; not recovered after ${watchTimeoutMs / 1000}s: ${pending.join('; ')}`;
				dispatch({type: 'run-phase', phase: result.complete ? 'done' : 'failed', message: detail});
				await record(result.complete ? 'ok' : 'failed', detail);
			} catch (error) {
				const aborted = controller.signal.aborted;
				const detail = aborted ? `removed ${server}; watching was aborted (the removal itself stands)` : message(error);
				dispatch({type: 'run-phase', phase: 'failed', message: detail});
				await record(aborted ? 'aborted' : 'failed', detail);
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
