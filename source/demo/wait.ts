import {throwIfAborted} from '../core/errors.js';

/** Sleeps, but wakes at once and throws AbortedError when the signal aborts. */
export async function delay(ms: number, signal: AbortSignal): Promise<void> {
	throwIfAborted(signal);
	await new Promise<void>(resolve => {
		const done = () => {
			clearTimeout(timer);
			signal.removeEventListener('abort', done);
			resolve();
		};

		const timer = setTimeout(done, ms);
		signal.addEventListener('abort', done, {once: true});
	});
	throwIfAborted(signal);
}
