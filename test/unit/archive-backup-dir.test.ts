import {createHash} from 'node:crypto';
import {mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, test} from 'node:test';
import assert from 'node:assert/strict';
import {BackupDirError, findBackups, readBackupDir} from '../../source/core/archive/backup-dir.js';
import {verifyBackupDir} from '../../source/core/archive/verify-backup.js';
import {fixturePath} from '../helpers/fixtures.js';

const fixtures = fixturePath('');
const expected = [
	{dir: 'RANDOM', stream: 'RANDOM', messages: 3072, firstSeq: 1, lastSeq: 3072, consumers: []},
	{dir: 'EVENTS-R3', stream: 'EVENTS', messages: 2000, firstSeq: 1, lastSeq: 2000, consumers: ['MONITOR', 'PROCESSOR']},
	{
		dir: 'account/ORDERS',
		stream: 'ORDERS',
		messages: 2995,
		firstSeq: 1,
		lastSeq: 3000,
		consumers: ['MONITOR', 'PROCESSOR'],
	},
	{dir: 'account/AUDIT', stream: 'AUDIT', messages: 1000, firstSeq: 1, lastSeq: 1000, consumers: []},
];

const scratch = mkdtempSync(join(tmpdir(), 'nats-dr-backup-dir-'));
after(() => {
	rmSync(scratch, {recursive: true, force: true});
});

let copies = 0;

/** A writable copy of a fixture backup (the fixtures themselves are read-only). */
function copyBackup(fixture: string, changes: {backupJson?: string; sidecar?: string; archive?: Buffer} = {}): string {
	const dir = join(scratch, `copy-${copies++}`);
	mkdirSync(dir);
	writeFileSync(join(dir, 'backup.json'), changes.backupJson ?? readFileSync(join(fixtures, fixture, 'backup.json')));
	writeFileSync(join(dir, 'stream.tar.s2'), changes.archive ?? readFileSync(join(fixtures, fixture, 'stream.tar.s2')));
	if (changes.sidecar !== undefined) writeFileSync(join(dir, 'nats-dr.json'), changes.sidecar);
	return dir;
}

function backupDirError(code: string, message: RegExp): (error: unknown) => boolean {
	return error => error instanceof BackupDirError && error.code === code && message.test(error.message);
}

test('readBackupDir reads every fixture and keeps backup.json intact', async () => {
	for (const {dir, stream, messages, firstSeq, lastSeq, consumers} of expected) {
		const path = join(fixtures, dir);
		const info = await readBackupDir(path);
		assert.equal(info.streamName, stream);
		assert.equal(info.config['name'], stream);
		assert.equal(info.state.messages, messages);
		assert.equal(info.state.first_seq, firstSeq);
		assert.equal(info.state.last_seq, lastSeq);
		assert.equal(info.state.consumer_count, consumers.length);
		assert.equal(info.archivePath, join(path, 'stream.tar.s2'));
		assert.equal(info.rawText, readFileSync(join(path, 'backup.json'), 'utf8'));
		assert.deepEqual(info.raw, JSON.parse(info.rawText));
		assert.equal(info.sidecar, undefined);
	}

	const random = await readBackupDir(join(fixtures, 'RANDOM'));
	assert.equal(random.archiveBytes, 3_288_764);
	const orders = await readBackupDir(join(fixtures, 'account/ORDERS'));
	assert.equal(orders.state.num_deleted, 5);
	// Fields unknown to us survive, for the restore step to send back as they were.
	assert.deepEqual(orders.config['consumer_limits'], {});
	assert.equal((orders.raw['state'] as Record<string, unknown>)['first_ts'], '2026-11-25T00:44:56.121710356Z');
});

test('readBackupDir rejects broken backup directories with clear errors', async () => {
	const empty = copyBackup('RANDOM', {backupJson: ''});
	await assert.rejects(
		readBackupDir(empty),
		backupDirError('empty-backup-json', /^backup\.json in .+ is empty: the backup that wrote it did not finish$/),
	);

	const noBackupJson = join(scratch, 'no-backup-json');
	mkdirSync(noBackupJson);
	await assert.rejects(
		readBackupDir(noBackupJson),
		backupDirError('no-backup-json', /no-backup-json has no backup\.json: not a backup directory$/),
	);

	await assert.rejects(
		readBackupDir(copyBackup('RANDOM', {backupJson: '{"config": '})),
		backupDirError('invalid-backup-json', /is not valid JSON/),
	);
	await assert.rejects(
		readBackupDir(copyBackup('RANDOM', {backupJson: '[]'})),
		backupDirError('invalid-backup-json', /is not a JSON object/),
	);
	await assert.rejects(
		readBackupDir(copyBackup('RANDOM', {backupJson: '{"config": {}, "state": {}}'})),
		backupDirError('invalid-backup-json', /config\.name/),
	);
	await assert.rejects(
		readBackupDir(copyBackup('RANDOM', {backupJson: '{"config": {"name": "X"}}'})),
		backupDirError('invalid-backup-json', /no "state" object/),
	);
	// A name from elsewhere goes into API subjects: "A.B" would address another stream.
	for (const name of ['A.B', '*', '>', '../x', 'a b']) {
		await assert.rejects(
			readBackupDir(copyBackup('RANDOM', {backupJson: JSON.stringify({config: {name}, state: {}})})),
			backupDirError('invalid-backup-json', /names no valid stream in "config\.name": ".*" is not a valid stream name/),
		);
	}

	const noArchive = copyBackup('RANDOM');
	rmSync(join(noArchive, 'stream.tar.s2'));
	await assert.rejects(
		readBackupDir(noArchive),
		backupDirError('no-archive', /has no stream\.tar\.s2 \(nor stream\.arc\.s2\): the backup is incomplete$/),
	);

	const natsarc = copyBackup('RANDOM');
	renameSync(join(natsarc, 'stream.tar.s2'), join(natsarc, 'stream.arc.s2'));
	assert.equal(
		(await readBackupDir(natsarc)).archivePath,
		join(natsarc, 'stream.arc.s2'),
		'natscli names a 2.15 archive stream.arc.s2',
	);
	const both = copyBackup('RANDOM');
	writeFileSync(join(both, 'stream.arc.s2'), '');
	await assert.rejects(
		readBackupDir(both),
		backupDirError('two-archives', /holds both stream\.arc\.s2 and stream\.tar\.s2/),
	);

	await assert.rejects(readBackupDir(join(scratch, 'nowhere')), backupDirError('not-found', /does not exist$/));
	await assert.rejects(
		readBackupDir(join(fixtures, 'RANDOM', 'backup.json')),
		backupDirError('not-a-directory', /is not a directory/),
	);
});

test('readBackupDir reads the nats-dr.json sidecar, and reports a broken one without failing', async () => {
	const good = await readBackupDir(
		copyBackup('account/AUDIT', {sidecar: '{"archive": {"sha256": "abc"}, "future": 1}'}),
	);
	assert.deepEqual(good.sidecar, {archive: {sha256: 'abc'}, future: 1});
	const broken = await readBackupDir(copyBackup('account/AUDIT', {sidecar: '{'}));
	assert.equal(broken.sidecar, undefined);
	assert.match(broken.sidecarProblem!, /nats-dr\.json in .+ is not valid JSON/);
});

test('findBackups tells a stream backup from an account backup', async () => {
	assert.deepEqual(await findBackups(join(fixtures, 'RANDOM')), {layout: 'stream', dir: join(fixtures, 'RANDOM')});
	const account = join(fixtures, 'account');
	assert.deepEqual(await findBackups(account), {
		layout: 'account',
		root: account,
		backups: [join(account, 'AUDIT'), join(account, 'ORDERS')],
		others: [],
	});

	const mixed = join(scratch, 'mixed');
	mkdirSync(mixed);
	for (const name of ['ZED', 'ALPHA']) {
		mkdirSync(join(mixed, name));
		writeFileSync(join(mixed, name, 'backup.json'), '');
	}

	mkdirSync(join(mixed, 'empty-dir'));
	writeFileSync(join(mixed, 'notes.txt'), 'not a backup');
	assert.deepEqual(await findBackups(mixed), {
		layout: 'account',
		root: mixed,
		backups: [join(mixed, 'ALPHA'), join(mixed, 'ZED')],
		others: [
			{name: 'empty-dir', path: join(mixed, 'empty-dir'), reason: 'no-backup-json'},
			{name: 'notes.txt', path: join(mixed, 'notes.txt'), reason: 'not-a-directory'},
		],
	});

	const nothing = join(scratch, 'nothing');
	mkdirSync(nothing);
	await assert.rejects(findBackups(nothing), backupDirError('no-backup-json', /not a backup directory$/));
	await assert.rejects(findBackups(join(scratch, 'missing')), backupDirError('not-found', /does not exist$/));
});

test('verifyBackupDir passes every fixture', async () => {
	for (const {dir, stream, messages, consumers} of expected) {
		const result = await verifyBackupDir(join(fixtures, dir));
		assert.equal(result.ok, true, `${dir}: ${result.problems.join('; ')}`);
		assert.equal(result.streamName, stream);
		assert.deepEqual(result.warnings, []);
		assert.equal(result.backup?.messages, messages);
		assert.deepEqual(result.archive?.consumers, consumers);
	}
});

test('verifyBackupDir compares the archive with backup.json and the sidecar', async () => {
	// Backups from before XXH3-64 recorded SHA-256: still checked.
	const archive = readFileSync(join(fixtures, 'account/ORDERS', 'stream.tar.s2'));
	const sha256 = createHash('sha256').update(archive).digest('hex');

	const matching = await verifyBackupDir(
		copyBackup('account/ORDERS', {sidecar: JSON.stringify({archive: {sha256: sha256.toUpperCase()}})}),
	);
	assert.equal(matching.ok, true, matching.problems.join('; '));
	assert.equal(matching.archive?.sha256, sha256);

	const changed = await verifyBackupDir(
		copyBackup('account/ORDERS', {sidecar: JSON.stringify({archive: {sha256: '0'.repeat(64)}})}),
	);
	assert.equal(changed.ok, false);
	assert.match(changed.problems[0]!, /SHA-256 differs from the one recorded in nats-dr\.json/);

	// What nats-dr records since SHA-256 gave way to XXH3-64 (as `xxhsum -H3` prints it).
	const xxh3 = 'a2ca48eb00d74fc3';
	const matchingXxh3 = await verifyBackupDir(
		copyBackup('account/ORDERS', {sidecar: JSON.stringify({archive: {xxh3: xxh3.toUpperCase()}})}),
	);
	assert.equal(matchingXxh3.ok, true, matchingXxh3.problems.join('; '));
	assert.equal(matchingXxh3.archive?.xxh3, xxh3);
	assert.equal(matchingXxh3.archive?.sha256, undefined, 'only the recorded checksum is computed');
	const changedXxh3 = await verifyBackupDir(
		copyBackup('account/ORDERS', {sidecar: JSON.stringify({archive: {xxh3: '0'.repeat(16)}})}),
	);
	assert.equal(changedXxh3.ok, false);
	assert.match(changedXxh3.problems[0]!, /XXH3-64 differs from the one recorded in nats-dr\.json/);

	const brokenSidecar = await verifyBackupDir(copyBackup('account/ORDERS', {sidecar: 'nope'}));
	assert.equal(brokenSidecar.ok, true);
	assert.match(brokenSidecar.warnings[0]!, /nats-dr\.json .* is not valid JSON/);

	const swapped = await verifyBackupDir(
		copyBackup('account/ORDERS', {backupJson: readFileSync(join(fixtures, 'account/AUDIT', 'backup.json'), 'utf8')}),
	);
	assert.equal(swapped.ok, false);
	assert.match(swapped.problems[0]!, /the archive holds stream "ORDERS" but backup\.json describes "AUDIT"/);

	const ordersJson = JSON.parse(readFileSync(join(fixtures, 'account/ORDERS', 'backup.json'), 'utf8')) as {
		state: {consumer_count: number};
	};
	ordersJson.state.consumer_count = 3;
	const moreConsumers = await verifyBackupDir(copyBackup('account/ORDERS', {backupJson: JSON.stringify(ordersJson)}));
	assert.equal(moreConsumers.ok, true, 'a consumer count mismatch is only a warning');
	assert.match(
		moreConsumers.warnings[0]!,
		/backup\.json counts 3 consumers but the archive holds 2 \(MONITOR, PROCESSOR\)/,
	);
});

test('verifyBackupDir still checks the archive beside a broken backup.json', async () => {
	const emptyJson = await verifyBackupDir(copyBackup('account/AUDIT', {backupJson: ''}));
	assert.equal(emptyJson.ok, false);
	assert.match(emptyJson.problems[0]!, /is empty: the backup that wrote it did not finish$/);
	assert.equal(emptyJson.archive?.ok, true);
	assert.equal(emptyJson.streamName, 'AUDIT');
	assert.equal(emptyJson.backup, undefined);

	const archive = readFileSync(join(fixtures, 'account/AUDIT', 'stream.tar.s2'));
	const truncated = await verifyBackupDir(
		copyBackup('account/AUDIT', {backupJson: '', archive: archive.subarray(0, 1000)}),
	);
	assert.deepEqual(
		truncated.problems.map(problem => problem.split(':')[0]),
		['backup.json in ' + truncated.dir + ' is empty', 'archive is truncated'],
	);

	const missing = await verifyBackupDir(join(scratch, 'not-there'));
	assert.deepEqual(missing, {
		dir: join(scratch, 'not-there'),
		ok: false,
		problems: [`${join(scratch, 'not-there')} does not exist`],
		warnings: [],
	});
});
