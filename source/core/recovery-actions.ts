/**
 * The actions that repair a cluster: meta peer-remove, stream peer-remove, stream leader
 * step-down, and watching replicas catch up afterwards. Each takes plain inputs, reports
 * progress through a callback and honours an AbortSignal.
 */
import type {NatsConnection} from 'nats';
import {DrError, JsApiError, throwIfAborted} from './errors.js';
import {decodeJson, encodeJson, jsRequest, requestError, type JsApi} from './jsapi.js';
import {streamInfo, viewFromInfo, type ReplicaView} from './diagnosis/streams.js';
import {streamInfoCommand} from './nats-command.js';

type SuccessReply = {success?: boolean; error?: {code: number; err_code?: number; description: string}};

/**
 * Removes a server from the JetStream meta group. Always over the system account and without a
 * JetStream domain: the handler lives in the system account on the meta leader.
 */
export async function removeMetaPeer(
	sys: NatsConnection,
	target: {name: string | undefined; peerId: string | undefined},
	timeoutMs: number,
): Promise<void> {
	const subject = '$JS.API.SERVER.REMOVE';
	const body = target.name ? {peer: target.name} : {peer: '', peer_id: target.peerId};
	let reply;
	try {
		reply = await sys.request(subject, encodeJson(body), {timeout: timeoutMs});
	} catch (error) {
		throw requestError(error, subject, timeoutMs);
	}

	const parsed = decodeJson<SuccessReply>(reply.data, subject);
	if (parsed.error) throw new JsApiError(subject, parsed.error);
	if (!parsed.success) throw new DrError(`${subject} did not report success`);
}

/**
 * Removes one peer from a stream's group. 10075 "peer remap failed" means no server can take the replica:
 * up to 2.14 the server then shrinks the group, but only when its meta leader holds a replica of the stream
 * (otherwise it changes nothing); 2.15 always refuses. So after a 10075 the peer set is looked at, not
 * guessed: gone resolves `replaced: false`, still there is a DrError saying nothing was removed and why.
 */
export async function removeStreamPeer(
	js: JsApi,
	stream: string,
	server: string,
	{
		settleMs = 5000,
		answerWithinMs = 20_000,
		signal,
	}: {settleMs?: number; answerWithinMs?: number; signal?: AbortSignal} = {},
): Promise<{replaced: boolean}> {
	try {
		const reply = await jsRequest<SuccessReply>(js, `STREAM.PEER.REMOVE.${stream}`, {peer: server});
		if (!reply.success) throw new DrError(`removing ${server} from stream ${stream} did not report success`);
		return {replaced: true};
	} catch (error) {
		if (!(error instanceof JsApiError && error.errCode === 10075)) throw error;
	}

	const version = js.nc.info?.version;
	const refuses = keepsPeerWithoutReplacement(version);
	const left = refuses ? false : await peerLeaves(js, stream, server, {settleMs, answerWithinMs, signal});
	if (left === true) return {replaced: false};
	const why = refuses
		? 'from 2.15 on the server refuses rather than shrink the group'
		: 'before 2.15 the server shrinks the group only when its meta leader holds a replica of the stream';
	const outcome =
		left === 'silent'
			? `and ${stream} did not answer for ${Math.round(answerWithinMs / 1000)} s afterwards, so whether ${server} left the group is not known (${why}); check with ${streamInfoCommand(stream)}`
			: `and kept ${server} in the group (${why}); nothing was removed`;
	throw new DrError(
		`nats-server ${version ?? '(unknown version)'} found no server to take ${server}'s replica of ${stream} (503/10075 "peer remap failed") ${outcome}`,
		{
			hint: `add a server that fits the stream's placement, or lower its replicas (nats stream edit ${stream} --replicas N) so it no longer needs ${server}`,
		},
	);
}

/** nats-server 2.15 rejects a stream peer-remove that would leave the group below its replicas. */
export function keepsPeerWithoutReplacement(version: string | undefined): boolean {
	const match = /^v?(\d+)\.(\d+)/.exec(version ?? '');
	if (!match) return false;
	const [major, minor] = [Number(match[1]), Number(match[2])];
	return major > 2 || (major === 2 && minor >= 15);
}

/**
 * Whether `server` leaves the stream's peer set: a removal the meta leader proposed applies within moments,
 * so `settleMs` of answers still listing it mean it stays. A stream without a leader does not answer at all
 * (its replicas elect one within their election timeout, several seconds); silence for `answerWithinMs`
 * leaves the outcome unknown.
 */
async function peerLeaves(
	js: JsApi,
	stream: string,
	server: string,
	{settleMs, answerWithinMs, signal}: {settleMs: number; answerWithinMs: number; signal: AbortSignal | undefined},
): Promise<boolean | 'silent'> {
	const silenceDeadline = Date.now() + answerWithinMs;
	let stayDeadline: number | undefined;
	for (;;) {
		throwIfAborted(signal);
		try {
			const view = viewFromInfo(await streamInfo(js, stream, Math.min(js.timeoutMs, 2000)));
			if (view.leader !== server && !view.peers.some(peer => peer.name === server)) return true;
			stayDeadline ??= Date.now() + settleMs;
			if (Date.now() > stayDeadline) return false;
		} catch (error) {
			if (!(error instanceof DrError)) throw error;
			if (Date.now() > Math.max(silenceDeadline, stayDeadline ?? 0)) return 'silent';
		}

		await new Promise(resolve => setTimeout(resolve, 250));
	}
}

/** 2.9 requires an empty body here: a JSON object without placement is a bad request. */
export async function stepDownStream(js: JsApi, stream: string): Promise<void> {
	const reply = await jsRequest<SuccessReply>(js, `STREAM.LEADER.STEPDOWN.${stream}`);
	if (!reply.success) throw new DrError(`step-down of stream ${stream} did not report success`);
}

export type WatchTarget = {
	stream: string;
	/** The server that must no longer be a peer. */
	removed: string | undefined;
	/** How many current replicas mean "recovered". */
	expectedPeers: number;
};

export type WatchState = {
	stream: string;
	leader: string | undefined;
	peers: ReplicaView[];
	done: boolean;
	/** What is still missing, in words, while not done. */
	waitingFor: string | undefined;
};

function watchStateOf(target: WatchTarget, leader: string | undefined, peers: ReplicaView[]): WatchState {
	const base = {stream: target.stream, leader, peers};
	if (!leader) return {...base, done: false, waitingFor: 'a leader'};
	if (target.removed && peers.some(peer => peer.name === target.removed)) {
		return {...base, done: false, waitingFor: `${target.removed} to leave the peer set`};
	}

	const current = peers.filter(peer => peer.current);
	if (peers.length < target.expectedPeers) {
		return {
			...base,
			done: false,
			waitingFor: `${target.expectedPeers - peers.length} replacement replica(s) to be placed`,
		};
	}

	if (current.length < target.expectedPeers) {
		const behind = peers
			.filter(peer => !peer.current)
			.map(peer => `${peer.name}${peer.lag ? ` (lag ${peer.lag})` : ''}`);
		return {...base, done: false, waitingFor: `${behind.join(', ')} to catch up`};
	}

	return {...base, done: true, waitingFor: undefined};
}

/** Polls the streams until each is done or the timeout passes; returns the last state of each. */
export async function watchRecovery(
	js: JsApi,
	targets: WatchTarget[],
	{
		timeoutMs,
		intervalMs = 1000,
		signal,
		onUpdate,
	}: {timeoutMs: number; intervalMs?: number; signal?: AbortSignal; onUpdate?: (states: WatchState[]) => void},
): Promise<{states: WatchState[]; complete: boolean}> {
	const deadline = Date.now() + timeoutMs;
	let states: WatchState[] = targets.map(target => ({
		stream: target.stream,
		leader: undefined,
		peers: [],
		done: false,
		waitingFor: 'first look',
	}));
	for (;;) {
		throwIfAborted(signal);
		states = await Promise.all(
			targets.map(async (target, i) => {
				if (states[i]!.done) return states[i]!;
				try {
					const view = viewFromInfo(await streamInfo(js, target.stream, Math.min(js.timeoutMs, 2000)));
					return watchStateOf(target, view.leader, view.peers);
				} catch (error) {
					if (!(error instanceof DrError)) throw error;
					return {...states[i]!, done: false, waitingFor: `the stream to answer (${error.message})`};
				}
			}),
		);
		onUpdate?.(states);
		if (states.every(state => state.done)) return {states, complete: true};
		if (Date.now() + intervalMs > deadline) return {states, complete: false};
		await new Promise(resolve => setTimeout(resolve, intervalMs));
	}
}

/**
 * Deletes a stream, e.g. an R1 stream whose only node died, so its backup can be restored. nats-server 2.15
 * deletes such a stream (its only server peer-removed) without answering, so silence is checked, not trusted.
 */
export async function deleteStream(js: JsApi, stream: string, {settleMs = 5000} = {}): Promise<void> {
	let reply: SuccessReply;
	try {
		reply = await jsRequest<SuccessReply>(js, `STREAM.DELETE.${stream}`);
	} catch (error) {
		if (error instanceof JsApiError || !(error instanceof DrError) || !(await streamGone(js, stream, settleMs)))
			throw error;
		return;
	}

	if (!reply.success) throw new DrError(`deleting stream ${stream} did not report success`);
}

async function streamGone(js: JsApi, stream: string, settleMs: number): Promise<boolean | 'silent'> {
	const deadline = Date.now() + settleMs;
	while (Date.now() < deadline) {
		try {
			await streamInfo(js, stream, Math.min(js.timeoutMs, 1000));
		} catch (error) {
			if (error instanceof JsApiError && error.errCode === 10059) return true;
		}

		await new Promise(resolve => setTimeout(resolve, 250));
	}

	return false;
}
