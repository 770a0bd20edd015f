/**
 * `nats-dr peer-remove SERVER [--stream NAME]`: shows the impact, asks for the server's name, removes
 * it from the meta group (or from one stream's peers), then watches the replicas catch up.
 */
import type {Session} from '../../core/connection/session.js';
import {diagnose} from '../../core/diagnosis/diagnose.js';
import {electionWaitLines} from './diagnose.js';
import {unknownPeerId, peerIdOf} from '../../core/diagnosis/peer-id.js';
import type {StreamView} from '../../core/diagnosis/streams.js';
import {parseDuration} from '../../core/duration.js';
import {DrError, exitCodes, UsageError, type ExitCode} from '../../core/errors.js';
import {streamNameProblem} from '../../core/stream-name.js';
import {removeMetaPeer, removeStreamPeer, watchRecovery, type WatchTarget} from '../../core/recovery-actions.js';
import {assess} from '../../recovery/assess.js';
import {removalImpact} from '../../recovery/impact.js';
import {confirmByName} from '../confirm.js';
import type {CommandContext} from '../context.js';
import {checkArgs} from '../flags.js';
import {auditTrail, type AuditTrail} from './audit-trail.js';
import {printWatch} from './watch-output.js';

export async function peerRemove(context: CommandContext): Promise<ExitCode> {
	const {invocation} = context;
	checkArgs('peer-remove', invocation.args);
	const watchTimeoutMs = parseDuration(invocation.flags.watchTimeout ?? '2m', '--watch-timeout');
	const server = invocation.args[0]!;
	const {stream, force} = invocation.flags;
	const nameProblem = stream === undefined ? undefined : streamNameProblem(stream);
	if (nameProblem) throw new UsageError(`--stream ${nameProblem}; nothing was removed`);
	const trail = auditTrail(
		context,
		stream
			? {
					action: 'stream-peer-remove',
					subject: stream,
					parameters: {peer: server, force},
					nats: `nats stream cluster peer-remove ${stream} ${server} --force`,
				}
			: {
					action: 'peer-remove',
					subject: server,
					parameters: {force},
					nats: `nats server cluster peer-remove ${server} --force`,
				},
	);
	const session = await context.connect();
	try {
		return stream
			? await removeFromStream(context, session, server, stream, watchTimeoutMs, trail)
			: await removeFromMeta(context, session, server, watchTimeoutMs, trail);
	} catch (error) {
		await trail.refused(error);
		throw error;
	} finally {
		await session.close();
	}
}

async function removeFromMeta(
	context: CommandContext,
	session: Session,
	server: string,
	watchTimeoutMs: number,
	trail: AuditTrail,
): Promise<ExitCode> {
	const {out, invocation, signal} = context;
	const diagnosis = await diagnose(session, {signal, onElectionWait: electionWaitLines(context)});
	if (!diagnosis.servers.ok) {
		throw new DrError(
			`peer-remove needs the system account, and it is not usable: ${diagnosis.servers.reason}; nothing was removed`,
			{hint: diagnosis.servers.hint},
		);
	}

	const assessment = assess(diagnosis);
	if (!assessment.meta.leader || assessment.meta.kind === 'no-quorum')
		throw new DrError(`peer-remove is not possible now: ${assessment.meta.reason}; nothing was removed`);
	const view = diagnosis.servers.value;
	const known = view.servers.find(entry => entry.name === server);
	const metaPeer = view.metaPeers?.find(
		peer => peer.name === server || peer.peer === server || unknownPeerId(peer.name) === server,
	);
	if (!known && !metaPeer) {
		const members = view.servers.map(entry => entry.name).join(', ');
		throw new UsageError(
			`server "${server}" is not a member of the meta group (members: ${members}); nothing was removed`,
			'pass the name of a server listed by `nats-dr diagnose`',
		);
	}

	if (known?.answering && !invocation.flags.force) {
		throw new DrError(`${server} is online and answering: removing a live server is refused; nothing was removed`, {
			hint: 'peer-remove is for servers that are gone for good; if this one must go, stop it first or pass --force',
		});
	}

	if (known?.metaLeader)
		throw new DrError(
			`${server} is the meta leader; step it down first (nats server cluster step-down); nothing was removed`,
		);

	const streams = diagnosis.streams.ok ? diagnosis.streams.value.streams : [];
	const impacts = removalImpact(server, streams, assessment);
	out.log(
		`Removing ${server} from the JetStream meta group of ${view.metaCluster ?? 'the cluster'} can not be reversed: it can only rejoin after a restart with a clean state.`,
	);
	if (!diagnosis.streams.ok) out.log(`Stream impact unknown: ${diagnosis.streams.reason}`);
	else if (impacts.length === 0) out.log('No stream of this account has a replica on it.');
	for (const impact of impacts) out.log(`  ${impact.stream}: ${impact.words}`);

	const peerId = metaPeer?.peer ?? (unknownPeerId(server) ? server : peerIdOf(server));
	const name = metaPeer && unknownPeerId(metaPeer.name) ? undefined : (known?.name ?? metaPeer?.name);
	await confirmByName(server, 'server', {flags: invocation.flags, io: context.io, signal});
	out.log(`Equivalent: nats server cluster peer-remove ${name ?? peerId} --force`);
	const group = `the meta group of ${view.metaCluster ?? 'the cluster'}`;
	await trail.request(async () => removeMetaPeer(session.sys!, {name, peerId}, session.settings.timeoutMs), {
		doing: `removing ${server} from ${group}`,
		done: [`removed ${server} from ${group}`, ...impacts.map(impact => `${impact.stream}: ${impact.words}`)].join('; '),
	});
	out.log(`Requested removal of ${server} from the meta group`);

	const targets: WatchTarget[] = impacts
		.filter(impact => impact.kind === 'replaced' || impact.kind === 'shrinks' || impact.kind === 'kept')
		.map(impact => ({
			stream: impact.stream,
			removed: impact.kind === 'kept' ? undefined : server,
			expectedPeers: impact.expectedPeers,
		}));
	return watch(context, session, targets, watchTimeoutMs, {removed: server});
}

async function removeFromStream(
	context: CommandContext,
	session: Session,
	server: string,
	streamName: string,
	watchTimeoutMs: number,
	trail: AuditTrail,
): Promise<ExitCode> {
	const {out, invocation, signal} = context;
	const diagnosis = await diagnose(session, {signal, onElectionWait: electionWaitLines(context)});
	const assessment = assess(diagnosis);
	if (!diagnosis.streams.ok)
		throw new DrError(`cannot read the account's streams: ${diagnosis.streams.reason}; nothing was removed`);
	const stream: StreamView | undefined = diagnosis.streams.value.streams.find(view => view.name === streamName);
	if (!stream) throw new UsageError(`stream "${streamName}" does not exist in this account; nothing was removed`);
	if (stream.status !== 'ok')
		throw new DrError(`stream ${streamName} does not answer (${stream.error ?? stream.status}); nothing was removed`);
	if (!stream.peers.some(peer => peer.name === server)) {
		throw new UsageError(
			`${server} is not a peer of stream ${streamName} (peers: ${stream.peers.map(peer => peer.name).join(', ') || 'none'}); nothing was removed`,
		);
	}

	if ((stream.replicas ?? 1) === 1 && !invocation.flags.force) {
		throw new DrError(`${streamName} is an R1 stream: removing its only peer loses its data; nothing was removed`, {
			hint: 'restore it from a backup instead, or pass --force if the data is gone anyway',
		});
	}

	const facts = assessment.facts;
	const known = facts.servers.find(entry => entry.name === server);
	if (known?.answering && !invocation.flags.force) {
		throw new DrError(`${server} is online and answering: removing a live replica is refused; nothing was removed`, {
			hint: 'pass --force to move the replica anyway',
		});
	}

	const [impact] = removalImpact(server, [stream], assessment);
	if (impact) out.log(`Removing ${server} from stream ${streamName}: ${impact.words}`);
	await confirmByName(server, 'server', {flags: invocation.flags, io: context.io, signal});
	out.log(`Equivalent: nats stream cluster peer-remove ${streamName} ${server} --force`);
	out.log(`Removing peer "${server}"`);
	let replaced = true;
	await trail.request(
		async () => {
			({replaced} = await removeStreamPeer(session.js, streamName, server, {signal}));
		},
		{
			doing: `removing ${server} from stream ${streamName}`,
			done: `removed ${server} from stream ${streamName}${impact ? `: ${impact.words}` : ''}`,
		},
	);
	out.log(`Requested removal of peer "${server}"`);
	if (!replaced)
		out.log(
			`No replacement was found (503/10075 "peer remap failed"): the server removed ${server} anyway and the group shrank`,
		);
	const expectedPeers = impact?.expectedPeers ?? stream.peers.length - 1;
	return watch(context, session, [{stream: streamName, removed: server, expectedPeers}], watchTimeoutMs, {
		removed: server,
	});
}

async function watch(
	context: CommandContext,
	session: Session,
	targets: WatchTarget[],
	timeoutMs: number,
	{removed}: {removed: string},
): Promise<ExitCode> {
	const {out, invocation, signal} = context;
	if (!invocation.flags.watch || targets.length === 0) {
		if (out.json) out.printJson({ok: true, removed, watched: false});
		return exitCodes.ok;
	}

	out.log(`Watching ${targets.length} stream(s) recover (up to ${Math.round(timeoutMs / 1000)}s)`);
	const result = await watchRecovery(session.js, targets, {timeoutMs, signal, onUpdate: printWatch(out)});
	const streams = result.states.map(state => ({
		stream: state.stream,
		done: state.done,
		leader: state.leader ?? null,
		peers: state.peers.map(peer => ({name: peer.name, current: peer.current, lag: peer.lag})),
		waiting_for: state.waitingFor ?? null,
	}));
	if (!result.complete) {
		const pending = result.states
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
