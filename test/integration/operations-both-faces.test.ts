/**
 * Each operator action is written once: the same backup, restore and peer-remove run through the
 * command (the built CLI, as a runbook runs it) and through the wizard's real services binding, on
 * one real 5-node cluster, leave the same audit records with the same equivalent `nats` commands.
 * Only what differs by nature is masked: times, the backup root, archive sizes and hashes, and the
 * dead server each face removes.
 */
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import type {AuditEntry} from '../../source/core/audit.js';
import type {Session} from '../../source/core/connection/session.js';
import {commandContext} from '../../source/cli/context.js';
import {parseArgs} from '../../source/cli/flags.js';
import {Output, type Io} from '../../source/cli/output.js';
import {wizardServices} from '../../source/cli/wizard-services.js';
import type {WizardServices} from '../../source/ui/services.js';
import {cleanEnv, runCli} from '../helpers/cli.js';
import {TestCluster, waitFor} from '../helpers/nats-server.js';
import {addStream, appConnection, cliConnection} from '../helpers/streams.js';

type Comparable = Omit<AuditEntry, 'time' | 'operator' | 'target'>;

function readAudit(file: string): Comparable[] {
	if (!existsSync(file)) return [];
	return readFileSync(file, 'utf8')
		.trim()
		.split('\n')
		.filter(Boolean)
		.map(line => {
			const {time: _time, operator: _operator, target: _target, ...record} = JSON.parse(line) as AuditEntry;
			return record;
		});
}

/** Masks what differs by nature between two runs of the same action, and nothing else. */
function masked(records: Comparable[], replace: Array<[string, string]>): Comparable[] {
	let text = JSON.stringify(records);
	for (const [from, to] of replace) text = text.replaceAll(from, to);
	text = text
		.replaceAll(/"xxh3":"[\da-f]{16}"/g, '"xxh3":"XXH3"')
		.replaceAll(/in a [\d.]+ (B|KiB|MiB) archive/g, 'in a SIZE archive')
		.replaceAll(/in [\d.]+s\b/g, 'in TIMEs');
	return JSON.parse(text) as Comparable[];
}

function collectingIo(): Io {
	const sink = {write: () => true, isTTY: false};
	return {stdout: sink, stderr: sink, stdin: {isTTY: false}, env: cleanEnv()};
}

describe('one action, two faces, the same audit records', () => {
	let cluster: TestCluster;
	let leader: string;
	let scratch: string;
	let session: Session;
	let services: WizardServices;
	const cliLog = () => path.join(scratch, 'cli-audit.log');
	const wizardLog = () => path.join(scratch, 'wizard-audit.log');
	const heard: AuditEntry[] = [];
	const onRecorded = (entry: AuditEntry) => heard.push(entry);
	const cli = async (args: string[]) => {
		const result = await runCli([...args, '--audit-log', cliLog(), ...cliConnection(cluster)], {timeoutMs: 120_000});
		assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}${result.stdout}`);
		return result;
	};

	/** The records each face wrote since the last call. */
	let seen = {cli: 0, wizard: 0};
	const newRecords = () => {
		const cliRecords = readAudit(cliLog()).slice(seen.cli);
		const wizardRecords = readAudit(wizardLog()).slice(seen.wizard);
		seen = {cli: seen.cli + cliRecords.length, wizard: seen.wizard + wizardRecords.length};
		return {cliRecords, wizardRecords};
	};

	const deleteStream = async (name: string) => {
		const nc = await appConnection(cluster);
		await (await nc.jetstreamManager()).streams.delete(name);
		await nc.close();
	};

	before(async () => {
		scratch = mkdtempSync(path.join(tmpdir(), 'nats-dr-faces-'));
		cluster = await TestCluster.start({
			nodes: ['n1', 'n2', 'n3', 'n4', 'n5'].map(name => ({name, tags: [`node:${name}`]})),
		});
		leader = (await cluster.waitReady())!;
		const nc = await appConnection(cluster);
		// On the meta leader, so no server a face removes later holds a replica: both removals have the same impact.
		for (const name of ['ORDERS', 'EVENTS'])
			await addStream(nc, {name, num_replicas: 1, placement: {cluster: '', tags: [`node:${leader}`]}}, 200);
		await nc.close();
		const invocation = parseArgs([...cliConnection(cluster), '--audit-log', wizardLog()]);
		const io = collectingIo();
		const context = commandContext(invocation, new Output(io, {json: false}), io, new AbortController().signal);
		session = await context.connect();
		services = wizardServices(session, context);
	});
	after(async () => {
		await session?.close();
		await cluster?.stopAll();
		if (scratch) rmSync(scratch, {recursive: true, force: true});
	});

	test('a backup of two streams', async () => {
		const cliRoot = path.join(scratch, 'cli backups');
		const wizardRoot = path.join(scratch, 'wizard backups');
		for (const stream of ['ORDERS', 'EVENTS']) await cli(['backup', stream, path.join(cliRoot, stream)]);
		heard.length = 0;
		await services.backup(['ORDERS', 'EVENTS'], wizardRoot, {
			signal: new AbortController().signal,
			onStream() {},
			onStart() {},
			onProgress() {},
			onOutcome() {},
			onRecorded,
		});
		const {cliRecords, wizardRecords} = newRecords();
		assert.equal(cliRecords.length, 2);
		assert.deepEqual(
			cliRecords.map(record => [record.subject, record.result]),
			[
				['ORDERS', 'ok'],
				['EVENTS', 'ok'],
			],
		);
		assert.deepEqual(masked(wizardRecords, [[wizardRoot, 'ROOT']]), masked(cliRecords, [[cliRoot, 'ROOT']]));
		assert.equal(wizardRecords[0]!.nats, `nats stream backup ORDERS '${path.join(wizardRoot, 'ORDERS')}'`);
		assert.deepEqual(
			heard.map(entry => entry.subject),
			['ORDERS', 'EVENTS'],
			'the wizard hears of each record for its summary',
		);
	});

	test('the wizard refuses a stream name that is no directory name, and writes nothing outside the root', async () => {
		const root = path.join(scratch, 'unsafe', 'root');
		const outcomes: Array<{stream: string; status: string; dir: string | undefined}> = [];
		await services.backup(['..', 'EVENTS'], root, {
			signal: new AbortController().signal,
			onStream() {},
			onStart() {},
			onProgress() {},
			onOutcome: (outcome, dir) => outcomes.push({stream: outcome.stream, status: outcome.status, dir}),
			onRecorded,
		});
		assert.deepEqual(outcomes, [
			{stream: '..', status: 'failed', dir: undefined},
			{stream: 'EVENTS', status: 'ok', dir: path.join(root, 'EVENTS')},
		]);
		assert.deepEqual(readdirSync(path.join(scratch, 'unsafe')), ['root']);
		assert.deepEqual(readdirSync(root), ['EVENTS']);
		const {wizardRecords} = newRecords();
		assert.equal(wizardRecords[0]!.result, 'refused');
		assert.match(wizardRecords[0]!.detail, /the stream name "\.\." cannot be a directory name/);
	});

	test('a restore with overrides', async () => {
		const dir = path.join(scratch, 'cli backups', 'ORDERS');
		const overrides = ['--replicas', '1', '--tag', `node:${leader}`];
		await deleteStream('ORDERS');
		await cli(['restore', dir, ...overrides, '--yes']);
		await deleteStream('ORDERS');
		const signal = new AbortController().signal;
		const plan = await services.planRestore(dir, {replicas: 1, tags: [`node:${leader}`]}, signal);
		assert.equal(plan.refused, false, JSON.stringify(plan.findings));
		await services.restore(plan, {signal, onProgress() {}, onRecorded});
		const {cliRecords, wizardRecords} = newRecords();
		assert.equal(cliRecords.length, 1);
		assert.equal(cliRecords[0]!.result, 'ok', cliRecords[0]!.detail);
		const {chunk_size: _chunkSize, window: _window, ...asked} = cliRecords[0]!.parameters ?? {};
		assert.deepEqual(asked, {dir, replicas: 1, tags: [`node:${leader}`]});
		assert.equal(cliRecords[0]!.nats, `nats stream restore '${dir}' --replicas 1 --tag node:${leader}`);
		assert.deepEqual(masked(wizardRecords, []), masked(cliRecords, []));
	});

	test('a peer-remove: the same refusal of a live server, and the same removal of a dead one', async () => {
		const live = cluster.running().find(node => node.name !== leader)!.name;
		const refused = await runCli(['peer-remove', live, '--yes', '--audit-log', cliLog(), ...cliConnection(cluster)]);
		assert.equal(refused.code, 1, refused.stderr);
		const signal = new AbortController().signal;
		const noEvents = () => undefined;
		await assert.rejects(
			services.peerRemove(live, {signal, watchTimeoutMs: 60_000, onEvent: noEvents, onRecorded}),
			/online and answering.*nothing was removed/,
		);
		let records = newRecords();
		assert.equal(records.cliRecords[0]!.result, 'refused');
		assert.deepEqual(records.wizardRecords, records.cliRecords);

		const [first, second] = cluster
			.running()
			.map(node => node.name)
			.filter(name => name !== leader)
			.slice(-2);
		await cluster.kill(first!);
		await cluster.kill(second!);
		// Both faces see both servers as dead before either acts.
		await waitFor(
			async () => {
				const result = await runCli(['diagnose', '--json', ...cliConnection(cluster)]);
				const json = JSON.parse(result.stdout || '{}') as {meta?: {verdict?: {dead?: string[]}}};
				return (json.meta?.verdict?.dead?.length ?? 0) >= 2;
			},
			{timeoutMs: 60_000, what: 'both killed servers reported dead'},
		);
		await cli(['peer-remove', first!, '--confirm', first!]);
		const removal = await services.peerRemove(second!, {signal, watchTimeoutMs: 60_000, onEvent: noEvents, onRecorded});
		assert.equal(removal.removed, second);
		records = newRecords();
		assert.equal(records.cliRecords.length, 1);
		assert.equal(records.cliRecords[0]!.result, 'ok', records.cliRecords[0]!.detail);
		assert.equal(records.cliRecords[0]!.nats, `nats server cluster peer-remove ${first!} --force`);
		assert.deepEqual(
			masked(records.wizardRecords, [[second!, 'DEAD']]),
			masked(records.cliRecords, [[first!, 'DEAD']]),
		);
	});
});
