/**
 * The stream changes failover and protect make, and the watches that follow them. Each takes plain
 * inputs, polls for a condition rather than sleeping, reports what it sees through one callback shape,
 * and honours an AbortSignal.
 */
import {DrError, JsApiError, throwIfAborted} from '../errors.js';
import {jsRequest, type JsApi} from '../jsapi.js';
import {listStreamNames} from '../diagnosis/streams.js';
import {topologyStreamInfo, type TopologyStream} from './streams.js';

type WatchUpdate = {
	stream: string;
	messages: number | undefined;
	target: number | undefined;
	lag: number | undefined;
	words: string;
};

export type WatchOptions = {
	timeoutMs: number;
	signal?: AbortSignal;
	onUpdate?: (update: WatchUpdate) => void;
	intervalMs?: number;
};

async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
	await new Promise<void>(resolve => {
		const done = () => {
			clearTimeout(timer);
			signal?.removeEventListener('abort', done);
			resolve();
		};

		const timer = setTimeout(done, ms);
		signal?.addEventListener('abort', done, {once: true});
	});
	throwIfAborted(signal);
}

async function until<T>(
	probe: () => Promise<T | undefined>,
	{timeoutMs, signal, intervalMs = 250}: WatchOptions,
	what: string,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		throwIfAborted(signal);
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline)
			throw new DrError(`${what} did not happen within ${Math.round(timeoutMs / 1000)}s`, {
				hint: 'run `nats-dr readiness` to see where it stands, or raise --watch-timeout',
			});
		await pause(intervalMs, signal);
	}
}

/**
 * Deletes a stream whose servers are gone. The meta leader removes the assignment, but the reply
 * comes from the stream's leader, which is dead: so a timeout is expected, and the stream's absence
 * from STREAM.NAMES is what counts.
 */
export async function deleteLostStream(js: JsApi, name: string, options: WatchOptions): Promise<void> {
	try {
		await jsRequest(js, `STREAM.DELETE.${name}`, undefined, {timeoutMs: Math.min(js.timeoutMs, 1000)});
		return;
	} catch (error) {
		if (error instanceof JsApiError && error.errCode === 10059) return;
		if (!(error instanceof DrError) || !/no reply/.test(error.message)) throw error;
	}

	await until(
		async () => ((await listStreamNames(js)).includes(name) ? undefined : true),
		options,
		`removing ${name} from the meta group`,
	);
}

export async function updateStream(js: JsApi, config: Record<string, unknown>): Promise<void> {
	await jsRequest(js, `STREAM.UPDATE.${String(config['name'])}`, config);
}

export async function createStream(js: JsApi, config: Record<string, unknown>): Promise<void> {
	await jsRequest(js, `STREAM.CREATE.${String(config['name'])}`, config);
}

async function info(js: JsApi, name: string): Promise<TopologyStream | undefined> {
	const stream = await topologyStreamInfo(js, name, undefined, Math.min(js.timeoutMs, 2000));
	return stream.status === 'ok' ? stream : undefined;
}

/** Waits until `name` has caught up with its mirror or its single source: lag 0 and at least `atLeast` messages. */
export async function watchCatchUp(
	js: JsApi,
	name: string,
	atLeast: number | undefined,
	options: WatchOptions,
): Promise<TopologyStream> {
	return until(
		async () => {
			const stream = await info(js, name);
			if (!stream) return undefined;
			const link = stream.mirror ?? stream.sources[0];
			const lag = link?.lag;
			const done = lag === 0 && (atLeast === undefined || (stream.messages ?? 0) >= atLeast);
			options.onUpdate?.({
				stream: name,
				messages: stream.messages,
				target: atLeast,
				lag,
				words: done ? 'caught up' : `lag ${lag ?? '?'}`,
			});
			return done ? stream : undefined;
		},
		options,
		`${name} catching up`,
	);
}

/** Waits until `name` answers, is no mirror, and holds exactly the given subjects (a standalone 2.9 server names no leader). */
export async function watchServing(
	js: JsApi,
	name: string,
	subjects: string[],
	options: WatchOptions,
): Promise<TopologyStream> {
	const wanted = [...subjects].sort().join(' ');
	return until(
		async () => {
			const stream = await info(js, name);
			const serving = stream !== undefined && [...stream.subjects].sort().join(' ') === wanted && !stream.mirror;
			if (stream)
				options.onUpdate?.({
					stream: name,
					messages: stream.messages,
					target: undefined,
					lag: undefined,
					words: serving ? `serving ${subjects.join(', ')}` : 'not serving yet',
				});
			return serving ? stream : undefined;
		},
		options,
		`${name} serving ${subjects.join(', ')}`,
	);
}

/** Removes the `sources` of a stream so it stands alone. */
export async function dropSources(js: JsApi, name: string): Promise<void> {
	const stream = await info(js, name);
	if (!stream?.config) throw new DrError(`${name} does not answer; its sources were not removed`);
	const config = {...stream.config};
	delete config['sources'];
	await updateStream(js, config);
}
