/** The files of a complete nats-dr backup of one stream, as the servers under test write it. */
import {archiveFile, natsarcArchiveFile} from '../../source/core/archive/backup-dir.js';
import {serverAtLeast} from './nats-server.js';

/** Sorted; nats-server 2.15 snapshots in the NATSARC1 format, which nats-dr keeps as `stream.arc.s2`. */
export const completeBackupFiles = [
	'backup.json',
	'nats-dr.json',
	serverAtLeast(2, 15) ? natsarcArchiveFile : archiveFile,
];
