/**
 * Streams that run side by side each listen to the operator's one abort signal (the transfer, the
 * request in flight, a wait), and remove their listeners as they end. Node counts them per signal and
 * from the eleventh prints a MaxListenersExceededWarning on stderr, into log lines and the wizard's
 * screen alike, which a `backup --all` of 64 streams at once did on every run: not a leak, so the
 * limit is raised to what the streams may hold.
 */
import {getMaxListeners, setMaxListeners} from 'node:events';

/** The most abort listeners one stream's backup holds at once, with room to spare. */
const listenersPerStream = 8;

export function allowConcurrentStreams(signal: AbortSignal | undefined, streams: number): void {
	if (!signal) return;
	const needed = streams * listenersPerStream;
	if (getMaxListeners(signal) < needed) setMaxListeners(needed, signal);
}
