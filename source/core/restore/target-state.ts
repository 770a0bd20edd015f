/**
 * What a failed or interrupted restore leaves on the target, looked up rather than assumed: a 2.9
 * standalone server creates the stream only after the upload, while a cluster records it at the
 * request and, when the upload stops, keeps the name taken without a stream (measured on 2.9.10).
 */
import {streamDeleteCommand, streamInfoCommand} from '../nats-command.js';
import {DrError, JsApiError} from '../errors.js';
import {listStreamNames, streamInfo} from '../diagnosis/streams.js';
import type {JsApi} from '../jsapi.js';
import {deleteStream} from '../recovery-actions.js';

export type ProbedTarget =
	{kind: 'absent'} | {kind: 'exists'; messages: number} | {kind: 'reserved'} | {kind: 'unknown'; reason: string};

export type TargetState = {kind: 'untouched' | ProbedTarget['kind']; words: string; hint?: string};

const probeTimeoutMs = 2000;

export async function probeTarget(js: JsApi, stream: string): Promise<ProbedTarget> {
	const timeoutMs = Math.min(js.timeoutMs, probeTimeoutMs);
	try {
		const info = await streamInfo(js, stream, timeoutMs);
		return {kind: 'exists', messages: info.state?.messages ?? 0};
	} catch (error) {
		if (!(error instanceof DrError)) throw error;
		if (!(error instanceof JsApiError && error.errCode === 10059)) return {kind: 'unknown', reason: error.message};
	}

	try {
		return (await listStreamNames(js, timeoutMs)).includes(stream) ? {kind: 'reserved'} : {kind: 'absent'};
	} catch (error) {
		if (!(error instanceof DrError)) throw error;
		return {kind: 'unknown', reason: error.message};
	}
}

/**
 * Removes what a restore stopped before its end marker leaves: nothing on a standalone server, but a
 * cluster keeps the name taken and, about 10 s later, turns it into an empty stream with the backup's
 * config (2.9.10 and 2.15.3 alike). Deleting it at once leaves nothing, then or later; the pre-flight
 * found no stream of this name, so what is deleted is this restore's own.
 */
export async function discardUnfinishedRestore(js: JsApi, stream: string): Promise<ProbedTarget> {
	try {
		await deleteStream(js, stream);
	} catch (error) {
		if (!(error instanceof DrError)) throw error;
		// 10059: nothing to delete, as on a standalone server; any other failure shows in the probe.
	}

	return probeTarget(js, stream);
}

/** Pure: the target's state in words, for the stage the restore stopped in. */
export function describeTargetState(
	stream: string,
	stage: 'request' | 'upload' | 'server' | 'settle' | 'preflight',
	probed: ProbedTarget,
	interrupted: boolean,
): TargetState {
	const remove = streamDeleteCommand(stream, {force: false});
	const check = streamInfoCommand(stream);
	const goesOn = stage === 'server' && interrupted;
	switch (probed.kind) {
		case 'absent': {
			return goesOn
				? {
						kind: 'absent',
						words: `stream ${stream} does not exist yet, but the server goes on restoring it without this client`,
						hint: `check with \`${check}\` in a moment, and delete it if it is incomplete before retrying`,
					}
				: {
						kind: 'absent',
						words:
							stage === 'upload'
								? 'no stream was created (the server drops what it received 5 s after the last chunk)'
								: 'no stream was created',
					};
		}

		case 'exists': {
			if (goesOn) {
				return {
					kind: 'exists',
					words: `the server goes on restoring ${stream} without this client; it exists now with ${probed.messages} messages`,
					hint: `check it with \`${check}\`; delete it (${remove}) if it is incomplete before retrying`,
				};
			}

			if (stage === 'settle') {
				return {
					kind: 'exists',
					words: `stream ${stream} exists with ${probed.messages} messages and may still complete`,
					hint: `check it with \`${check}\`; delete it (${remove}) before a retry`,
				};
			}

			return {
				kind: 'exists',
				words: `stream ${stream} exists with ${probed.messages} messages and may be partial`,
				hint: `delete it (${remove}) before retrying`,
			};
		}

		case 'reserved': {
			return {
				kind: 'reserved',
				words: `the cluster still holds the name ${stream} for the unfinished restore, without a stream`,
				hint: `delete it (${remove}) before retrying, or a new restore fails with "stream name already in use"`,
			};
		}

		case 'unknown': {
			return {
				kind: 'unknown',
				words: `could not check whether stream ${stream} was created (${probed.reason})`,
				hint: `check with \`${check}\`, and delete a partial stream (${remove}) before retrying`,
			};
		}
	}
}
