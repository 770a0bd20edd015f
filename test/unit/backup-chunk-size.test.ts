import assert from 'node:assert/strict';
import {test} from 'node:test';
import {smallerChunkAfter} from '../../source/core/backup/backup-stream.js';
import {SnapshotOverflowError} from '../../source/core/backup/snapshot.js';
import {DrError} from '../../source/core/errors.js';

const overflow = new SnapshotOverflowError('ORDERS', 1 << 20);

test('a disk behind the default 1 MiB chunks takes the snapshot again in 128 KiB ones', () => {
	assert.equal(smallerChunkAfter(overflow, {asked: undefined, chunkSize: 1 << 20}), 128 * 1024);
});

test('a chunk size the operator chose is kept: the backup stops with its hint instead', () => {
	assert.equal(smallerChunkAfter(overflow, {asked: 1 << 20, chunkSize: 1 << 20}), undefined);
});

test('already at 128 KiB or below, or failing for another reason, there is nothing smaller to try', () => {
	assert.equal(smallerChunkAfter(overflow, {asked: undefined, chunkSize: 128 * 1024}), undefined);
	assert.equal(
		smallerChunkAfter(new DrError('the connection to NATS dropped'), {asked: undefined, chunkSize: 1 << 20}),
		undefined,
	);
});
