/**
 * After a backup: record the account's inventory exactly as a diagnosis would (the same key, the
 * same sources), without waiting for an election. Returns why not, when it could not.
 */
import type {Session} from '../connection/session.js';
import {diagnose} from './diagnose.js';

export async function recordInventory(session: Session, stateDir: string): Promise<string | undefined> {
	const {inventory, streams} = await diagnose(session, {stateDir, electionTimeoutMs: 0});
	if (inventory.recorded) return undefined;
	return `the inventory was not updated: ${inventory.problem ?? (streams.ok ? streams.value.partial : streams.reason) ?? 'the stream list was incomplete'}`;
}
