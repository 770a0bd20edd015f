/**
 * `nats-dr.json`, written beside natscli's two files (which natscli ignores): who wrote the backup,
 * from which server, what it holds and how it verified. `verifyBackupDir` checks the archive
 * against `archive.xxh3` (`archive.sha256` in backups from before it), so a later change to the
 * file is caught. XXH3-64 replaced SHA-256 there: the S2 CRCs already prove every byte of content,
 * the whole-file checksum only pins the file, and SHA-256 was 2/3 of the verification's CPU
 * (docs/performance.md); `xxhsum -H3 stream.tar.s2` prints the same value.
 */
import {createRequire} from 'node:module';
import type {ArchiveFormat} from '../archive/verify-archive.js';

const {version: toolVersion} = createRequire(import.meta.url)('../../../package.json') as {version: string};

export type BackupSidecar = {
	tool: {name: 'nats-dr'; version: string};
	/** The server the backup connected to: restoring a NATSARC1 archive needs a 2.15 server. */
	server: {version: string | null; name: string | null};
	stream: string;
	/** When the server started the snapshot (ISO 8601). */
	created: string;
	transfer_ms: number;
	chunks: number;
	chunk_size: number;
	check: boolean;
	archive: {file: string; format: ArchiveFormat; bytes: number; uncompressed_bytes: number; xxh3: string};
	/** The stream's own size when the snapshot started. */
	stream_state: {messages: number | null; bytes: number | null; first_seq: number | null; last_seq: number | null};
	consumers: {included: boolean; expected: string[]; in_archive: string[]; missing: string[]};
	verification: {ok: boolean; verified_at: string; problems: string[]; warnings: string[]};
};

export function sidecarText(sidecar: Omit<BackupSidecar, 'tool'>): string {
	const full: BackupSidecar = {tool: {name: 'nats-dr', version: toolVersion}, ...sidecar};
	return `${JSON.stringify(full, null, 2)}\n`;
}
