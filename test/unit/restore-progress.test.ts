import assert from 'node:assert/strict';
import {mock, test} from 'node:test';
import {Output} from '../../source/cli/output.js';
import {restorePrinter} from '../../source/cli/restore-progress.js';
import type {RestoreProgress} from '../../source/core/restore/restore.js';

function capture(): {out: Output; text: () => string} {
	let text = '';
	const stream = {write: (chunk: string) => (text += chunk), isTTY: true, columns: 100};
	return {out: new Output({stdout: stream, stderr: stream, stdin: {}, env: {}}, {json: false}), text: () => text};
}

const stream = 'ORDERS';
const events: RestoreProgress[] = [
	{phase: 'start', stream, dir: '/b/ORDERS', archiveBytes: 40 << 20, chunkSize: 1 << 20, window: 8, totalChunks: 40},
	{phase: 'request', stream, replicas: 3},
	...[1, 2, 3, 10, 20, 39, 40].map(chunks => ({
		phase: 'upload' as const,
		stream,
		sentBytes: chunks << 20,
		totalBytes: 40 << 20,
		chunks,
		totalChunks: 40,
		bytesPerSecond: 100 << 20,
		etaMs: 500,
		elapsedMs: chunks * 10,
	})),
	{phase: 'restoring', stream, chunks: 40, uploadMs: 400, elapsedMs: 500},
	{phase: 'restoring', stream, chunks: 40, uploadMs: 400, elapsedMs: 1500},
	{phase: 'restoring', stream, chunks: 40, uploadMs: 400, elapsedMs: 10_600},
	{phase: 'settling', stream, waitingFor: ['consumers MONITOR, PROCESSOR'], elapsedMs: 11_000},
	{phase: 'settling', stream, waitingFor: ['consumers MONITOR, PROCESSOR'], elapsedMs: 11_200},
	{phase: 'settling', stream, waitingFor: ['replica n2 to be current'], elapsedMs: 11_400},
	{phase: 'done', stream, elapsedMs: 12_000},
];

test("without a terminal, the printer logs jsm.go's lines, each state change once", () => {
	const {out, text} = capture();
	const printer = restorePrinter(out, {live: false, ascii: false});
	for (const event of events) printer.onProgress(event);
	const lines = text()
		.trim()
		.split('\n')
		.map(line => line.replace(/^\d\d:\d\d:\d\d /, ''));
	assert.deepEqual(lines, [
		'Starting restore of "ORDERS" from /b/ORDERS/stream.tar.s2 using 40 chunks of 1.0 MiB, 8 in flight',
		'Sent 2 chunks (2.0 MiB of 40 MiB, 100 MiB/s)',
		'Sent 10 chunks (10 MiB of 40 MiB, 100 MiB/s)',
		'Sent 20 chunks (20 MiB of 40 MiB, 100 MiB/s)',
		'Sent 39 chunks (39 MiB of 40 MiB, 100 MiB/s)',
		'Sent 40 chunks, server will now restore the snapshot, this might take a long time',
		'The server is still restoring "ORDERS" (10s)',
		'Restored by the server; waiting for consumers MONITOR, PROCESSOR',
		'Restored by the server; waiting for replica n2 to be current',
	]);
});

test('on a terminal, the printer redraws one line and clears it for log lines', () => {
	const {out, text} = capture();
	const printer = restorePrinter(out, {live: true, ascii: true});
	printer.onProgress(events[1]!);
	assert.match(
		text(),
		/\rRestoring ORDERS: waiting for the server to accept it \(the new group elects a leader first\)\u001B\[K$/,
	);
	printer.onProgress(events[4]!);
	assert.match(text(), /\rRestoring ORDERS \[#+-+\] +7% 3\.0 MiB\/40 MiB 100 MiB\/s ETA 1s\u001B\[K$/);
	printer.onProgress(events[9]!);
	assert.match(text(), /Restoring ORDERS: uploaded in 0s, the server is restoring it \(1s\)\u001B\[K$/);
	printer.log('Restored stream "ORDERS" in 12s');
	assert.match(text(), /\r\u001B\[KRestored stream "ORDERS" in 12s\n$/);
});

test('on a terminal, a stream name cannot move the cursor or erase the live line', () => {
	const {out, text} = capture();
	const printer = restorePrinter(out, {live: true, ascii: true});
	printer.onProgress({phase: 'request', stream: 'X\u001B[1A\u001B[2K', replicas: 1});
	assert.equal(text(), '\rRestoring X\\x1b[1A\\x1b[2K: waiting for the server to accept it\u001B[K');
});

const slowCheck = {check: 'target', label: 'asking the target for its servers', state: 'running'} as const;

test('without a terminal, a pre-flight check is logged only once it runs longer than a second', () => {
	mock.timers.enable({apis: ['setTimeout']});
	try {
		const {out, text} = capture();
		const printer = restorePrinter(out, {live: false, ascii: false});
		printer.checking({check: 'backup', label: 'reading ORDERS/backup.json', state: 'running'});
		mock.timers.tick(999);
		printer.checking({check: 'backup', label: 'reading ORDERS/backup.json', state: 'done'});
		printer.checking(slowCheck);
		mock.timers.tick(1000);
		printer.checking({...slowCheck, state: 'done'});
		mock.timers.tick(5000);
		assert.match(text(), /^\d\d:\d\d:\d\d Checking: asking the target for its servers\n$/);
	} finally {
		mock.timers.reset();
	}
});

test('without a terminal, a slow restore request (the leader election) is logged once it lasts a second', () => {
	mock.timers.enable({apis: ['setTimeout']});
	try {
		const {out, text} = capture();
		const printer = restorePrinter(out, {live: false, ascii: false});
		printer.onProgress(events[0]!);
		printer.onProgress(events[1]!);
		mock.timers.tick(999);
		assert.doesNotMatch(text(), /Waiting/);
		mock.timers.tick(1);
		printer.onProgress(events[2]!);
		mock.timers.tick(5000);
		const lines = text().trim().split('\n');
		assert.equal(lines.length, 2);
		assert.match(
			lines[1]!,
			/^\d\d:\d\d:\d\d Waiting for the server to accept the restore of "ORDERS" \(the new group elects a leader first\)$/,
		);
	} finally {
		mock.timers.reset();
	}
});

test('on a terminal, the running pre-flight check is the live line until it ends', () => {
	const {out, text} = capture();
	const printer = restorePrinter(out, {live: true, ascii: true});
	printer.checking(slowCheck);
	assert.match(text(), /\rChecking: asking the target for its servers\u001B\[K$/);
	printer.checking({...slowCheck, state: 'done'});
	assert.match(text(), /\r\u001B\[K$/);
});
