/**
 * `nats-dr demo` as a runbook drives it: no TTY, --json, read the ready line, then the plain
 * commands against the broken cluster. Each demo runs 4 servers; they run one after another, except
 * for the one check that a second demo gets ports of its own.
 */
import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync} from 'node:fs';
import {mkdtemp, readdir, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {binPath, cleanEnv, parseJson, runCli} from '../helpers/cli.js';
import {connect} from 'nats';
import {demoServerFlag, waitFor} from '../helpers/nats-server.js';

type DemoJson = {
	scenario: string;
	dir: string;
	context: string;
	sys_context: string;
	meta_leader: string;
	killed: string[];
	spare: string;
	backup_dir: string | null;
	servers: Array<{name: string; url: string; cluster_port: number; http_port: number; pid: number; state: string}>;
	pids: number[];
	streams: Array<{name: string; peers: string[]}>;
};

type Demo = {child: ChildProcess; json: DemoJson; stderr: () => string; exit: Promise<number | null>};

const demos: Demo[] = [];

/** Starts a demo without a terminal and resolves once its JSON line is on stdout. */
async function startDemo(args: string[]): Promise<Demo> {
	const child = spawn(process.execPath, [binPath, 'demo', '--json', ...demoServerFlag(), ...args], {
		env: cleanEnv(),
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	const exit = new Promise<number | null>(resolve => child.once('close', resolve));
	const json = await new Promise<DemoJson>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`no JSON line within 60s; stderr:\n${stderr}`)), 60_000);
		child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
			stdout += chunk;
			const line = stdout.split('\n').find(candidate => candidate.startsWith('{'));
			if (line === undefined || !stdout.includes('\n', stdout.indexOf(line))) return;
			clearTimeout(timer);
			resolve(JSON.parse(line) as DemoJson);
		});
		void exit.then(code => reject(new Error(`demo exited with ${code} before it was ready; stderr:\n${stderr}`)));
	});
	const demo = {child, json, stderr: () => stderr, exit};
	demos.push(demo);
	return demo;
}

async function stop(demo: Demo): Promise<number | null> {
	demo.child.kill('SIGINT');
	return demo.exit;
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** The tests' own safety net: kills only the PIDs a demo reported, and removes only its directory. */
async function killLeftovers(demo: Demo): Promise<void> {
	if (demo.child.exitCode === null && demo.child.signalCode === null) await stop(demo);
	for (const pid of demo.json.pids.filter(alive)) process.kill(pid, 'SIGKILL');
	await waitFor(async () => demo.json.pids.every(pid => !alive(pid)), {what: 'the demo servers to exit'});
	await rm(demo.json.dir, {recursive: true, force: true});
}

after(async () => {
	for (const demo of demos) await killLeftovers(demo);
});

function connection(json: DemoJson): string[] {
	return ['--context', json.context, '--sys-context', json.sys_context];
}

async function diagnose(json: DemoJson) {
	const result = await runCli(['diagnose', '--json', ...connection(json)]);
	assert.equal(result.code, 0, result.stderr);
	const diagnosis = parseJson(result);
	const verdicts = Object.fromEntries(diagnosis.streams.map((stream: any) => [stream.name, stream.verdict])) as Record<
		string,
		any
	>;
	return {diagnosis, verdicts};
}

/** The application password, from the demo's own context file, as an operator would find it. */
async function appPassword(json: DemoJson): Promise<string> {
	return (JSON.parse(await readFile(json.context, 'utf8')) as {password: string}).password;
}

async function assertStoppedAndGone(demo: Demo): Promise<void> {
	assert.equal(await stop(demo), 0, demo.stderr());
	assert.deepEqual(demo.json.pids.filter(alive), [], 'every server the demo started has exited');
	assert.equal(existsSync(demo.json.dir), false, `${demo.json.dir} is removed`);
}

describe('demo --scenario region-loss', () => {
	let demo: Demo;

	before(async () => {
		demo = await startDemo(['--scenario', 'region-loss']);
	});

	test('three one-server clusters; east is killed with ORDERS, INVOICES and AUDIT, and readiness tells fail over, restore and lost apart', async () => {
		const {json} = demo;
		assert.deepEqual(
			json.servers.map(server => [server.name, server.state]),
			[
				['east-1', 'killed'],
				['west-1', 'running'],
				['central-1', 'running'],
			],
		);
		assert.notEqual(json.meta_leader, 'east-1', 'the survivors elected a meta leader before the demo was ready');
		assert.equal(json.backup_dir, path.join(json.dir, 'backups', 'INVOICES'));
		const result = await runCli([
			'readiness',
			'--json',
			'--backups',
			path.dirname(json.backup_dir!),
			...connection(json),
		]);
		const readiness = parseJson(result);
		const stream = (name: string) => readiness.streams.find((entry: any) => entry.stream === name);
		assert.match(stream('ORDERS').words, /region lost — a mirror in west \(ORDERS_WEST\) is 0 messages behind/);
		assert.match(stream('INVOICES').words, /region lost — newest backup .* old: restore it into a surviving cluster/);
		assert.equal(stream('AUDIT').words, 'region lost — no mirror, no backup');
		assert.equal(stream('ORDERS_WEST').region, 'west');
	});

	test('Ctrl-C stops exactly its servers and removes its directory', async () => {
		await assertStoppedAndGone(demo);
	});
});

describe('demo --scenario node-loss', () => {
	let demo: Demo;
	let victim: string;

	before(async () => {
		demo = await startDemo(['--scenario', 'node-loss']);
		[victim] = demo.json.killed as [string];
	});

	test('kills one ORDERS replica that is not the meta leader; diagnose finds what the scenario promised', async () => {
		const {json} = demo;
		assert.equal(json.killed.length, 1);
		assert.notEqual(victim, json.meta_leader);
		assert.ok(json.streams.find(stream => stream.name === 'ORDERS')!.peers.includes(victim));
		assert.deepEqual(json.streams.find(stream => stream.name === 'INVOICES')!.peers, [victim]);
		assert.equal(json.servers.find(server => server.name === victim)!.state, 'killed');
		const {verdicts} = await diagnose(json);
		assert.equal(verdicts['ORDERS'].kind, 'self-healing-after-peer-remove', verdicts['ORDERS'].reason);
		assert.deepEqual(verdicts['ORDERS'].peer_remove, [victim]);
		assert.deepEqual(verdicts['ORDERS'].spares, [json.spare]);
		assert.equal(verdicts['INVOICES'].kind, 'r1-on-dead-node', verdicts['INVOICES'].reason);
		assert.equal(verdicts['AUDIT'].kind, 'healthy', verdicts['AUDIT'].reason);
		assert.match(
			demo.stderr(),
			new RegExp(`nats-dr diagnose --context ${json.context} --sys-context ${json.sys_context}`),
		);
	});

	test('the plain peer-remove brings ORDERS back to healthy, with one audit line and no password in it', async () => {
		const {json} = demo;
		const auditDir = await mkdtemp(path.join(tmpdir(), 'nats-dr-audit-'));
		try {
			const auditLog = path.join(auditDir, 'audit.log');
			const result = await runCli(
				[
					'peer-remove',
					victim,
					'--confirm',
					victim,
					'--watch-timeout',
					'60s',
					'--audit-log',
					auditLog,
					...connection(json),
				],
				{timeoutMs: 90_000},
			);
			assert.equal(result.code, 0, result.stderr + result.stdout);
			await waitFor(async () => (await diagnose(json)).verdicts['ORDERS'].kind === 'healthy', {what: 'ORDERS healthy'});

			const text = await readFile(auditLog, 'utf8');
			const lines = text.trim().split('\n');
			assert.equal(lines.length, 1, text);
			const entry = JSON.parse(lines[0]!);
			assert.deepEqual([entry.action, entry.subject, entry.result], ['peer-remove', victim, 'ok']);
			assert.match(entry.detail, new RegExp(`removed ${victim} from the meta group`));
			assert.match(entry.nats, new RegExp(`nats server cluster peer-remove ${victim}`));
			for (const file of [json.context, json.sys_context]) {
				const {password} = JSON.parse(await readFile(file, 'utf8')) as {password: string};
				assert.ok(!text.includes(password), 'the audit log holds no password');
			}
		} finally {
			await rm(auditDir, {recursive: true, force: true});
		}
	});

	test('a second demo (quorum-loss --keep) gets its own ports and directory, and keeps running after it exits', async () => {
		const second = await startDemo(['--scenario', 'quorum-loss', '--keep']);
		const {json} = second;
		const ports = (run: DemoJson) =>
			run.servers.flatMap(server => [Number(new URL(server.url).port), server.cluster_port, server.http_port]);
		assert.deepEqual(
			ports(json).filter(port => ports(demo.json).includes(port)),
			[],
		);
		assert.notEqual(json.dir, demo.json.dir);

		assert.equal(json.killed.length, 2);
		assert.ok(!json.killed.includes(json.meta_leader));
		const {diagnosis, verdicts} = await diagnose(json);
		assert.equal(diagnosis.meta.verdict.kind, 'no-quorum', diagnosis.meta.verdict.reason);
		assert.equal(verdicts['ORDERS'].kind, 'no-quorum', verdicts['ORDERS'].reason);

		assert.equal(await stop(second), 0, second.stderr());
		const running = json.servers.filter(server => server.state === 'running').map(server => server.pid);
		assert.equal(running.length, 2);
		assert.ok(running.every(alive), 'the kept servers still run');
		assert.ok(existsSync(json.dir));
		assert.match(second.stderr(), new RegExp(`kill ${running.join(' ')}`));
		assert.match(second.stderr(), new RegExp(`rm -rf ${json.dir}`));
		await killLeftovers(second);
	});

	test('SIGINT stops every server it started and removes its directory', async () => {
		await assertStoppedAndGone(demo);
	});
});

describe('demo --scenario r1-loss', () => {
	let demo: Demo;

	before(async () => {
		demo = await startDemo(['--scenario', 'r1-loss']);
	});

	test('the R1 stream is gone with its node; the backup taken first verifies', async () => {
		const {json} = demo;
		const [victim] = json.killed as [string];
		assert.equal(json.servers.find(server => server.name === victim)!.state, 'wiped');
		const {verdicts} = await diagnose(json);
		assert.equal(verdicts['INVOICES'].kind, 'r1-on-dead-node', verdicts['INVOICES'].reason);
		assert.match(verdicts['INVOICES'].reason, new RegExp(victim));

		assert.ok(json.backup_dir, 'the demo names its backup');
		assert.match(demo.stderr(), new RegExp(json.backup_dir));
		const verified = await runCli(['verify', json.backup_dir]);
		assert.equal(verified.code, 0, verified.stderr + verified.stdout);
	});

	test('plain commands bring INVOICES back from the demo backup with all its messages', async () => {
		const {json} = demo;
		const [victim] = json.killed as [string];
		const removed = await runCli(['peer-remove', victim, '--confirm', victim, ...connection(json)], {
			timeoutMs: 120_000,
		});
		assert.equal(removed.code, 0, removed.stderr + removed.stdout);
		// The server cannot delete it while its only node is a meta member; once removed, it can.
		const nc = await connect({
			servers: json.servers.filter(server => server.state === 'running').map(server => server.url),
			user: 'app',
			pass: await appPassword(json),
		});
		// nats-server 2.15 deletes it without answering: a retry then finds it gone.
		await waitFor(
			async () =>
				(await nc.jetstreamManager()).streams
					.delete('INVOICES')
					.catch(error => /stream not found/.test(String(error)) || Promise.reject(error)),
			{what: 'INVOICES to be deleted'},
		);
		await nc.close();
		const restored = await runCli(
			[
				'restore',
				json.backup_dir!,
				'--tag',
				`node:${json.spare}`,
				'--confirm',
				'INVOICES',
				'--json',
				...connection(json),
			],
			{timeoutMs: 120_000},
		);
		assert.equal(restored.code, 0, restored.stderr + restored.stdout);
		const {verdicts, diagnosis} = await diagnose(json);
		assert.equal(verdicts['INVOICES'].kind, 'healthy', verdicts['INVOICES'].reason);
		const invoices = diagnosis.streams.find((stream: {name: string}) => stream.name === 'INVOICES');
		assert.equal(invoices.messages, 500);
		assert.deepEqual(
			invoices.peers.map((peer: {name: string}) => peer.name),
			[json.spare],
		);
	});

	test('SIGINT stops every server it started and removes its directory', async () => {
		await assertStoppedAndGone(demo);
	});
});

describe('demo setup', () => {
	test('without nats-server it says how to install it and exits 1', async () => {
		const result = await runCli(['demo'], {env: {PATH: '/nonexistent'}});
		assert.equal(result.code, 1);
		assert.match(result.stderr, /nats-server was not found on PATH/);
		assert.match(result.stderr, /sudo apt-get install nats-server/);
	});

	test('Ctrl-C during setup stops what was started and removes the directory', {timeout: 60_000}, async () => {
		const child = spawn(process.execPath, [binPath, 'demo'], {env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe']});
		let output = '';
		child.stderr.resume();
		const exit = new Promise<number | null>(resolve => child.once('close', resolve));
		let dir;
		try {
			dir = await new Promise<string>((resolve, reject) => {
				child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
					output += chunk;
					if (output.includes('Seeding ORDERS')) resolve(/Temp directory: (\S+)/.exec(output)![1]!);
				});
				void exit.then(code => reject(new Error(`demo exited with ${code} during setup:\n${output}`)));
			});
		} finally {
			child.kill('SIGINT');
		}

		assert.equal(await exit, 130, output);
		assert.equal(existsSync(dir), false, `${dir} is removed`);
		const leftovers = [];
		for (const pid of await readdir('/proc')) {
			const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
			if (cmdline.includes(dir)) leftovers.push(pid);
		}

		assert.deepEqual(leftovers, [], 'no nats-server of that demo is left');
	});
});
