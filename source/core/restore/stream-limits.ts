/**
 * The limits a stream enforces on its own messages. A restored stream applies them at once: messages
 * past max_age expire, a stream over max_msgs/max_bytes/max_msgs_per_subject is trimmed. So a restore
 * can end with fewer messages than backup.json counts and still be complete.
 */
import {formatBytes, formatCount} from '../format.js';
import {formatDuration} from '../duration.js';

export type StreamLimits = {
	maxAgeMs?: number;
	maxMsgs?: number;
	maxBytes?: number;
	maxMsgsPerSubject?: number;
};

/** Only limits that remove messages; 0 and -1 mean unlimited in a stream config. */
export function limitsOf(config: Record<string, unknown>): StreamLimits {
	const positive = (key: string): number | undefined => {
		const value = config[key];
		return typeof value === 'number' && value > 0 ? value : undefined;
	};

	const limits: StreamLimits = {};
	const maxAgeNs = positive('max_age');
	if (maxAgeNs !== undefined) limits.maxAgeMs = maxAgeNs / 1e6;
	const maxMsgs = positive('max_msgs');
	if (maxMsgs !== undefined) limits.maxMsgs = maxMsgs;
	const maxBytes = positive('max_bytes');
	if (maxBytes !== undefined) limits.maxBytes = maxBytes;
	const maxMsgsPerSubject = positive('max_msgs_per_subject');
	if (maxMsgsPerSubject !== undefined) limits.maxMsgsPerSubject = maxMsgsPerSubject;
	return limits;
}

/** The limits in the config's own terms, e.g. ["max_age 8s", "max_msgs 40"]; empty when there are none. */
function limitWords(limits: StreamLimits): string[] {
	return [
		...(limits.maxAgeMs === undefined ? [] : [`max_age ${formatDuration(limits.maxAgeMs)}`]),
		...(limits.maxMsgs === undefined ? [] : [`max_msgs ${limits.maxMsgs}`]),
		...(limits.maxBytes === undefined ? [] : [`max_bytes ${formatBytes(limits.maxBytes)}`]),
		...(limits.maxMsgsPerSubject === undefined ? [] : [`max_msgs_per_subject ${limits.maxMsgsPerSubject}`]),
	];
}

/**
 * The limits that can have removed messages from the restored stream, in words: max_age only when
 * the backup's oldest message is older than it, max_msgs only when the stream is at it. Empty when
 * none can, and then a shortfall is not the limits' doing.
 */
export function limitsThatRemoved(
	limits: StreamLimits,
	{messages, oldestMs, now}: {messages: number; oldestMs: number | undefined; now: number},
): string[] {
	return limitWords({
		...(limits.maxAgeMs !== undefined && (oldestMs === undefined || now - oldestMs > limits.maxAgeMs)
			? {maxAgeMs: limits.maxAgeMs}
			: {}),
		...(limits.maxMsgs !== undefined && messages >= limits.maxMsgs ? {maxMsgs: limits.maxMsgs} : {}),
		...(limits.maxBytes === undefined ? {} : {maxBytes: limits.maxBytes}),
		...(limits.maxMsgsPerSubject === undefined ? {} : {maxMsgsPerSubject: limits.maxMsgsPerSubject}),
	});
}

/** The sentence every face prints for messages a restored stream's limits removed. */
export function removedByLimitsWords(messages: number, limits: string[]): string {
	return `${formatCount(messages)} of the backup's messages were removed by the stream's own limits (${limits.join(', ')}), as the server does with any message past them`;
}
