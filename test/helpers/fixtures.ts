/**
 * The natscli fixture backups in test/fixtures (written by the official tool's algorithm from
 * nats-server 2.9.10; test/fixtures/README.md says how they were made and what a restore must give).
 * They live in the repository so that a plain clone runs every test.
 */
import {fileURLToPath} from 'node:url';

export const fixtureBackups = new URL('../fixtures/natscli-2.9.10/', import.meta.url);

/** The file system path of a fixture, e.g. `fixturePath('account/ORDERS')`; '' for the root. */
export function fixturePath(dir: string): string {
	return fileURLToPath(new URL(dir, fixtureBackups));
}
