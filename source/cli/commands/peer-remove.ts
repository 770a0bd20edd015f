/**
 * `nats-dr peer-remove SERVER [--stream NAME]`: shows the impact, asks for the server's name, removes
 * it from the meta group (or from one stream's peers), then watches the replicas catch up. The
 * operation itself is `operations/peer-remove.ts`; this file draws it as log lines and --json.
 */
import {DrError, exitCodes, UsageError, type ExitCode} from '../../core/errors.js';
import {streamNameProblem} from '../../core/stream-name.js';
import {
	peerRemove as removePeer,
	type PeerRemoveOutcome,
	type PeerRemovePreview,
} from '../../operations/peer-remove.js';
import {confirmByName} from '../confirm.js';
import type {CommandContext} from '../context.js';
import {checkArgs, parseWatchTimeout} from '../flags.js';
import {electionWaitLines} from './diagnose.js';
import {printWatch} from './watch-output.js';

export async function peerRemove(context: CommandContext): Promise<ExitCode> {
	const {invocation, out, signal} = context;
	checkArgs('peer-remove', invocation.args);
	const watchTimeoutMs = parseWatchTimeout(invocation.flags);
	const server = invocation.args[0]!;
	const {stream, force, watch} = invocation.flags;
	const nameProblem = stream === undefined ? undefined : streamNameProblem(stream);
	if (nameProblem) throw new UsageError(`--stream ${nameProblem}; nothing was removed`);
	const session = await context.connect();
	const printUpdate = printWatch(out);
	let outcome: PeerRemoveOutcome;
	try {
		outcome = await removePeer(
			session,
			{server, stream, force, watch, watchTimeoutMs},
			{
				signal,
				audit: context.audit,
				onElectionWait: electionWaitLines(context),
				async confirm(preview) {
					printPreview(context, preview);
					await confirmByName(server, 'server', {flags: invocation.flags, io: context.io, signal});
				},
				onEvent(event) {
					switch (event.type) {
						case 'requesting': {
							out.log(`Equivalent: ${event.nats}`);
							if (stream) out.log(`Removing peer "${server}"`);
							break;
						}

						case 'requested': {
							out.log(
								stream ? `Requested removal of peer "${server}"` : `Requested removal of ${server} from the meta group`,
							);
							if (!event.replaced)
								out.log(
									`No replacement was found (503/10075 "peer remap failed"): the server removed ${server} anyway and the group shrank`,
								);
							break;
						}

						case 'watching': {
							out.log(
								`Watching ${event.targets.length} stream(s) recover (up to ${Math.round(event.timeoutMs / 1000)}s)`,
							);
							break;
						}

						case 'watch': {
							printUpdate(event.states);
							break;
						}
					}
				},
			},
		);
	} finally {
		await session.close();
	}

	return report(context, outcome, watchTimeoutMs);
}

function printPreview(context: CommandContext, preview: PeerRemovePreview): void {
	const {out} = context;
	const {server, impacts} = preview;
	if (preview.stream) {
		const [impact] = impacts;
		if (impact) out.log(`Removing ${server} from stream ${preview.stream}: ${impact.words}`);
		return;
	}

	out.log(
		`Removing ${server} from the JetStream meta group of ${preview.metaCluster ?? 'the cluster'} can not be reversed: it can only rejoin after a restart with a clean state.`,
	);
	if (preview.streamsUnknown !== undefined) out.log(`Stream impact unknown: ${preview.streamsUnknown}`);
	else if (impacts.length === 0) out.log('No stream of this account has a replica on it.');
	for (const impact of impacts) out.log(`  ${impact.stream}: ${impact.words}`);
}

function report(context: CommandContext, {removed, watched}: PeerRemoveOutcome, timeoutMs: number): ExitCode {
	const {out} = context;
	if (!watched) {
		if (out.json) out.printJson({ok: true, removed, watched: false});
		return exitCodes.ok;
	}

	const streams = watched.states.map(state => ({
		stream: state.stream,
		done: state.done,
		leader: state.leader ?? null,
		peers: state.peers.map(peer => ({name: peer.name, current: peer.current, lag: peer.lag})),
		waiting_for: state.waitingFor ?? null,
	}));
	if (!watched.complete) {
		const pending = watched.states
			.filter(state => !state.done)
			.map(state => `${state.stream} waits for ${state.waitingFor ?? '?'}`);
		const error = new DrError(`recovery not complete after ${Math.round(timeoutMs / 1000)}s: ${pending.join('; ')}`, {
			hint: 'run `nats-dr diagnose` to see where it stands, or raise --watch-timeout',
		});
		// The removal itself was done and audited; only the document and the exit code tell the rest.
		return out.fail(error, {removed, streams});
	}

	if (out.json) out.printJson({ok: true, removed, streams});
	out.log('All watched streams have their replicas current again.');
	return exitCodes.ok;
}
