/**
 * The natscli fixture backups in ../shared (written by the official tool's algorithm from
 * nats-server 2.9.10); CI clones the repository with shared/ beside it, as here.
 */
import {fileURLToPath} from 'node:url';

export const fixtureBackups = new URL('../../../shared/fixtures/natscli-2.9.10/', import.meta.url);

/** The file system path of a fixture, e.g. `fixturePath('account/ORDERS')`; '' for the root. */
export function fixturePath(dir: string): string {
	return fileURLToPath(new URL(dir, fixtureBackups));
}
