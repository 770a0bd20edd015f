import {createHash} from 'node:crypto';

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * The 8-character RAFT peer ID nats-server derives from a server name (server/events.go getHash):
 * lets us name a peer-remove target by ID even when the server itself is gone.
 */
export function peerIdOf(serverName: string): string {
	const digest = createHash('sha256').update(serverName).digest();
	let id = '';
	for (let i = 0; i < 8; i++) id += alphabet[digest[i]! % alphabet.length];
	return id;
}

const unknownPeer = /^Server name unknown at this time \(peerID: (\w+)\)$/;

/** The peer ID in the server's placeholder name for peers it cannot name yet, if it is one. */
export function unknownPeerId(name: string): string | undefined {
	return unknownPeer.exec(name)?.[1];
}
