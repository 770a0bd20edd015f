/**
 * Scatter-gather over the system account ($SYS.REQ.SERVER.PING*): one request, a reply from each
 * server. Stops as soon as the expected count is in, or a short quiet period after the last reply,
 * capped by the overall timeout — never a fixed long sleep.
 */
import {createInbox, type Msg, type NatsConnection} from 'nats';
import {DrError} from './errors.js';
import {decodeJson, encodeJson} from './jsapi.js';

export type GatherOptions = {
	/** Stop once this many replies are in; may grow as replies report the cluster size. */
	expected?: (replies: number, latest: unknown) => number | undefined;
	/** Quiet period after the last reply. */
	quietMs?: number;
	/** Overall cap. */
	maxWaitMs: number;
	signal?: AbortSignal;
};

const noSystemAccount =
	'no system account permissions: the connection cannot send $SYS requests, so the server-level view is unavailable';
export const noSystemAccountHint =
	'pass --sys-user/--sys-password, --sys-creds or --sys-context with system-account credentials';

export async function sysGather<T>(
	nc: NatsConnection,
	subject: string,
	body: unknown,
	{expected, quietMs = 300, maxWaitMs, signal}: GatherOptions,
): Promise<T[]> {
	const inbox = createInbox();
	const sub = nc.subscribe(inbox);
	const replies: T[] = [];
	let denied = false;
	let quiet: NodeJS.Timeout | undefined;
	const cap = setTimeout(() => sub.unsubscribe(), maxWaitMs);
	const onAbort = () => sub.unsubscribe();
	signal?.addEventListener('abort', onAbort, {once: true});
	nc.publish(subject, encodeJson(body ?? {}), {reply: inbox});
	try {
		for await (const message of sub) {
			if (isNoResponders(message)) {
				denied = true;
				break;
			}

			const reply = decodeJson<T>(message.data, subject);
			replies.push(reply);
			const want = expected?.(replies.length, reply);
			if (want !== undefined && replies.length >= want) break;
			clearTimeout(quiet);
			quiet = setTimeout(() => sub.unsubscribe(), quietMs);
		}
	} finally {
		clearTimeout(quiet);
		clearTimeout(cap);
		signal?.removeEventListener('abort', onAbort);
		if (!sub.isClosed()) sub.unsubscribe();
	}

	if (denied) throw new DrError(noSystemAccount, {hint: noSystemAccountHint});
	return replies;
}

function isNoResponders(message: Msg): boolean {
	return message.data.length === 0 && message.headers?.code === 503;
}
