/**
 * Names are server-supplied text: nats-server (2.9 to 2.15) accepts stream and consumer names with
 * escape sequences, C1 controls and bidi overrides. Printed raw they would set the terminal's
 * title, clear the screen or reorder what the operator reads; nats-dr shows them escaped in its
 * lines, in the files it writes and in the wizard, and keeps them exact in --json.
 */
import assert from 'node:assert/strict';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, before, test} from 'node:test';
import {AckPolicy} from 'nats';
import {parseJson, runCli} from '../helpers/cli.js';
import {TestCluster} from '../helpers/nats-server.js';
import {appConnection, cliConnection} from '../helpers/streams.js';
import {TmuxSession} from '../helpers/tmux.js';

const names = {title: 'EV\u001B]0;pwned\u0007IL', bidi: 'BI\u202EDI', c1: 'C1\u009B2J'};
const consumer = 'CO\u001B[2J';
/** What a terminal would act on: every control character except line breaks, and the bidi controls. */
const raw = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

let cluster: TestCluster;
let dir: string;

before(async () => {
	dir = await mkdtemp(path.join(tmpdir(), 'nats-dr-names-'));
	cluster = await TestCluster.start();
	const nc = await appConnection(cluster);
	const jsm = await nc.jetstreamManager();
	for (const [i, name] of Object.values(names).entries()) {
		await jsm.streams.add({name, subjects: [`s${i}.>`]});
		// Not acknowledged publishes: the server writes such a name into its publish ack unescaped
		// (Go %q, e.g. "\x1b"), which is not valid JSON, so nats.js cannot read the ack.
		for (let n = 0; n < 20; n++) nc.publish(`s${i}.x`, new TextEncoder().encode(String(n)));
	}

	await nc.flush();

	await jsm.consumers.add(names.bidi, {durable_name: consumer, ack_policy: AckPolicy.Explicit});
	await nc.close();
});

after(async () => {
	await cluster?.stopAll();
	await rm(dir, {recursive: true, force: true});
});

test('diagnose shows the names escaped, and --json keeps them exact without raw control bytes', async () => {
	const plain = await runCli(['diagnose', ...cliConnection(cluster)]);
	assert.equal(plain.code, 0, plain.stderr);
	assert.doesNotMatch(plain.stdout + plain.stderr, raw);
	assert.ok(plain.stdout.includes('EV\\x1b]0;pwned\\x07IL') && plain.stdout.includes('BI\\u202eDI'), plain.stdout);

	const json = await runCli(['diagnose', '--json', ...cliConnection(cluster)]);
	assert.equal(json.code, 0, json.stderr);
	assert.doesNotMatch(json.stdout, raw);
	const streams = (parseJson(json).streams as Array<{name: string}>).map(stream => stream.name).sort();
	assert.deepEqual(streams, Object.values(names).sort());
});

test('backup, verify and the audit log keep a hostile name from the terminal', async () => {
	const audit = path.join(dir, 'audit.log');
	const target = path.join(dir, 'bidi');
	const backup = await runCli([
		'backup',
		names.bidi,
		target,
		'--no-progress',
		'--audit-log',
		audit,
		...cliConnection(cluster),
	]);
	assert.equal(backup.code, 0, backup.stderr);
	const verify = await runCli(['verify', target]);
	assert.equal(verify.code, 0, verify.stderr);
	for (const output of [backup.stdout, backup.stderr, verify.stdout, verify.stderr]) assert.doesNotMatch(output, raw);
	assert.match(verify.stdout, /BI\\u202eDI/);
	// nats-server 2.15 writes NATSARC1 archives, whose contents (and so the consumers) verify does not read.
	const inspected = !verify.stdout.includes('NATSARC1');
	assert.equal(verify.stdout.includes(`consumers ${consumer.replace('\u001B', '\\x1b')}`), inspected, verify.stdout);

	const log = await readFile(audit, 'utf8');
	assert.doesNotMatch(log, raw);
	assert.equal(JSON.parse(log.trim()).subject, names.bidi);
});

test('the wizard draws the names escaped', async () => {
	const tmux = await TmuxSession.start(cliConnection(cluster), {columns: 100, rows: 30});
	try {
		await tmux.waitFor(/Back up streams/);
		await tmux.choose(/Inspect a stream/);
		const list = await tmux.waitFor(/Streams \(3 of 3\)/);
		assert.ok(list.includes('EV\\x1b]0;pwned\\x07IL') && list.includes('C1\\x9b2J'), list);
		assert.doesNotMatch(list, raw);
		await tmux.choose(/BI\\u202eDI/);
		const inspect = await tmux.waitFor(/Verdict:/);
		assert.ok(inspect.includes('Stream BI\\u202eDI'), inspect);
		assert.doesNotMatch(inspect, raw);
		await tmux.keys('q');
	} finally {
		await tmux.stop();
	}
});

test('the typed confirmation prompt shows the name escaped', async () => {
	const target = path.join(dir, 'title');
	const backup = await runCli(['backup', names.title, target, '--no-progress', ...cliConnection(cluster)]);
	assert.equal(backup.code, 0, backup.stderr);
	const nc = await appConnection(cluster);
	await (await nc.jetstreamManager()).streams.delete(names.title);
	await nc.close();
	const tmux = await TmuxSession.start(['restore', target, ...cliConnection(cluster)], {columns: 120, rows: 30});
	try {
		const prompt = await tmux.waitFor(/Type the stream name|EXIT=/);
		assert.ok(prompt.includes('Type the stream name "EV\\x1b]0;pwned\\x07IL" to confirm'), prompt);
		await tmux.keys('Enter');
		await tmux.waitFor(/EXIT=130/);
	} finally {
		await tmux.stop();
	}
});
