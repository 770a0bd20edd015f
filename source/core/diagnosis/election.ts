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

/** Pure: a clustered meta group without a leader in which enough servers answer to elect one. */
export function awaitsElection(view: ServersView): boolean {
	const size = view.metaClusterSize ?? 0;
	if (view.metaLeader || size < 2) return false;
	const answering = view.servers.filter(server => server.jetstream && server.answering).length;
	return answering >= Math.floor(size / 2) + 1;
}

export async function waitForElection(
	poll: () => Promise<ServersView>,
	{timeoutMs, signal, onWait}: {timeoutMs: number; signal?: AbortSignal | undefined; onWait?: ((waitedMs: number, timeoutMs: number) => void) | undefined},
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
