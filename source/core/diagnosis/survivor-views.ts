/**
 * Streams as the live servers see them, from each answering server's JSZ (system account). The
 * account's JetStream API stops answering STREAM.NAMES/LIST without a meta leader, and a stream
 * whose leader is dead answers no STREAM.INFO; the replicas that survive still report their own
 * view here, and a stream no live server reports lives only on dead servers.
 */
import type {NatsConnection} from 'nats';
import {sysGather} from '../sys-gather.js';
import type {StreamInfoReply} from './streams.js';

type JszReply = {
	server: {name: string};
	data?: {account_details?: Array<{name: string; stream_detail?: StreamInfoReply[]}>};
};

export type SurvivorViews = {
	account: string | undefined;
	/** How many servers replied. */
	answered: number;
	/** Stream name → each live hosting server's own view of it. */
	streams: Map<string, Array<{server: string; info: StreamInfoReply}>>;
};

type ConnzReply = {data?: {connections?: Array<{account?: string}>}};

/** The connection's account name, asked of the server it is connected to (2.9 has no USER.INFO). */
export async function accountOf(
	sys: NatsConnection,
	account: NatsConnection,
	timeoutMs: number,
): Promise<string | undefined> {
	const {info} = account;
	if (!info) return undefined;
	const [reply] = await sysGather<ConnzReply>(
		sys,
		`$SYS.REQ.SERVER.${info.server_id}.CONNZ`,
		{cid: info.client_id, auth: true},
		{
			maxWaitMs: timeoutMs,
			expected: () => 1,
		},
	);
	return reply?.data?.connections?.[0]?.account;
}

export async function gatherSurvivorViews(
	sys: NatsConnection,
	{
		account,
		expected,
		timeoutMs,
		quietMs = timeoutMs,
		signal,
	}: {account: string | undefined; expected: number; timeoutMs: number; quietMs?: number; signal?: AbortSignal},
): Promise<SurvivorViews> {
	const replies = await sysGather<JszReply>(
		sys,
		'$SYS.REQ.SERVER.PING.JSZ',
		{accounts: true, streams: true, config: true, ...(account ? {account} : {})},
		// Each reply describes every stream the server holds: with thousands, the last server takes a
		// while to send it, so the count of answering servers ends the wait, not a short quiet period.
		{maxWaitMs: timeoutMs, quietMs, signal, expected: () => expected},
	);
	return survivorViewsFrom(replies, account);
}

/** Pure. Without a known account, the one holding the most streams is taken. */
function survivorViewsFrom(replies: JszReply[], account: string | undefined): SurvivorViews {
	let chosen = account;
	if (!chosen) {
		const counts = new Map<string, number>();
		for (const reply of replies) {
			for (const detail of reply.data?.account_details ?? [])
				counts.set(detail.name, (counts.get(detail.name) ?? 0) + (detail.stream_detail?.length ?? 0));
		}

		chosen = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
	}

	const streams = new Map<string, Array<{server: string; info: StreamInfoReply}>>();
	for (const reply of replies) {
		for (const detail of reply.data?.account_details ?? []) {
			if (detail.name !== chosen) continue;
			for (const info of detail.stream_detail ?? []) {
				const views = streams.get(info.config.name) ?? [];
				views.push({server: reply.server.name, info});
				streams.set(info.config.name, views);
			}
		}
	}

	return {account: chosen, answered: replies.length, streams};
}

/**
 * The stream leader's own view (or a non-clustered server's, which has no group) says what
 * STREAM.INFO would: the same stream state, answered by the same server.
 */
export function isLeaderView(view: {server: string; info: StreamInfoReply}): boolean {
	const {cluster} = view.info;
	return !cluster?.name || cluster.leader === view.server;
}

/** The most authoritative survivor view: the server that believes it leads, else any. */
export function bestView(
	views: Array<{server: string; info: StreamInfoReply}>,
): {server: string; info: StreamInfoReply} | undefined {
	return views.find(view => view.info.cluster?.leader === view.server) ?? views[0];
}
