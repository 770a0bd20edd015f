/**
 * A stream leader's step-down, for a stream stuck on a bad leader: checks there is another replica
 * to take over, asks for confirmation, requests it, audits it, and waits for the new leader.
 */
import {streamInfo, viewFromInfo} from '../core/diagnosis/streams.js';
import type {JsApi} from '../core/jsapi.js';
import {DrError} from '../core/errors.js';
import {streamStepDownCommand} from '../core/nats-command.js';
import {stepDownStream} from '../core/recovery-actions.js';
import {auditTrail, type Audit} from './audit-trail.js';

export type StepDownPreview = {stream: string; leader: string | undefined; peers: number; nats: string};

export type StepDownHooks = {
	signal: AbortSignal;
	audit: Audit;
	/** Resolves to go ahead; throws to stop (audited as a refusal, or an abort). */
	confirm: (preview: StepDownPreview) => Promise<void>;
};

/** `leader` is undefined when no leader answered within the wait; it equals `previous` when the old one won again. */
export type StepDownOutcome = {stream: string; previous: string | undefined; leader: string | undefined};

export async function stepDown(js: JsApi, stream: string, hooks: StepDownHooks): Promise<StepDownOutcome> {
	const nats = streamStepDownCommand(stream);
	const trail = auditTrail(hooks.audit, {action: 'step-down', subject: stream, nats});
	try {
		const before = viewFromInfo(await streamInfo(js, stream));
		if ((before.replicas ?? 1) < 2 || before.peers.length < 2)
			throw new DrError(`${stream} has no other replica to take over; nothing was changed`);
		const peers = before.peers.length;
		await hooks.confirm({stream, leader: before.leader, peers, nats});
		await trail.request(async () => stepDownStream(js, stream), {
			doing: `asking leader ${before.leader ?? '(none)'} of ${stream} to step down`,
			done: `leader ${before.leader ?? '(none)'} of ${stream} asked to step down in a ${peers} peer RAFT group`,
		});
		return {stream, previous: before.leader, leader: await newLeader(js, stream, before.leader, hooks.signal)};
	} catch (error) {
		await trail.refused(error);
		throw error;
	}
}

/** Polls for up to 10 s (natscli polls its step-down the same way) until another leader is elected. */
async function newLeader(
	js: JsApi,
	stream: string,
	previous: string | undefined,
	signal: AbortSignal,
): Promise<string | undefined> {
	let leader: string | undefined;
	for (let attempt = 0; attempt < 20; attempt++) {
		await new Promise(resolve => setTimeout(resolve, 500));
		signal.throwIfAborted();
		try {
			leader = viewFromInfo(await streamInfo(js, stream, 2000)).leader;
		} catch (error) {
			if (!(error instanceof DrError)) throw error;
		}

		if (leader && leader !== previous) return leader;
	}

	return leader;
}
