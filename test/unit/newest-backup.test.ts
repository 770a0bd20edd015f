import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {BackupSummary} from '../../source/core/backup-catalog.js';
import {newestBackups} from '../../source/recovery/newest-backup.js';
import {degradedDiagnosis} from '../helpers/diagnosis-fixture.js';

const backup = (stream: string, created: string, extra: Partial<BackupSummary> = {}): BackupSummary => ({
	dir: `/b/${created}/${stream}`,
	stream,
	archiveBytes: 100,
	messages: 10,
	created,
	verified: true,
	problem: undefined,
	...extra,
});

test('the newest verified backup is named for a stream that needs one, and only for such streams', () => {
	const {assessment} = degradedDiagnosis();
	const found = newestBackups(assessment.streams, [
		backup('PINNED', '2026-11-01T00:00:00Z'),
		backup('PINNED', '2026-11-20T00:00:00Z'),
		backup('PINNED', '2026-11-24T00:00:00Z', {verified: false}),
		backup('ORDERS', '2026-11-24T00:00:00Z'),
	]);
	assert.deepEqual([...found.keys()], ['PINNED']);
	assert.equal(found.get('PINNED')!.created, '2026-11-20T00:00:00Z');
});
