/**
 * Restores into one standalone nats-server 2.9.10: the natscli fixtures come back exactly as their
 * README says, and every pre-flight refusal stops before a byte is sent, creating nothing.
 */
import assert from 'node:assert/strict';
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, test} from 'node:test';
import type {NatsConnection} from 'nats';
import {planStreamRestore, type PlanCheckEvent} from '../../source/core/restore/plan.js';
import {s2Stream} from '../helpers/s2-stream.js';
import {damagedCopy} from '../helpers/damaged-backup.js';
import {parseJson, runCli} from '../helpers/cli.js';
import {natsServerVersion, serverAtLeast, TestCluster} from '../helpers/nats-server.js';
import {expectRefusedRestore} from '../helpers/restore-refusal.js';
import {appConnection, cliConnection, fixtureStates, restoredState, streamNames} from '../helpers/streams.js';
import {fixturePath} from '../helpers/fixtures.js';

const fixture = fixturePath;

describe('restore into a standalone server', () => {
	let cluster: TestCluster;
	let nc: NatsConnection;
	const scratch = mkdtempSync(join(tmpdir(), 'nats-dr-restore-'));
	const auditLog = join(scratch, 'audit.log');
	const restore = async (args: string[]) =>
		runCli(['restore', ...args, '--audit-log', auditLog, ...cliConnection(cluster)], {timeoutMs: 90_000});
	const audit = (): Array<Record<string, unknown>> =>
		readFileSync(auditLog, 'utf8')
			.trim()
			.split('\n')
			.map(line => JSON.parse(line) as Record<string, unknown>);

	/** A copy of a fixture backup, with some of its files replaced. */
	const copyBackup = (from: string, name: string, files: {backupJson?: string; archive?: Uint8Array} = {}): string => {
		const dir = join(scratch, name);
		cpSync(fixture(from), dir, {recursive: true});
		if (files.backupJson !== undefined) writeFileSync(join(dir, 'backup.json'), files.backupJson);
		if (files.archive) writeFileSync(join(dir, 'stream.tar.s2'), files.archive);
		return dir;
	};

	/** Runs a restore that pre-flight must refuse; nothing may appear on the server. */
	const refused = async (args: string[], pattern: RegExp) => expectRefusedRestore(nc, restore, args, pattern);

	before(async () => {
		cluster = await TestCluster.start();
		nc = await appConnection(cluster);
	});
	after(async () => {
		await nc?.close();
		await cluster?.stopAll();
		rmSync(scratch, {recursive: true, force: true});
	});

	test('refuses a directory that is not a backup', async () => {
		await refused([join(scratch, 'missing'), '--yes'], /does not exist/);
		const empty = copyBackup('account/AUDIT', 'EMPTY', {backupJson: ''});
		const output = await refused(
			[empty, '--yes'],
			/backup\.json in .* is empty: the backup that wrote it did not finish/,
		);
		assert.match(output, /REFUSED/);
		assert.equal(audit().at(-1)!['result'], 'refused');
	});

	test('an archive changed since nats-dr wrote it: its recorded XXH3-64 differs, and nothing is restored', async () => {
		const dir = copyBackup('RANDOM', 'CHANGED');
		writeFileSync(join(dir, 'nats-dr.json'), JSON.stringify({archive: {xxh3: '0'.repeat(16)}}));
		const result = await restore([dir, '--yes']);
		assert.equal(result.code, 1, result.stdout + result.stderr);
		assert.match(result.stderr, /XXH3-64 differs from the one recorded in nats-dr\.json/);
		assert.deepEqual(await streamNames(nc), []);
	});

	test('a damaged archive: found while it uploads, the end held back, nothing restored, and said so', async () => {
		const dir = damagedCopy(fixture('RANDOM'), join(scratch, 'CORRUPT'));
		const result = await restore([dir, '--yes']);
		assert.equal(result.code, 1, result.stdout + result.stderr);
		assert.match(result.stdout, /the archive is verified while it uploads/);
		assert.match(
			result.stderr,
			/the archive of RANDOM is damaged: CRC mismatch in chunk at byte \d+: the archive is corrupt\. The upload stopped before its last chunk, so the server restored none of it; no stream was created/,
		);
		assert.match(result.stderr, /try: restore another backup, or pass --no-verify/);
		assert.deepEqual(await streamNames(nc), []);
		assert.equal(audit().at(-1)!['result'], 'failed');
		const json = parseJson(await restore([dir, '--yes', '--json']));
		assert.equal(json.ok, false);
		assert.equal(json.stage, 'upload');
		assert.equal(json.target_state, 'absent');
	});

	test(
		'refuses a NATSARC1 archive for a 2.9 server',
		{skip: serverAtLeast(2, 15) && 'the server reads NATSARC1'},
		async () => {
			const archive = s2Stream(Buffer.concat([Buffer.from('NATSARC1'), Buffer.alloc(4096, 1)]));
			const dir = copyBackup('account/AUDIT', 'V2', {archive});
			await refused(
				[dir, '--yes'],
				new RegExp(
					`NATSARC1 format, which only nats-server 2\\.15 or later can restore; the target runs ${natsServerVersion().join('\\.')}`,
				),
			);
			await refused([dir, '--yes', '--no-verify'], /NATSARC1/);
		},
	);

	test("refuses to change a stream's name, with and without verification", async () => {
		const dir = copyBackup('account/ORDERS', 'RENAMED', {
			backupJson: readFileSync(fixture('account/AUDIT/backup.json'), 'utf8'),
		});
		await refused(
			[dir, '--yes'],
			/backup\.json names stream "AUDIT" but the archive holds "ORDERS": a stream cannot be renamed on restore/,
		);
		await refused([dir, '--yes', '--no-verify'], /cannot be renamed on restore/);
	});

	test('refuses an account backup that holds one stream twice', async () => {
		const root = join(scratch, 'twice');
		cpSync(fixture('account/AUDIT'), join(root, 'AUDIT'), {recursive: true});
		cpSync(fixture('account/AUDIT'), join(root, 'AUDIT-older'), {recursive: true});
		await refused([root, '--yes'], /AUDIT, AUDIT-older all hold stream "AUDIT": only one can be restored/);
	});

	test("refuses an account backup whose streams overlap each other's subjects, before any upload", async () => {
		const root = join(scratch, 'overlapping');
		cpSync(fixture('account/ORDERS'), join(root, 'ORDERS'), {recursive: true});
		cpSync(fixture('account/AUDIT'), join(root, 'AUDIT'), {recursive: true});
		const backupJson = join(root, 'AUDIT', 'backup.json');
		writeFileSync(backupJson, readFileSync(backupJson, 'utf8').replace('"AUDIT.\\u003e"', '"ORDERS.*.audit"'));
		await refused(
			[root, '--confirm', 'overlapping'],
			/streams "AUDIT" and "ORDERS" of this restore listen on overlapping subjects: ORDERS\.\*\.audit with ORDERS\.> \(the server would refuse "ORDERS" only after its whole upload\)/,
		);
	});

	test('refuses an R3 backup on a standalone server and says to pass --replicas 1', async () => {
		await refused(
			[fixture('EVENTS-R3'), '--yes'],
			/3 replicas, but the target is a standalone server[\s\S]*try: pass --replicas 1/,
		);
	});

	test('refuses subjects that overlap an existing stream', async () => {
		const jsm = await nc.jetstreamManager();
		await jsm.streams.add({name: 'LEGACY', subjects: ['EVENTS.s1']});
		try {
			await refused(
				[fixture('EVENTS-R3'), '--replicas', '1', '--yes'],
				/subjects overlap with existing streams: EVENTS\.> with LEGACY/,
			);
		} finally {
			await jsm.streams.delete('LEGACY');
		}
	});

	test('in a script, asks for --confirm NAME or --yes, and checks the name', async () => {
		const unconfirmed = await restore([fixture('RANDOM')]);
		assert.equal(unconfirmed.code, 2);
		assert.match(unconfirmed.stderr, /cannot ask for confirmation without a terminal: nothing was changed/);
		const wrong = await restore([fixture('RANDOM'), '--confirm', 'ORDERS']);
		assert.equal(wrong.code, 2);
		assert.match(wrong.stderr, /does not match stream "RANDOM"/);
		assert.deepEqual(await streamNames(nc), []);
	});

	test("restores RANDOM exactly, with natscli's lines, the stream's info and an audit record", async () => {
		const result = await restore([fixture('RANDOM'), '--confirm', 'RANDOM']);
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stdout, /Starting restore of Stream "RANDOM" from file ".*RANDOM"/);
		assert.match(
			result.stdout,
			/\d\d:\d\d:\d\d Sent \d+ chunks, server will now restore the snapshot, this might take a long time/,
		);
		assert.match(result.stdout, /Restored stream "RANDOM" in \d+s/);
		assert.match(result.stdout, /Messages: 3,072/);
		assert.match(result.stdout, /Equivalent: nats stream restore .*RANDOM/);
		assert.deepEqual(await restoredState(nc, 'RANDOM'), fixtureStates['RANDOM']);
		const entry = audit().at(-1)!;
		assert.equal(entry['result'], 'ok');
		assert.equal(entry['subject'], 'RANDOM');
		assert.match(String(entry['nats']), /^nats stream restore .*RANDOM$/);
	});

	test('the plan names each check as it starts and ends, in the order it runs them', async () => {
		const events: PlanCheckEvent[] = [];
		const plan = await planStreamRestore(
			{js: {nc, prefix: '$JS.API', timeoutMs: 5000}, sys: undefined},
			fixture('RANDOM'),
			{
				onCheck: event => events.push(event),
			},
		);
		assert.equal(plan.stream, 'RANDOM');
		assert.deepEqual(
			events.map(event => `${event.check} ${event.state}`),
			['target', 'backup', 'archive', 'stream'].flatMap(check => [`${check} running`, `${check} done`]),
		);
		assert.match(events[0]!.label, /servers, stream names and account limits/);
		assert.match(events[4]!.label, /reading the first bytes of stream\.tar\.s2/);
		assert.match(events[6]!.label, /stream RANDOM exists/);
	});

	test('refuses a stream that exists, as the nats CLI does', async () => {
		await refused([fixture('RANDOM'), '--yes'], /Stream "RANDOM" already exist/);
		const entry = audit().at(-1)!;
		assert.equal(entry['result'], 'refused');
		assert.match(String(entry['detail']), /already exist/);
	});

	test('restores the R3 backup as R1 with --replicas 1', async () => {
		const json = parseJson(await restore([fixture('EVENTS-R3'), '--replicas', '1', '--confirm', 'EVENTS', '--json']));
		assert.equal(json.ok, true);
		assert.equal(json.streams[0].replicas, 1);
		assert.deepEqual(await restoredState(nc, 'EVENTS'), {...fixtureStates['EVENTS'], replicas: 1});
		assert.match(String(audit().at(-1)!['nats']), /--replicas 1$/);
	});

	test('restores the account backup: every stream, exactly', async () => {
		const result = await restore([fixture('account'), '--confirm', 'account']);
		assert.equal(result.code, 0, result.stderr);
		assert.match(
			result.stdout,
			/Restoring backup of all 2 streams in directory ".*account" \(AUDIT, ORDERS; \d+ KiB\)/,
		);
		assert.match(result.stdout, /Restored from .*account: 2 of 2 streams restored, 0 failed, 0 skipped/);
		assert.deepEqual(await restoredState(nc, 'ORDERS'), fixtureStates['ORDERS']);
		assert.deepEqual(await restoredState(nc, 'AUDIT'), fixtureStates['AUDIT']);
	});
});
