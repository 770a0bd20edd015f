/** `nats-dr verify` on the natscli fixtures, and on archives damaged after the fact. No server needed. */
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, describe, test} from 'node:test';
import {parseJson, runCli} from '../helpers/cli.js';
import {fixturePath} from '../helpers/fixtures.js';

const fixtures = fixturePath('');

describe('nats-dr verify', () => {
	const scratch = mkdtempSync(join(tmpdir(), 'nats-dr-verify-'));
	after(() => rmSync(scratch, {recursive: true, force: true}));

	for (const dir of ['RANDOM', 'EVENTS-R3', 'account/ORDERS', 'account/AUDIT']) {
		test(`accepts the natscli backup ${dir}`, async () => {
			const result = await runCli(['verify', join(fixtures, dir)]);
			assert.equal(result.code, 0, result.stdout + result.stderr);
			assert.match(result.stdout, /^OK +\S+ +.*messages, .* in a .* archive/m);
			assert.match(result.stdout, /1 backup verified: all can be restored/);
		});
	}

	test('accepts the natscli account layout, one line per stream, and says so in --json', async () => {
		const result = await runCli(['verify', join(fixtures, 'account'), '--json']);
		assert.equal(result.code, 0, result.stdout + result.stderr);
		const json = parseJson(result);
		assert.equal(json.layout, 'account');
		assert.deepEqual(
			json.backups.map((backup: any) => [backup.stream, backup.ok, backup.messages, backup.consumers]),
			[
				['AUDIT', true, 1000, []],
				['ORDERS', true, 2995, ['MONITOR', 'PROCESSOR']],
			],
		);
	});

	test('a truncated archive fails with a clear message and exit 1', async () => {
		const dir = copy('RANDOM', 'truncated');
		const archive = readFileSync(join(dir, 'stream.tar.s2'));
		writeFileSync(join(dir, 'stream.tar.s2'), archive.subarray(0, Math.floor(archive.length / 2)));
		const result = await runCli(['verify', dir]);
		assert.equal(result.code, 1);
		assert.match(result.stdout, /^FAILED +RANDOM /m);
		assert.match(result.stdout, /problem: archive is truncated/);
	});

	test('a flipped bit fails with a clear message and exit 1', async () => {
		const dir = copy('RANDOM', 'flipped');
		const archive = readFileSync(join(dir, 'stream.tar.s2'));
		archive[Math.floor(archive.length / 2)]! ^= 0x10;
		writeFileSync(join(dir, 'stream.tar.s2'), archive);
		const result = await runCli(['verify', dir, '--json']);
		assert.equal(result.code, 1);
		const [backup] = parseJson(result).backups;
		assert.equal(backup.ok, false);
		assert.match(backup.problems.join('\n'), /CRC mismatch in chunk at byte \d+: the archive is corrupt/);
	});

	test('an account layout with a stream directory lacking backup.json fails', async () => {
		const dir = copy('account', 'partial-account');
		rmSync(join(dir, 'AUDIT', 'backup.json'), {force: true});
		const result = await runCli(['verify', dir]);
		assert.equal(result.code, 1);
		assert.match(result.stdout, /^FAILED +AUDIT +.*no backup\.json, so not a complete backup/m);
		assert.match(result.stdout, /^OK +ORDERS /m);
	});

	/** A writable copy: the fixtures are read-only, and cpSync would keep their modes. */
	function copy(fixture: string, name: string): string {
		const dir = join(scratch, name);
		copyTree(join(fixtures, fixture), dir);
		return dir;
	}
});

function copyTree(from: string, to: string): void {
	mkdirSync(to, {recursive: true});
	for (const name of readdirSync(from)) {
		if (statSync(join(from, name)).isDirectory()) copyTree(join(from, name), join(to, name));
		else writeFileSync(join(to, name), readFileSync(join(from, name)));
	}
}
