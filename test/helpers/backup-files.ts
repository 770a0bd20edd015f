/** The files of a complete nats-dr backup of one stream, as the servers under test write it. */
import {archiveFile, natsarcArchiveFile} from '../../source/core/archive/backup-dir.js';
import {serverAtLeast} from './nats-server.js';

const natsarc = serverAtLeast(2, 15);

/** nats-server 2.15 snapshots in the NATSARC1 format, which nats-dr keeps as `stream.arc.s2`. */
export const serverArchiveFile = natsarc ? natsarcArchiveFile : archiveFile;

/** Sorted. */
export const completeBackupFiles = ['backup.json', 'nats-dr.json', serverArchiveFile];

/** The consumers nats-dr can name in the archive: a NATSARC1 archive is not looked into. */
export function consumersNamedInArchive(names: string[]): string[] {
	return natsarc ? [] : names;
}

/** For `test(name, {skip}, …)`: what reads the tar inside the archive has nothing to read in NATSARC1. */
export const skipUnlessTar = natsarc && 'nats-server 2.15 writes NATSARC1 archives, which hold no tar to read';
