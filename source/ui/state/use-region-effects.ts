/**
 * The work behind the readiness and failover screens: each hook watches the state for the screen it
 * serves, asks the services, and dispatches the result. Screens never start work, so leaving one
 * can neither orphan nor repeat a failover.
 */
import {useEffect, useRef} from 'react';
import type {WizardServices} from '../services.js';
import type {Action, State} from './machine.js';
import {message} from './use-effects.js';

type Dispatch = (action: Action) => void;

const unavailable = 'not available in this session';

export function useReadiness(state: State, dispatch: Dispatch, services: WizardServices): void {
	const {screen} = state;
	const wanted = screen.kind === 'readiness' && !screen.report && !screen.problem;
	useEffect(() => {
		if (!wanted) return;
		const controller = new AbortController();
		(services.readiness?.({signal: controller.signal}) ?? Promise.reject(new Error(unavailable)))
			.then(report => {
				if (!controller.signal.aborted) dispatch({type: 'readiness-loaded', report});
			})
			.catch((error: unknown) => {
				if (!controller.signal.aborted) dispatch({type: 'readiness-failed', problem: message(error)});
			});
		return () => controller.abort();
	}, [wanted]);
}

export function useFailoverPlan(state: State, dispatch: Dispatch, services: WizardServices): void {
	const {screen} = state;
	const mirror = screen.kind === 'failover-plan' && !screen.plan && !screen.problem ? screen.mirror : undefined;
	useEffect(() => {
		if (mirror === undefined) return;
		let current = true;
		(services.planFailover?.(mirror) ?? Promise.reject(new Error(unavailable)))
			.then(plan => {
				if (current) dispatch({type: 'failover-planned', mirror, plan});
			})
			.catch((error: unknown) => {
				if (current) dispatch({type: 'failover-refused', mirror, problem: message(error)});
			});
		return () => {
			current = false;
		};
	}, [mirror]);
}

export function useFailoverRun(state: State, dispatch: Dispatch, services: WizardServices): {abort: () => void} {
	const {screen} = state;
	const plan = screen.kind === 'failover-run' && screen.phase === 'running' ? screen.plan : undefined;
	return useAbortableRun(plan, async (plan, signal) => {
		try {
			if (!services.failover) throw new Error(unavailable);
			const outcome = await services.failover(plan, {
				signal,
				onEvent: event => dispatch({type: 'failover-event', event}),
				// Recorded as it is written, before the screen says it is done, and a failure too: an operator
				// who quits right then still finds it in the summary.
				onRecorded: entry => dispatch({type: 'recorded', entry}),
			});
			dispatch({type: 'failover-done', outcome});
		} catch (error) {
			dispatch({type: 'failover-failed', message: message(error)});
		} finally {
			dispatch({type: 'refresh'});
		}
	});
}

export function useProtectPlan(state: State, dispatch: Dispatch, services: WizardServices): void {
	const {screen} = state;
	const wanted = screen.kind === 'protect-plan' && !screen.plan && !screen.problem ? screen : undefined;
	const stream = wanted?.stream;
	const to = wanted?.to;
	useEffect(() => {
		if (stream === undefined || to === undefined) return;
		let current = true;
		(services.planProtect?.(stream, to) ?? Promise.reject(new Error(unavailable)))
			.then(plan => {
				if (current) dispatch({type: 'protect-planned', stream, to, plan});
			})
			.catch((error: unknown) => {
				if (current) dispatch({type: 'protect-refused', stream, to, problem: message(error)});
			});
		return () => {
			current = false;
		};
	}, [stream, to]);
}

export function useProtectRun(state: State, dispatch: Dispatch, services: WizardServices): {abort: () => void} {
	const {screen} = state;
	const plan = screen.kind === 'protect-run' && screen.phase === 'running' ? screen.plan : undefined;
	return useAbortableRun(plan, async (plan, signal) => {
		try {
			if (!services.protect) throw new Error(unavailable);
			const outcome = await services.protect(plan, {
				signal,
				onEvent: event => dispatch({type: 'protect-event', event}),
				onRecorded: entry => dispatch({type: 'recorded', entry}),
			});
			dispatch({type: 'protect-done', outcome});
		} catch (error) {
			dispatch({type: 'protect-failed', message: message(error)});
		}
	});
}

/** Runs `work` once for each plan the screen sets running; `abort` (the screen's confirmed Ctrl+C) reaches it. */
function useAbortableRun<Plan>(
	plan: Plan | undefined,
	work: (plan: Plan, signal: AbortSignal) => Promise<void>,
): {abort: () => void} {
	const running = useRef<AbortController | undefined>(undefined);
	useEffect(() => {
		if (!plan) return;
		const controller = new AbortController();
		running.current = controller;
		void work(plan, controller.signal).finally(() => {
			running.current = undefined;
		});
	}, [plan]);
	return {
		abort() {
			running.current?.abort();
		},
	};
}
