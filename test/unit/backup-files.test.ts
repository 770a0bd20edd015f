import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, describe, test} from 'node:test';
import {BackupDirError, findBackups, readBackupDir} from '../../source/core/archive/backup-dir.js';
import {ArchiveFile} from '../../source/core/backup/archive-file.js';
import {
	backupPaths,
	BackupRefusedError,
	commitBackup,
	leftoversWarning,
	prepareDirectory,
	removeTemporaries,
	writeFileSynced,
} from '../../source/core/backup/backup-files.js';
import {DrError} from '../../source/core/errors.js';

const scratch = mkdtempSync(join(tmpdir(), 'nats-dr-backup-files-'));
after(() => rmSync(scratch, {recursive: true, force: true}));
const backupJson = (name: string): string => JSON.stringify({config: {name}, state: {messages: 1}});

async function stage(dir: string, name: string, archive = 'archive'): Promise<ReturnType<typeof backupPaths>> {
	const paths = backupPaths(dir);
	const file = await ArchiveFile.create(paths.tempArchive);
	file.write(Buffer.from(archive));
	await file.close();
	await writeFileSynced(paths.tempBackupJson, backupJson(name));
	await writeFileSynced(paths.tempSidecar, '{}');
	return paths;
}

describe('backup files', () => {
	test('temporary files are hidden, carry the pid and a random part, and are not a backup until committed', async () => {
		const dir = join(scratch, 'commit');
		assert.deepEqual(await prepareDirectory(dir, {stream: 'A', force: false}), {
			replacing: false,
			created: true,
			leftovers: [],
		});
		const paths = await stage(dir, 'A');
		const names = readdirSync(dir).sort();
		const suffix = new RegExp(`\\.partial-${process.pid}-[0-9a-f]{8}$`);
		assert.deepEqual(
			names.map(name => name.replace(suffix, '')),
			['.backup.json', '.nats-dr.json', '.stream.tar.s2'],
		);
		assert.ok(
			names.every(name => suffix.test(name)),
			names.join(', '),
		);
		assert.notEqual(
			backupPaths(dir).tempArchive,
			backupPaths(dir).tempArchive,
			'two runs with the same pid do not share names',
		);
		await assert.rejects(
			readBackupDir(dir),
			(error: unknown) => error instanceof BackupDirError && error.code === 'no-backup-json',
		);
		await commitBackup(paths, {replacing: false, archiveName: 'stream.tar.s2'});
		assert.deepEqual(readdirSync(dir).sort(), ['backup.json', 'nats-dr.json', 'stream.tar.s2']);
		assert.equal((await readBackupDir(dir)).streamName, 'A');
	});

	test('an existing backup is refused without force and replaced with it', async () => {
		const dir = join(scratch, 'replace');
		await prepareDirectory(dir, {stream: 'A', force: false});
		await commitBackup(await stage(dir, 'A', 'old'), {replacing: false, archiveName: 'stream.tar.s2'});
		await assert.rejects(
			prepareDirectory(dir, {stream: 'A', force: false}),
			(error: unknown) =>
				error instanceof BackupRefusedError &&
				error.reason === 'backup-exists' &&
				/holds a backup of stream "A"/.test(error.message),
		);
		assert.deepEqual(await prepareDirectory(dir, {stream: 'A', force: true}), {
			replacing: true,
			created: false,
			leftovers: [],
		});
		await commitBackup(await stage(dir, 'A', 'new'), {replacing: true, archiveName: 'stream.tar.s2'});
		assert.equal(readFileSync(join(dir, 'stream.tar.s2'), 'utf8'), 'new');
		assert.deepEqual(readdirSync(dir).sort(), ['backup.json', 'nats-dr.json', 'stream.tar.s2']);
	});

	test('a 2.15 archive is committed as stream.arc.s2 (as natscli names it), replacing a tar of an older backup', async () => {
		const dir = join(scratch, 'natsarc');
		await prepareDirectory(dir, {stream: 'A', force: false});
		await commitBackup(await stage(dir, 'A', 'tar'), {replacing: false, archiveName: 'stream.tar.s2'});
		await commitBackup(await stage(dir, 'A', 'natsarc'), {replacing: true, archiveName: 'stream.arc.s2'});
		assert.deepEqual(readdirSync(dir).sort(), ['backup.json', 'nats-dr.json', 'stream.arc.s2']);
		assert.equal((await readBackupDir(dir)).archivePath, join(dir, 'stream.arc.s2'));
	});

	test('a stream backup is refused in a directory holding an account backup', async () => {
		const dir = join(scratch, 'account');
		mkdirSync(join(dir, 'ORDERS'), {recursive: true});
		writeFileSync(join(dir, 'ORDERS', 'backup.json'), backupJson('ORDERS'));
		assert.equal((await findBackups(dir)).layout, 'account');
		await assert.rejects(
			prepareDirectory(dir, {stream: 'X', force: true}),
			(error: unknown) =>
				error instanceof BackupRefusedError &&
				error.reason === 'account-layout' &&
				error.hint === `back up into a directory of its own, e.g. ${join(dir, 'X')}`,
		);
	});

	test('cleanup removes the temporary files, and the directory only if this backup made it', async () => {
		const dir = join(scratch, 'cleanup');
		const {created} = await prepareDirectory(dir, {stream: 'A', force: false});
		await removeTemporaries(await stage(dir, 'A'), {created});
		assert.throws(() => readdirSync(dir), /ENOENT/);
		const kept = join(scratch, 'kept');
		mkdirSync(kept);
		await removeTemporaries(await stage(kept, 'A'), {created: false});
		assert.deepEqual(readdirSync(kept), []);
	});

	test("a leftover of a killed run with the same pid is left alone, reported, and in nobody's way", async () => {
		const dir = join(scratch, 'leftover');
		mkdirSync(dir);
		const leftover = `.stream.tar.s2.partial-${process.pid}`;
		writeFileSync(join(dir, leftover), 'half an archive');
		const prepared = await prepareDirectory(dir, {stream: 'A', force: false});
		assert.deepEqual(prepared.leftovers, [leftover]);
		assert.match(
			leftoversWarning(dir, prepared.leftovers)!,
			new RegExp(
				`holds a temporary file of an interrupted backup \\(${leftover.replaceAll('.', '\\.')}\\): they were left alone; remove them once no other backup writes into`,
			),
		);
		await commitBackup(await stage(dir, 'A'), {replacing: false, archiveName: 'stream.tar.s2'});
		assert.deepEqual(readdirSync(dir).sort(), [leftover, 'backup.json', 'nats-dr.json', 'stream.tar.s2']);
		assert.equal(readFileSync(join(dir, leftover), 'utf8'), 'half an archive');
		assert.equal(leftoversWarning(dir, []), undefined);
	});

	test('nested directories are created (and synced) in one go', async () => {
		const dir = join(scratch, 'deep', 'er', 'still');
		assert.deepEqual(await prepareDirectory(dir, {stream: 'A', force: false}), {
			replacing: false,
			created: true,
			leftovers: [],
		});
		assert.deepEqual(readdirSync(dir), []);
	});

	test('many stream directories made at once under one parent, as an account backup does, all come into place', async () => {
		const root = join(scratch, 'account-at-once');
		mkdirSync(root);
		const names = Array.from({length: 40}, (_, i) => `S${i}`);
		// Their syncs of the parent are shared: none may hang or fail.
		const prepared = await Promise.all(
			names.map(async name => prepareDirectory(join(root, name), {stream: name, force: false})),
		);
		assert.ok(prepared.every(({created}) => created));
		assert.deepEqual(readdirSync(root).sort(), names.sort());
		await Promise.all(
			names.map(async name =>
				commitBackup(await stage(join(root, name), name), {replacing: false, archiveName: 'stream.tar.s2'}),
			),
		);
		for (const name of names)
			assert.deepEqual(readdirSync(join(root, name)).sort(), ['backup.json', 'nats-dr.json', 'stream.tar.s2']);
	});

	test('a path through a regular file fails in words, also for root', async () => {
		const file = join(scratch, 'file');
		writeFileSync(file, '');
		await assert.rejects(
			prepareDirectory(join(file, 'backup'), {stream: 'A', force: false}),
			(error: unknown) => error instanceof DrError && /part of the path is a file/.test(error.message),
		);
	});
});

describe('ArchiveFile', () => {
	test('writes chunks of any size in order, also while a write is in flight, and counts what the disk took', async () => {
		const path = join(scratch, 'chunks');
		const file = await ArchiveFile.create(path);
		let drained = 0;
		file.onDrain = () => drained++;
		const chunks = [1, 131_072, 700_000, 1_048_576, 3_000_001, 5].map(size => randomBytes(size));
		for (const chunk of chunks) file.write(chunk);
		await new Promise(resolve => setImmediate(resolve));
		for (let i = 0; i < 20; i++) file.write(chunks[i % chunks.length]!);
		assert.ok(file.bytes - file.writtenBytes > file.backlogLimit, 'over 16 MiB queued at once');
		const expected = Buffer.concat([...chunks, ...Array.from({length: 20}, (_, i) => chunks[i % chunks.length]!)]);
		assert.equal(file.bytes, expected.length);
		await file.close();
		assert.equal(file.writtenBytes, file.bytes);
		assert.ok(drained > 0);
		assert.ok(readFileSync(path).equals(expected));
	});

	test('a file expected to be small takes small slabs, and still writes whatever comes, in order', async () => {
		const path = join(scratch, 'small');
		const file = await ArchiveFile.create(path, undefined, {expectedBytes: 500});
		const chunks = [100, 70_000, 1_048_576, 3].map(size => randomBytes(size));
		for (const chunk of chunks) file.write(chunk);
		await file.close();
		assert.ok(readFileSync(path).equals(Buffer.concat(chunks)));
	});

	test('refuses to overwrite, and discard removes the file', async () => {
		const path = join(scratch, 'exists');
		writeFileSync(path, 'x');
		await assert.rejects(ArchiveFile.create(path), /EEXIST/);
		const other = join(scratch, 'discarded');
		const file = await ArchiveFile.create(other);
		file.write(Buffer.from('data'));
		await file.discard();
		assert.throws(() => readFileSync(other), /ENOENT/);
	});
});
