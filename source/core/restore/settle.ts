/**
 * The server's final restore reply is not the end: on a 2.9 cluster the consumers appear a moment
 * later and the other replicas catch up later still (protocol doc §4.4). A restore is done only
 * when the stream holds the archive's messages less those its own limits removed, every archived
 * consumer exists and, for R > 1, every replica is current.
 */
import type {NatsConnection} from 'nats';
import {throwIfAborted} from '../errors.js';
import {accountOf, gatherSurvivorViews} from '../diagnosis/survivor-views.js';
import {jsRequest, type JsApi} from '../jsapi.js';
import {streamInfo, type StreamInfoReply} from '../diagnosis/streams.js';
import type {SettleExpectation} from './plan.js';
import {limitsThatRemoved, removedByLimitsWords} from './stream-limits.js';

export type ConsumerSummary = {name: string; delivered: number; ackFloor: number; pending: number};

export type RemovedByLimits = {messages: number; limits: string[]; words: string};

export type SettleState = {
	done: boolean;
	waitingFor: string[];
	/**
	 * Waited for only briefly once the rest is done: backup.json's consumer count is the stream's,
	 * and a snapshot holds only some of its consumers (verify-backup.ts explains which).
	 */
	softWaitingFor: string[];
	/** Messages backup.json counts that the restored stream's limits removed. */
	removedByLimits?: RemovedByLimits;
};

type ReplicaInfo = {name: string; current?: boolean; lag?: number; offline?: boolean};

/** A replica's own view of the stream, from its server's JSZ. */
export type ReplicaData = {server: string; messages: number; lastSeq: number};

/**
 * Pure but for the clock: what is still missing, in words. `replicaData`, when the system account
 * could read it, holds the replicas to the leader's messages: `current` alone is not enough (see
 * waitSettled).
 */
export function settleState(
	info: StreamInfoReply,
	consumers: string[],
	expected: SettleExpectation,
	now = Date.now(),
	replicaData?: ReplicaData[],
): SettleState {
	const waitingFor: string[] = [];
	const softWaitingFor: string[] = [];
	let removedByLimits: RemovedByLimits | undefined;
	const messages = info.state?.messages ?? 0;
	// At least: publishes that went on while the snapshot ran can be in the archive too (§3.7).
	if (expected.messages !== undefined && messages < expected.messages) {
		const limits = limitsThatRemoved(expected.limits, {messages, oldestMs: expected.oldestMs, now});
		// The last sequence survives expiry and trimming, so reaching it shows the archive was loaded whole.
		const lastSeq = info.state?.last_seq ?? 0;
		const loaded = expected.lastSeq === undefined || lastSeq >= expected.lastSeq;
		const removed = expected.messages - messages;
		if (limits.length > 0 && loaded)
			removedByLimits = {messages: removed, limits, words: removedByLimitsWords(removed, limits)};
		else waitingFor.push(`${expected.messages} messages (has ${messages})`);
	}

	if (Array.isArray(expected.consumers)) {
		const missing = expected.consumers.filter(name => !consumers.includes(name));
		if (missing.length > 0) waitingFor.push(`consumer${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
	} else if (expected.consumers && consumers.length < expected.consumers.count) {
		softWaitingFor.push(`${expected.consumers.count} consumers as backup.json counts them (has ${consumers.length})`);
	}

	if (expected.replicas > 1) {
		const replicas: ReplicaInfo[] = info.cluster?.replicas ?? [];
		if (!info.cluster?.leader) waitingFor.push('a stream leader');
		const behind = replicas.filter(replica => !replica.current || (replica.lag ?? 0) > 0);
		if (behind.length > 0) {
			waitingFor.push(
				`replica${behind.length > 1 ? 's' : ''} ${behind.map(replica => `${replica.name}${replica.lag ? ` (lag ${replica.lag})` : ''}`).join(', ')} to be current`,
			);
		}

		const missing = expected.replicas - 1 - replicas.length;
		if (missing > 0) waitingFor.push(`${missing} more replica${missing > 1 ? 's' : ''} to be placed`);
		if (replicaData && behind.length === 0) {
			const lastSeq = info.state?.last_seq ?? 0;
			for (const replica of replicas) {
				// A server may list two streams of the name for a while, e.g. a deleted unfinished restore's beside
				// the new one: the replica holds the data when any of them does.
				const views = replicaData.filter(view => view.server === replica.name);
				if (views.some(view => view.messages === messages && view.lastSeq === lastSeq)) continue;
				const most = Math.max(...views.map(view => view.messages));
				waitingFor.push(
					`replica ${replica.name} to hold the data (${views.length > 0 ? `${most} of ${messages} messages` : 'not reported yet'})`,
				);
			}
		}
	}

	return {done: waitingFor.length === 0, waitingFor, softWaitingFor, ...(removedByLimits ? {removedByLimits} : {})};
}

type ConsumerListPage = {
	total: number;
	consumers: Array<{
		name: string;
		delivered?: {stream_seq?: number};
		ack_floor?: {stream_seq?: number};
		num_pending?: number;
	}> | null;
};

async function listConsumers(js: JsApi, stream: string, timeoutMs: number): Promise<ConsumerSummary[]> {
	const consumers: ConsumerSummary[] = [];
	for (let total = Infinity; consumers.length < total;) {
		const page = await jsRequest<ConsumerListPage>(
			js,
			`CONSUMER.LIST.${stream}`,
			{offset: consumers.length},
			{timeoutMs},
		);
		total = page.total;
		if (!page.consumers?.length) break;
		for (const consumer of page.consumers) {
			consumers.push({
				name: consumer.name,
				delivered: consumer.delivered?.stream_seq ?? 0,
				ackFloor: consumer.ack_floor?.stream_seq ?? 0,
				pending: consumer.num_pending ?? 0,
			});
		}
	}

	return consumers.sort((a, b) => a.name.localeCompare(b.name));
}

export type Settled = {info: StreamInfoReply; consumers: ConsumerSummary[]; state: SettleState};

/** How long a restore that is otherwise done waits for consumers backup.json counts beyond the archive. */
export const softWaitMs = 5000;

/**
 * Without the system account, how long replicas must go on being reported current before they are
 * believed: nats-server 2.15.3 reports a just-restored stream's empty followers current, lag 0, for
 * about 20 ms before their catch-up starts (seen twice in a few restores of 128 MiB).
 */
export const unconfirmedReplicasMs = 500;

/**
 * Polls until settled or the timeout; returns the last look either way. With `sys`, replicas
 * reported current must also hold the leader's messages in their own servers' JSZ; without it,
 * they must stay current for `unconfirmedReplicasMs`.
 */
export async function waitSettled(
	js: JsApi,
	stream: string,
	expected: SettleExpectation,
	{
		timeoutMs,
		signal,
		onUpdate,
		sys,
	}: {
		timeoutMs: number;
		signal?: AbortSignal;
		onUpdate?: (state: SettleState) => void;
		sys?: NatsConnection | undefined;
	},
): Promise<Settled> {
	const deadline = Date.now() + timeoutMs;
	const requestTimeoutMs = Math.min(js.timeoutMs, 3000);
	let intervalMs = 50;
	let doneSince: number | undefined;
	let readsReplicas = sys !== undefined;
	let confirmed = false;
	for (;;) {
		throwIfAborted(signal);
		let look: Settled | undefined;
		try {
			const [info, consumers] = await Promise.all([
				streamInfo(js, stream, requestTimeoutMs),
				expectsConsumers(expected) ? listConsumers(js, stream, requestTimeoutMs) : [],
			]);
			const names = consumers.map(consumer => consumer.name);
			let state = settleState(info, names, expected);
			confirmed = false;
			if (state.done && expected.replicas > 1 && readsReplicas) {
				const replicaData = await replicaDataOf(sys!, js, stream, requestTimeoutMs, signal);
				// A system account that does not answer is asked no more: the time rule stands in.
				readsReplicas = replicaData !== undefined;
				if (replicaData) {
					state = settleState(info, names, expected, Date.now(), replicaData);
					confirmed = true;
				}
			}

			look = {info, consumers, state};
		} catch (error) {
			// A stream that was just restored may not answer for a moment; only the deadline decides.
			if (Date.now() + intervalMs > deadline) throw error;
		}

		if (look) {
			onUpdate?.(look.state);
			const now = Date.now();
			doneSince = look.state.done ? (doneSince ?? now) : undefined;
			const doneFor = doneSince === undefined ? undefined : now - doneSince;
			const believed = expected.replicas <= 1 || confirmed || (doneFor ?? 0) >= unconfirmedReplicasMs;
			const settled =
				doneFor !== undefined && believed && (look.state.softWaitingFor.length === 0 || doneFor >= softWaitMs);
			if (settled || now + intervalMs > deadline) return look;
		}

		await sleep(intervalMs, signal);
		// Capped low: every poll past the moment it settled is time the operator waits for nothing, and
		// two small requests ten times a second cost the servers nothing beside a restore.
		intervalMs = Math.min(100, intervalMs * 2);
	}
}

/**
 * A fresh stream holds only the consumers its archive brought: when the archive holds none (or
 * backup.json counted none), listing them costs every server a request for nothing, per poll. An
 * account restore of 1,000 small streams made 1,000 such requests.
 */
function expectsConsumers({consumers}: SettleExpectation): boolean {
	return Array.isArray(consumers) ? consumers.length > 0 : consumers?.count !== 0;
}

/** Every server's own view of the stream; undefined when the system account does not answer. */
async function replicaDataOf(
	sys: NatsConnection,
	js: JsApi,
	stream: string,
	timeoutMs: number,
	signal: AbortSignal | undefined,
): Promise<ReplicaData[] | undefined> {
	try {
		// Without the account's name another account's stream of the same name could answer.
		const account = await accountOf(sys, js.nc, timeoutMs);
		if (account === undefined) return undefined;
		// Every server answers, hosting the stream or not: the wait ends when they fall quiet.
		const views = await gatherSurvivorViews(sys, {account, expected: Infinity, timeoutMs, quietMs: 150, signal});
		if (views.answered === 0) return undefined;
		return (views.streams.get(stream) ?? []).map(({server, info}) => ({
			server,
			messages: info.state?.messages ?? 0,
			lastSeq: info.state?.last_seq ?? 0,
		}));
	} catch {
		return undefined;
	}
}

/** Resolves after `ms`, or at once on abort (the caller's next abort check then throws). */
async function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
	return new Promise(resolve => {
		const done = (): void => {
			clearTimeout(timer);
			signal?.removeEventListener('abort', done);
			resolve();
		};

		const timer = setTimeout(done, ms);
		signal?.addEventListener('abort', done, {once: true});
	});
}
