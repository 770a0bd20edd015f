/**
 * Deleting a stream that is in the way of its own restore (an R1 stream whose only node died):
 * the wizard offers it from a refused restore plan, after the typed stream name.
 */
import {deleteStream} from '../core/recovery-actions.js';
import type {JsApi} from '../core/jsapi.js';
import {streamDeleteCommand} from '../core/nats-command.js';
import {auditTrail, type Audit} from './audit-trail.js';

export async function deleteStreamForRestore(js: JsApi, stream: string, {audit}: {audit: Audit}): Promise<void> {
	const trail = auditTrail(audit, {action: 'stream-delete', subject: stream, nats: streamDeleteCommand(stream)});
	await trail.request(async () => deleteStream(js, stream), {
		doing: `deleting stream ${stream}`,
		done: `deleted stream ${stream} to restore it from its backup`,
	});
}
