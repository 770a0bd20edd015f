/**
 * When a peer-remove is refused, and which peer it names when it is not: plain functions over what a
 * diagnosis saw, so the flag-driven command and the wizard refuse the same removals in the same words.
 */
import {peerIdOf, unknownPeerId} from '../core/diagnosis/peer-id.js';
import type {MetaPeer, ServerEntry} from '../core/diagnosis/servers.js';
import type {StreamView} from '../core/diagnosis/streams.js';
import type {MetaVerdict} from './meta-verdict.js';

/** `usage`: the operator named something that is not there (exit code 2); otherwise the cluster's state forbids it. */
export type Refusal = {message: string; hint?: string; usage: boolean};

type ServerFacts = Pick<ServerEntry, 'name' | 'answering' | 'metaLeader'>;

export type MetaRemovalFacts = {
	/** As the operator typed it: a server name, a peer ID, or the server's placeholder name for an unknown peer. */
	server: string;
	force: boolean;
	meta: Pick<MetaVerdict, 'kind' | 'leader' | 'reason'>;
	servers: ServerFacts[];
	metaPeers: Array<Pick<MetaPeer, 'name' | 'peer'>> | undefined;
};

/** What `$JS.API.SERVER.REMOVE` is asked to remove: by name when the server has one, else by peer ID. */
export type MetaRemovalTarget = {name: string | undefined; peerId: string};

const nothingRemoved = 'nothing was removed';

export function metaRemoval(
	facts: MetaRemovalFacts,
): {ok: true; target: MetaRemovalTarget} | {ok: false; refusal: Refusal} {
	const {server, force, meta} = facts;
	const refuse = (message: string, rest: Partial<Refusal> = {}) => ({
		ok: false as const,
		refusal: {message: `${message}; ${nothingRemoved}`, usage: false, ...rest},
	});
	if (!meta.leader || meta.kind === 'no-quorum') return refuse(`peer-remove is not possible now: ${meta.reason}`);
	const known = facts.servers.find(entry => entry.name === server);
	const metaPeer = facts.metaPeers?.find(
		peer => peer.name === server || peer.peer === server || unknownPeerId(peer.name) === server,
	);
	if (!known && !metaPeer) {
		const members = facts.servers.map(entry => entry.name).join(', ');
		return refuse(`server "${server}" is not a member of the meta group (members: ${members})`, {
			usage: true,
			hint: 'pass the name of a server listed by `nats-dr diagnose`',
		});
	}

	if (known?.answering && !force) {
		return refuse(`${server} is online and answering: removing a live server is refused`, {
			hint: 'peer-remove is for servers that are gone for good; if this one must go, stop it first or pass --force',
		});
	}

	if (known?.metaLeader)
		return refuse(`${server} is the meta leader; step it down first (nats server cluster step-down)`);
	const peerId = metaPeer?.peer ?? (unknownPeerId(server) ? server : peerIdOf(server));
	const name = metaPeer && unknownPeerId(metaPeer.name) ? undefined : (known?.name ?? metaPeer?.name);
	return {ok: true, target: {name, peerId}};
}

export type StreamRemovalFacts = {
	server: string;
	streamName: string;
	force: boolean;
	/** Undefined when the account has no stream of that name. */
	stream: Pick<StreamView, 'status' | 'error' | 'peers' | 'replicas'> | undefined;
	servers: Array<Pick<ServerEntry, 'name' | 'answering'>>;
};

export function streamRemovalRefusal(facts: StreamRemovalFacts): Refusal | undefined {
	const {server, streamName, force, stream} = facts;
	const refuse = (message: string, rest: Partial<Refusal> = {}): Refusal => ({
		message: `${message}; ${nothingRemoved}`,
		usage: false,
		...rest,
	});
	if (!stream) return refuse(`stream "${streamName}" does not exist in this account`, {usage: true});
	if (stream.status !== 'ok') return refuse(`stream ${streamName} does not answer (${stream.error ?? stream.status})`);
	if (!stream.peers.some(peer => peer.name === server)) {
		const peers = stream.peers.map(peer => peer.name).join(', ') || 'none';
		return refuse(`${server} is not a peer of stream ${streamName} (peers: ${peers})`, {usage: true});
	}

	if ((stream.replicas ?? 1) === 1 && !force) {
		return refuse(`${streamName} is an R1 stream: removing its only peer loses its data`, {
			hint: 'restore it from a backup instead, or pass --force if the data is gone anyway',
		});
	}

	if (facts.servers.some(entry => entry.name === server && entry.answering) && !force) {
		return refuse(`${server} is online and answering: removing a live replica is refused`, {
			hint: 'pass --force to move the replica anyway',
		});
	}

	return undefined;
}
