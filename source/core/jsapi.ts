/**
 * Raw JetStream API requests: nats.js v2 has no snapshot, restore or peer-remove API, so every
 * operation is a request on $JS.API.* (or $JS.<domain>.API.*) with a JSON body.
 */
import {ErrorCode, type NatsConnection} from 'nats';
import {DrError, JsApiError} from './errors.js';

export type JsApi = {
	nc: NatsConnection;
	/** `$JS.API`, or `$JS.<domain>.API` with a JetStream domain. */
	prefix: string;
	timeoutMs: number;
};

export function jsApiPrefix(domain: string | undefined, apiPrefix?: string): string {
	if (apiPrefix) return apiPrefix;
	return domain ? `$JS.${domain}.API` : '$JS.API';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeJson(value: unknown): Uint8Array {
	return encoder.encode(JSON.stringify(value));
}

export function decodeJson<T>(data: Uint8Array, what: string): T {
	try {
		return JSON.parse(decoder.decode(data)) as T;
	} catch {
		throw new DrError(`${what}: the reply is not JSON`);
	}
}

/**
 * Connections whose JetStream API has answered. Nothing answering the API afterwards means the
 * servers went away, not that the account lacks JetStream.
 */
const answered = new WeakSet<NatsConnection>();

/** Whether this connection's JetStream API has answered a `jsRequest` before. */
export function hasAnswered(nc: NatsConnection): boolean {
	return answered.has(nc);
}

const jetStreamNotEnabledForAccount = 10039;
const jetStreamHint = 'check the account and --js-domain, or that the servers run with JetStream';

type ApiReply = {error?: {code: number; err_code?: number; description: string}};

/** Sends one API request; a JSON `error` reply becomes a JsApiError carrying the server's codes. */
export async function jsRequest<T>(
	api: JsApi,
	subject: string,
	body: unknown = undefined,
	options: {timeoutMs?: number} = {},
): Promise<T> {
	const full = `${api.prefix}.${subject}`;
	const timeout = options.timeoutMs ?? api.timeoutMs;
	let reply;
	try {
		reply = await api.nc.request(full, body === undefined ? new Uint8Array() : encodeJson(body), {timeout});
	} catch (error) {
		throw requestError(error, full, timeout, answered.has(api.nc));
	}

	const parsed = decodeJson<T & ApiReply>(reply.data, full);
	if (parsed.error?.err_code === jetStreamNotEnabledForAccount) {
		throw new DrError('JetStream is not enabled for this account (the server answered 503/10039)', {
			hint: jetStreamHint,
		});
	}

	answered.add(api.nc);
	if (parsed.error) throw new JsApiError(full, parsed.error);
	return parsed;
}

/** `$JS.API.…` or `$JS.<domain>.API.…`; other `$JS.` subjects (a restore's deliver subject) belong to one operation. */
const apiSubject = /^\$JS\.(?:[^.]+\.)?API\./;

/** `answeredBefore`: this connection's JetStream API answered earlier, so JetStream exists for the account. */
export function requestError(error: unknown, subject: string, timeoutMs: number, answeredBefore = false): DrError {
	const code = (error as {code?: string}).code;
	if (code === ErrorCode.NoResponders) {
		if (apiSubject.test(subject) && answeredBefore) {
			return new DrError(
				`JetStream stopped answering: nothing answers ${subject}, though the JetStream API answered moments ago`,
				{
					hint: 'the server may have stopped or be restarting; check with `nats-dr diagnose`, then retry',
					cause: error,
				},
			);
		}

		if (apiSubject.test(subject)) {
			return new DrError('JetStream is not enabled for this account (nothing answers the JetStream API)', {
				hint: jetStreamHint,
				cause: error,
			});
		}

		return new DrError(`nothing answers ${subject}`, {cause: error});
	}

	if (code === ErrorCode.Timeout) {
		return new DrError(`no reply to ${subject} within ${timeoutMs} ms`, {
			hint: 'the server may be overloaded or leaderless; retry, or raise --timeout',
			cause: error,
		});
	}

	return new DrError(`${subject} failed: ${(error as Error).message}`, {cause: error});
}
