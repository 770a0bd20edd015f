import assert from 'node:assert/strict';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {AuditLog} from '../../source/core/audit.js';
import {SecretScrubber} from '../../source/core/secret-scrubber.js';

test('the audit log masks secrets in values before serializing, and leaves everything else exact', async () => {
	const dir = await mkdtemp(path.join(tmpdir(), 'nats-dr-audit-unit-'));
	try {
		const secrets = new SecretScrubber();
		secrets.add('sys', 'pa"ss\\wörd');
		const log = new AuditLog({file: path.join(dir, 'audit.log'), target: {servers: 'nats://h:4222'}, env: {}, secrets});
		const {entry} = await log.record({
			action: 'restore',
			subject: 'ORDERS\u009B2J',
			result: 'failed',
			detail: 'the server said pa"ss\\wörd; system account sys unavailable',
			parameters: {system: true},
		});
		const text = await readFile(log.file, 'utf8');
		assert.ok(!text.includes('pa\\"ss\\\\wörd') && !text.includes('\u009B'), text);
		const written = JSON.parse(text) as typeof entry;
		assert.equal(written.detail, 'the server said ***; system account *** unavailable');
		assert.equal(written.subject, 'ORDERS\u009B2J');
		assert.deepEqual(written.parameters, {system: true});
		assert.deepEqual(entry, written);
	} finally {
		await rm(dir, {recursive: true, force: true});
	}
});
