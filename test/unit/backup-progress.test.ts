import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {accountLine, PeriodicReporter, periodicLine} from '../../source/cli/commands/backup-lines.js';
import {ProgressLine, renderLine} from '../../source/cli/progress-line.js';
import {formatEta} from '../../source/core/format.js';
import {backupFigures, uploadFigures} from '../../source/core/transfer-figures.js';
import type {AccountProgress} from '../../source/core/backup/backup-account.js';
import type {BackupProgress} from '../../source/core/backup/backup-stream.js';
import {RateMeter} from '../../source/core/backup/progress.js';

const mib = 1024 * 1024;

describe('RateMeter', () => {
	test('averages until a window closes, then smooths window rates; ETA from the rate', () => {
		const meter = new RateMeter(100 * mib, 0);
		assert.equal(meter.etaMs(0), undefined);
		meter.update(5 * mib, 500);
		assert.equal(meter.bytesPerSecond, 10 * mib);
		meter.update(10 * mib, 1000);
		assert.equal(meter.bytesPerSecond, 10 * mib);
		meter.update(30 * mib, 2000);
		assert.equal(meter.bytesPerSecond, 15 * mib, 'half the new 20 MiB/s window, half the old rate');
		assert.equal(meter.etaMs(30 * mib), (70 / 15) * 1000);
		assert.equal(meter.etaMs(120 * mib), 0, 'never negative once past the estimate');
	});

	test('the fraction is capped below 1, and 0 for an empty stream', () => {
		const meter = new RateMeter(100, 0);
		assert.equal(meter.fraction(50), 0.5);
		assert.equal(meter.fraction(130), 0.99);
		assert.equal(new RateMeter(0, 0).fraction(10), 0);
	});
});

describe('log lines without a terminal', () => {
	test('one every 5 s, or whenever another tenth is done, not per chunk', () => {
		const reporter = new PeriodicReporter(0);
		assert.equal(reporter.due(0.05, 1000), false);
		assert.equal(reporter.due(0.1, 1100), true);
		assert.equal(reporter.due(0.15, 2000), false);
		assert.equal(reporter.due(0.16, 6200), true, '5 s later');
		assert.equal(reporter.due(0.19, 6300), false);
		assert.equal(reporter.due(0.45, 6400), true, 'jumped two tenths: one line');
		assert.equal(reporter.due(0.46, 6500), false);
	});

	test('the periodic line', () => {
		const progress = {
			stream: 'ORDERS',
			uncompressedBytes: 120 * mib,
			expectedBytes: 813 * mib,
			totalBytes: 813 * mib,
			fraction: 120 / 813,
			bytesPerSecond: 95 * mib,
			etaMs: 7200,
		} as BackupProgress;
		assert.equal(
			periodicLine(progress),
			'Backing up stream "ORDERS": 120 MiB of 813 MiB (14%), 95 MiB/s, about 8s left',
		);
		// Past the message bytes the total is the archive so far: never "35 KiB of 12 KiB".
		const outgrown = {
			stream: 'TINY',
			uncompressedBytes: 35 * 1024,
			expectedBytes: 12 * 1024,
			totalBytes: 35 * 1024,
			fraction: 0.99,
			bytesPerSecond: 0,
			etaMs: undefined,
		} as BackupProgress;
		assert.equal(periodicLine(outgrown), 'Backing up stream "TINY": 35 KiB of 35 KiB (99%), 0 B/s');
	});

	test('the account line: streams done and left, failures, bytes, rate, ETA and the streams in flight', () => {
		const progress: AccountProgress = {
			streams: 20,
			done: 7,
			failed: 1,
			inFlight: ['B08', 'B09'],
			bytes: 180 * mib,
			expectedBytes: 500 * mib,
			bytesPerSecond: 40 * mib,
			etaMs: 8000,
			elapsedMs: 4500,
		};
		assert.equal(
			accountLine(progress),
			'Backed up 7 of 20 streams, 1 failed, 180 MiB of about 500 MiB, 40 MiB/s, about 8s left; in flight: B08, B09',
		);
		assert.equal(
			accountLine({...progress, inFlight: ['S01', 'S02', 'S03', 'S04', 'S05', 'S06']}),
			'Backed up 7 of 20 streams, 1 failed, 180 MiB of about 500 MiB, 40 MiB/s, about 8s left; in flight: S01, S02, S03, S04 and 2 more',
		);
		assert.equal(
			accountLine({...progress, failed: 0, inFlight: [], etaMs: undefined}),
			'Backed up 7 of 20 streams, 180 MiB of about 500 MiB, 40 MiB/s',
		);
	});
});

describe('the live line', () => {
	const state = {
		label: 'ORDERS',
		fraction: 0.5,
		doneBytes: 400 * mib,
		totalBytes: 800 * mib,
		bytesPerSecond: 95 * mib,
		etaMs: 4200,
	};

	test('bar, percentage, bytes, rate and ETA; ASCII on request; no bar when narrow', () => {
		assert.equal(
			renderLine(state, 120, false),
			`ORDERS [${'█'.repeat(20)}${'░'.repeat(20)}]  50% 400 MiB/800 MiB 95 MiB/s ETA 5s`,
		);
		assert.equal(
			renderLine(state, 120, true),
			`ORDERS [${'#'.repeat(20)}${'-'.repeat(20)}]  50% 400 MiB/800 MiB 95 MiB/s ETA 5s`,
		);
		assert.equal(renderLine(state, 40, false), 'ORDERS  50% 400 MiB/800 MiB 95 MiB/s ET');
		assert.equal(renderLine({...state, bytesPerSecond: 0, etaMs: undefined}, 30, false), 'ORDERS  50% 400 MiB/800 MiB');
	});

	test('redraws in place at most 4 times a second, and clears before other output', () => {
		const written: string[] = [];
		const line = new ProgressLine(text => written.push(text), {columns: () => 100, ascii: true});
		line.update(state, 0);
		line.update(state, 100);
		line.update(state, 260);
		assert.equal(written.length, 2);
		assert.match(written[0]!, /^\rORDERS \[#+-+\] .*\u001B\[K$/);
		line.clear();
		line.clear();
		assert.deepEqual(written.slice(2), ['\r\u001B[K']);
		line.update(state, 270);
		assert.equal(written.length, 4, 'a cleared line is drawn again at once');
	});

	test('ETA text in whole units', () => {
		assert.deepEqual(
			[100, 4200, 59_001, 65_000, 3_599_000, 3_720_000].map(ms => formatEta(ms)),
			['1s', '5s', '1m00s', '1m05s', '59m59s', '1h02m'],
		);
		assert.equal(formatEta(undefined), '--', 'no rate yet: no estimate');
	});
});

test('backup and restore hand the faces the same figures: the verification counts archive bytes, without a rate', () => {
	const progress = {
		stream: 'ORDERS',
		phase: 'transfer' as 'transfer' | 'verify',
		compressedBytes: 600,
		uncompressedBytes: 800,
		chunks: 3,
		expectedBytes: 1000,
		totalBytes: 1000,
		fraction: 0.8,
		elapsedMs: 2000,
		bytesPerSecond: 400,
		etaMs: 500,
		verifiedBytes: 0,
	};
	assert.deepEqual(backupFigures(progress), {
		fraction: 0.8,
		doneBytes: 800,
		totalBytes: 1000,
		bytesPerSecond: 400,
		etaMs: 500,
	});
	assert.deepEqual(backupFigures({...progress, phase: 'verify', verifiedBytes: 150}), {
		fraction: 0.25,
		doneBytes: 150,
		totalBytes: 600,
		bytesPerSecond: 0,
		etaMs: undefined,
	});
	const upload = {
		phase: 'upload' as const,
		stream: 'ORDERS',
		sentBytes: 300,
		totalBytes: 1200,
		chunks: 3,
		totalChunks: 12,
		bytesPerSecond: 100,
		etaMs: 9000,
		elapsedMs: 3000,
	};
	assert.deepEqual(uploadFigures(upload), {
		fraction: 0.25,
		doneBytes: 300,
		totalBytes: 1200,
		bytesPerSecond: 100,
		etaMs: 9000,
	});
});
