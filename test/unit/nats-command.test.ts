import assert from 'node:assert/strict';
import {test} from 'node:test';
import {
	accountBackupCommand,
	accountRestoreCommand,
	metaPeerRemoveCommand,
	streamBackupCommand,
	streamDeleteCommand,
	streamInfoCommand,
	streamPeerRemoveCommand,
	streamRestoreCommand,
	streamStepDownCommand,
} from '../../source/core/nats-command.js';

test('the restore command carries the overrides natscli has flags for', () => {
	assert.equal(streamRestoreCommand('/backups/ORDERS', {}), 'nats stream restore /backups/ORDERS');
	assert.equal(
		streamRestoreCommand('/backups/my orders', {replicas: 1, cluster: 'c1', tags: ['node:n2', 'a b']}),
		"nats stream restore '/backups/my orders' --replicas 1 --cluster c1 --tag node:n2 --tag 'a b'",
	);
	assert.equal(
		streamRestoreCommand('/b/X', {dropPlacement: true}),
		'nats stream restore /b/X --config CONFIG.json # (config without "placement")',
	);
	assert.equal(
		accountRestoreCommand('/b/all', {replicas: 3, tags: ['t']}),
		'nats account restore /b/all --tag t # nats account restore cannot change replicas or drop the placement',
	);
});

test('the backup commands carry the flags that change what natscli writes', () => {
	assert.equal(streamBackupCommand('ORDERS', '/b/ORDERS', {}), 'nats stream backup ORDERS /b/ORDERS');
	assert.equal(
		streamBackupCommand('ORDERS', '/b/ORDERS', {consumers: false, check: true, chunkSize: 65_536}),
		'nats stream backup ORDERS /b/ORDERS --no-consumers --check --chunk-size 65536',
	);
	assert.equal(accountBackupCommand('/b', {consumers: true}), 'nats account backup /b -f');
});

test('names and paths a shell would split or expand are quoted, quotes inside them too', () => {
	const cases: Array<[string, string]> = [
		[streamBackupCommand("it's", '/my backups/x', {}), `nats stream backup 'it'\\''s' '/my backups/x'`],
		[metaPeerRemoveCommand('n$(rm)'), "nats server cluster peer-remove 'n$(rm)' --force"],
		[streamPeerRemoveCommand('A;B', 'n3'), "nats stream cluster peer-remove 'A;B' n3 --force"],
		[streamStepDownCommand('EVENTS'), 'nats stream cluster step-down EVENTS'],
		[streamDeleteCommand('*'), "nats stream rm '*' -f"],
		[streamDeleteCommand('my stream', {force: false}), "nats stream rm 'my stream'"],
		[streamInfoCommand('A B'), "nats stream info 'A B'"],
	];
	for (const [actual, expected] of cases) assert.equal(actual, expected);
});
