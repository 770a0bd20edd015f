/**
 * Waiting out a meta election. Right after the meta leader's node dies the survivors still name
 * it as leader for seconds and the JetStream API answers nothing; a report made then misses
 * every stream only the dead node held. When a quorum of the meta group answers, a new leader is
 * due within seconds, so the diagnosis waits for it (bounded) instead of going blind. Without a
 * quorum no leader can come, and waiting would only delay the bad news.
 */
import {throwIfAborted} from '../errors.js';
import type {ServersView} from './servers.js';

export type ElectionWait = {
	waitedMs: number;
	timeoutMs: number;
	/** The leader that was elected, or undefined when the wait ran out. */
	leader: string | undefined;
};

export const defaultElectionTimeoutMs = 15_000;
const pollIntervalMs = 500;

function quorumAnswers(view: ServersView): boolean {
	const size = view.metaClusterSize ?? 0;
	return view.servers.filter(server => server.jetstream && server.answering).length >= Math.floor(size / 2) + 1;
}

/** Pure: a clustered meta group without a leader in which enough servers answer to elect one. */
export function awaitsElection(view: ServersView): boolean {
	return !view.metaLeader && (view.metaClusterSize ?? 0) >= 2 && quorumAnswers(view);
}

export async function waitForElection(
	poll: () => Promise<ServersView>,
	{
		timeoutMs,
		signal,
		onWait,
	}: {
		timeoutMs: number;
		signal?: AbortSignal | undefined;
		onWait?: ((waitedMs: number, timeoutMs: number) => void) | undefined;
	},
): Promise<{view: ServersView | undefined; wait: ElectionWait}> {
	const started = performance.now();
	const waited = () => Math.round(performance.now() - started);
	let view: ServersView | undefined;
	while (waited() < timeoutMs) {
		throwIfAborted(signal);
		onWait?.(waited(), timeoutMs);
		await delay(Math.min(pollIntervalMs, Math.max(0, timeoutMs - waited())), signal);
		try {
			view = await poll();
		} catch {
			// One lost ping during the election is no answer; the next poll decides.
			continue;
		}

		if (view.metaLeader) return {view, wait: {waitedMs: waited(), timeoutMs, leader: view.metaLeader}};
		if (!awaitsElection(view)) break;
	}

	return {view, wait: {waitedMs: waited(), timeoutMs, leader: undefined}};
}

async function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
	await new Promise<void>(resolve => {
		const timer = setTimeout(done, ms);
		signal?.addEventListener('abort', done, {once: true});
		function done() {
			clearTimeout(timer);
			signal?.removeEventListener('abort', done);
			resolve();
		}
	});
	throwIfAborted(signal);
}

/**
 * Watches, without a bound, for a meta leader to appear: the wizard's overview refreshes by itself
 * when servers come back. Reports how long an election has been due (a quorum answers), or
 * undefined while there is no quorum to elect one.
 */
export async function watchForLeader(
	poll: () => Promise<ServersView>,
	{
		signal,
		onWait,
		intervalMs = 1000,
	}: {signal: AbortSignal; onWait: (waitedMs: number | undefined) => void; intervalMs?: number},
): Promise<string> {
	let due: number | undefined;
	for (;;) {
		const view = await poll().catch(() => undefined);
		throwIfAborted(signal);
		// A leader left without quorum keeps claiming the leadership: only one with quorum counts.
		if (view?.metaLeader && quorumAnswers(view)) return view.metaLeader;
		if (view && awaitsElection(view)) due ??= performance.now();
		else due = undefined;
		onWait(due === undefined ? undefined : Math.round(performance.now() - due));
		await delay(intervalMs, signal);
	}
}
