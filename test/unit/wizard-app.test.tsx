import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {renderToString} from 'ink';
import type {AuditEntry, AuditRecord} from '../../source/core/audit.js';
import type {WatchState, WatchTarget} from '../../source/core/recovery-actions.js';
import {App} from '../../source/ui/app.js';
import {OverviewScreen} from '../../source/ui/screens/overview.js';
import {QuorumScreen} from '../../source/ui/screens/recovery.js';
import {initialState} from '../../source/ui/state/machine.js';
import {menuItems} from '../../source/ui/state/menus.js';
import type {DiagnosisResult, WizardServices} from '../../source/ui/services.js';
import {ThemeContext} from '../../source/ui/theme-context.js';
import {themeFor} from '../../source/ui/theme.js';
import {afterPeerRemoveDiagnosis, degradedDiagnosis} from '../helpers/diagnosis-fixture.js';
import type {PreflightFinding} from '../../source/core/restore/preflight.js';
import {frameMatching, keys, renderInk, resize, settle, stripAnsi, unmount} from '../helpers/ink.js';

type Calls = {
	peerRemove: string[];
	audits: AuditRecord[];
	backups: string[];
	deleted: string[];
	restored: string[];
	planned: Array<Record<string, unknown>>;
};

function fakeServices(
	result: DiagnosisResult,
	options: {
		watch?: () => Promise<{complete: boolean; states: WatchState[]}>;
		/** Holds each plan after its first check started, until it resolves. */
		planGate?: Promise<void>;
		/** The plan's findings instead of the archive and exists checks. */
		findings?: PreflightFinding[];
		/** Holds the diagnosis in an election wait until it resolves. */
		electionGate?: Promise<void>;
	} = {},
): {services: WizardServices; calls: Calls} {
	const calls: Calls = {
		peerRemove: [],
		audits: [],
		backups: [],
		deleted: [],
		restored: [],
		planned: [],
	};
	let exists = true;
	// What the real binding does: the operation writes the record, the wizard hears of it.
	const audit = async (record: AuditRecord): Promise<AuditEntry> => {
		calls.audits.push(record);
		return {
			...record,
			time: '2026-11-25T00:00:00.000Z',
			operator: 'tester',
			target: {servers: 'nats://127.0.0.1:4222'},
		};
	};
	const services: WizardServices = {
		connection: () => ({
			servers: 'nats://127.0.0.1:4222',
			auth: 'user "app" with a password',
			context: 'demo',
			system: {kind: 'separate'},
		}),
		async diagnose({onElectionWait}) {
			if (options.electionGate) {
				onElectionWait?.(3000, 15_000);
				await options.electionGate;
			}

			return result;
		},
		async peerRemove(server, {watchTimeoutMs, onEvent, onRecorded}) {
			calls.peerRemove.push(server);
			onRecorded(
				await audit({
					action: 'peer-remove',
					subject: server,
					result: 'ok',
					detail: `removed ${server}`,
					nats: `nats server cluster peer-remove ${server} --force`,
				}),
			);
			onEvent({type: 'requested', replaced: true});
			const targets: WatchTarget[] = [{stream: 'ORDERS', removed: server, expectedPeers: 3}];
			onEvent({type: 'watching', targets, timeoutMs: watchTimeoutMs});
			const states: WatchState[] = targets.map(target => ({
				stream: target.stream,
				leader: 'n1',
				peers: [],
				done: true,
				waitingFor: undefined,
			}));
			onEvent({type: 'watch', states});
			const watched = options.watch ? await options.watch() : {complete: true, states};
			return {removed: server, impacts: [], watched};
		},
		defaultBackupRoot: () => '/tmp/nats-dr-backups',
		completePath: async partial => (partial === '/tmp/nats-dr-backups' ? ['/tmp/nats-dr-backups/'] : []),
		checkBackupTarget: async dir =>
			dir.startsWith('/readonly') ? {ok: false, problem: `${dir} is not writable`} : {ok: true, freeBytes: undefined},
		async backup(streams, root, {onStream, onStart, onProgress, onOutcome}) {
			for (const [index, stream] of streams.entries()) {
				const dir = `${root}/${stream}`;
				calls.backups.push(dir);
				onStream(stream, index, streams.length, dir);
				onStart({stream, dir, expectedBytes: 4096, messages: 100, serverVersion: '2.9.10', check: false, notices: []});
				onProgress({
					stream,
					phase: 'transfer',
					compressedBytes: 1000,
					uncompressedBytes: 2048,
					chunks: 1,
					expectedBytes: 4096,
					totalBytes: 4096,
					fraction: 0.5,
					elapsedMs: 10,
					bytesPerSecond: 1e6,
					etaMs: 5,
					verifiedBytes: 0,
				});
				onOutcome({stream, status: 'ok', result: {archiveBytes: 1000, warnings: []} as never}, dir);
			}
		},
		listBackups: async root => [
			{
				dir: `${root}/PINNED`,
				stream: 'PINNED',
				archiveBytes: 2048,
				messages: 100,
				created: '2026-11-24T10:00:00.000Z',
				verified: true,
				problem: undefined,
			},
			{
				dir: `${root}/ORDERS`,
				stream: 'ORDERS',
				archiveBytes: 4096,
				messages: 100,
				created: '2026-11-24T10:00:00.000Z',
				verified: true,
				problem: undefined,
			},
		],
		async planRestore(dir, overrides, _signal, onCheck) {
			calls.planned.push(overrides as Record<string, unknown>);
			onCheck?.({check: 'target', label: 'asking the target for its servers (up to 3s)', state: 'running'});
			await options.planGate;
			onCheck?.({check: 'target', label: 'asking the target for its servers (up to 3s)', state: 'done'});
			const findings = options.findings ?? [
				{check: 'archive', level: 'ok', message: 'the archive verifies'},
				exists
					? {check: 'exists', level: 'refusal', message: 'Stream "PINNED" already exist', hint: 'delete it first'}
					: {check: 'exists', level: 'ok', message: 'no stream "PINNED" exists yet'},
			];
			return {
				dir,
				stream: 'PINNED',
				findings,
				refused: options.findings ? options.findings.some(finding => finding.level === 'refusal') : exists,
				replicas: overrides.replicas ?? 1,
				placement: {cluster: undefined, tags: ['node:n3']},
				overrides,
				backup: {archiveBytes: 2048, state: {messages: 100}},
			} as never;
		},
		async restore(plan, {onProgress, onRecorded}) {
			calls.restored.push(plan.stream);
			onRecorded(await audit({action: 'restore', subject: plan.stream, result: 'ok', detail: 'restored'}));
			onProgress({
				phase: 'upload',
				stream: plan.stream,
				sentBytes: 1024,
				totalBytes: 2048,
				chunks: 1,
				totalChunks: 2,
				bytesPerSecond: 1e6,
				etaMs: 1,
				elapsedMs: 1,
			});
			return {
				stream: plan.stream,
				dir: plan.dir,
				info: {
					config: {name: plan.stream, num_replicas: 1},
					state: {messages: 100, first_seq: 1, last_seq: 100},
					cluster: {leader: 'n2'},
				},
				consumers: [],
				totalMs: 1500,
				uploadMs: 500,
				serverMs: 500,
				settleMs: 500,
			} as never;
		},
		async deleteStream(stream, {onRecorded}) {
			calls.deleted.push(stream);
			onRecorded(await audit({action: 'stream-delete', subject: stream, result: 'ok', detail: 'deleted'}));
			exists = false;
		},
	};
	return {services, calls};
}

describe('the wizard app', () => {
	test('shows a spinner first, then servers, meta verdict and streams by verdict', async () => {
		const {services} = fakeServices(degradedDiagnosis());
		const app = await renderInk(<App services={services} onExit={() => {}} />);
		await settle();
		const frame = app.frame();
		assert.match(frame, /n3!\s+c1\s+-\s+NOT ANSWERING/);
		assert.match(frame, /n1\*/);
		assert.match(frame, /Meta group: .*DEGRADED/);
		assert.match(frame, /1 R1 on a dead node/);
		assert.match(frame, /1 Self-healing after peer-remove/);
		assert.match(frame, /2 Healthy/);
		assert.match(frame, /Automatic recovery \(1 dead node\)/);
		assert.match(frame, /Enter choose · r refresh · \? help · q quit/);
		await unmount(app);
	});

	test('automatic recovery: plan, typed confirmation, peer-remove, watch, summary record', async () => {
		const {services, calls} = fakeServices(degradedDiagnosis());
		let exit: number | undefined;
		const app = await renderInk(<App services={services} onExit={code => (exit = code)} />);
		await settle();
		await app.press(keys.enter);
		assert.match(app.frame(), /which dead node\?/);
		await app.press(keys.enter);
		assert.match(app.frame(), /Recovery plan for n3/);
		assert.match(app.frame(), /ORDERS R3: 2 alive \(quorum 2\), spares: n4/);
		assert.match(app.frame(), /PINNED .*R1 stream: its data on n3 is lost/s);
		await app.press(keys.enter);
		assert.match(app.frame(), /WARNING: removing n3/);
		await app.press('n', '4', keys.enter);
		assert.match(app.frame(), /Value must be exactly n3/);
		assert.deepEqual(calls.peerRemove, []);
		await app.press(keys.backspace, '3', keys.enter);
		await settle();
		assert.deepEqual(calls.peerRemove, ['n3']);
		await settle();
		assert.match(app.frame(), /removed n3; 1 stream\(s\) recovered/);
		assert.equal(calls.audits.length, 1);
		assert.equal(calls.audits[0]!.result, 'ok');
		assert.match(calls.audits[0]!.nats ?? '', /nats server cluster peer-remove n3/);
		await app.press(keys.escape);
		assert.match(app.frame(), /diagnosing|Servers/);
		await app.press('q');
		assert.equal(exit, 0);
		await unmount(app);
	});

	test('Esc goes back one step, q does nothing while typing a name', async () => {
		const {services} = fakeServices(degradedDiagnosis());
		let exit: number | undefined;
		const app = await renderInk(<App services={services} onExit={code => (exit = code)} />);
		await settle();
		await app.press(keys.enter, keys.enter, keys.enter);
		await app.press('q');
		assert.equal(exit, undefined);
		assert.match(app.frame(), /❯ q/);
		await app.press(keys.escape);
		assert.match(app.frame(), /Recovery plan for n3/);
		await app.press(keys.escape, keys.escape);
		assert.match(app.frame(), /Automatic recovery \(1 dead node\)/);
		await unmount(app);
	});

	test('Ctrl+C during work asks first; the second aborts with exit code 130', async () => {
		let release!: (value: {complete: boolean; states: WatchState[]}) => void;
		const {services} = fakeServices(degradedDiagnosis(), {
			watch: async () => new Promise(resolve => (release = resolve)),
		});
		let exit: number | undefined;
		const app = await renderInk(<App services={services} onExit={code => (exit = code)} />);
		await settle();
		await app.press(keys.enter, keys.enter, keys.enter, 'n', '3', keys.enter);
		await settle();
		assert.match(app.frame(), /Ctrl\+C twice to abort/);
		await app.press(keys.escape);
		assert.match(app.frame(), /work is running/);
		await app.press(keys.ctrlC);
		assert.equal(exit, undefined);
		assert.match(app.frame(), /Press Ctrl\+C again to abort/);
		await app.press(keys.ctrlC);
		assert.equal(exit, 130);
		release({complete: false, states: []});
		await unmount(app);
	});

	test('the stream list filters with / and opens a stream', async () => {
		const {services} = fakeServices(degradedDiagnosis(5));
		const app = await renderInk(<App services={services} onExit={() => {}} />);
		await settle();
		assert.match(app.frame(), /Restore from a backup \(1 stream needs one\)\n.*Back up streams\n.*Inspect a stream/);
		await app.press(keys.down, keys.down, keys.down, keys.enter);
		assert.match(app.frame(), /Streams \(7 of 7\)/);
		assert.ok(app.frame().indexOf('PINNED') < app.frame().indexOf('HEALTHY1'), 'urgent streams first');
		await app.press('/', 'H', 'E', 'A', 'L', 'T', 'H', 'Y', '3', keys.enter);
		assert.match(app.frame(), /Streams \(1 of 7\) matching "HEALTHY3"/);
		await app.press(keys.enter);
		assert.match(app.frame(), /Stream HEALTHY3 — R1/);
		assert.match(app.frame(), /Verdict: Healthy/);
		await unmount(app);
	});

	test('while the diagnosis waits for a meta election, the overview says so and for how long', async () => {
		let elect!: () => void;
		const electionGate = new Promise<void>(resolve => (elect = resolve));
		const {services} = fakeServices(degradedDiagnosis(), {electionGate});
		const app = await renderInk(<App services={services} onExit={() => {}} />);
		await settle();
		assert.match(app.frame(), /no meta leader: waiting for the election \(3 of 15 s\)/);
		elect();
		await settle();
		assert.doesNotMatch(app.frame(), /waiting for the election/);
		assert.match(app.frame(), /Meta group: .*DEGRADED/);
		await unmount(app);
	});

	test('? toggles the help for the screen', async () => {
		const {services} = fakeServices(degradedDiagnosis());
		const app = await renderInk(<App services={services} onExit={() => {}} />);
		await settle();
		await app.press('?');
		assert.match(app.frame(), /Keys/);
		assert.match(app.frame(), /back one step \(never aborts running work\)/);
		await app.press('?');
		assert.doesNotMatch(app.frame(), /^Keys/m);
		await unmount(app);
	});
});

describe('backup and restore in the wizard', () => {
	test('backup: select with space/a/n, a directory that is not writable is refused, then bars and a verified result', async () => {
		const {services, calls} = fakeServices(degradedDiagnosis(1));
		const app = await renderInk(<App services={services} onExit={() => {}} />);
		await settle();
		await app.press(keys.down, keys.down, keys.enter);
		assert.match(app.frame(), /choose streams \(0 selected/);
		await app.press('a');
		assert.match(app.frame(), /3 selected/);
		await app.press('n');
		assert.match(app.frame(), /0 selected/);
		await app.press(keys.enter);
		assert.match(app.frame(), /select at least one stream/);
		await app.press(keys.down, ' ');
		assert.match(app.frame(), /\[x\] PINNED/);
		await app.press(keys.enter);
		assert.match(app.frame(), /into which directory\?/);
		for (let i = 0; i < 30; i++) await app.press(keys.backspace);
		await app.press(...'/readonly'.split(''), keys.enter);
		await settle();
		assert.match(app.frame(), /\/readonly is not writable/);
		for (let i = 0; i < 9; i++) await app.press(keys.backspace);
		await app.press(...'/srv/b'.split(''), keys.enter);
		await settle();
		await settle();
		assert.deepEqual(calls.backups, ['/srv/b/PINNED']);
		assert.match(app.frame(), /PINNED: 1000 B in \/srv\/b\/PINNED, verified/);
		await unmount(app);
	});

	test('the backup selection of 10,000 streams scrolls in a window and filters with /', async () => {
		const {services} = fakeServices(degradedDiagnosis(10_000));
		const app = await renderInk(<App services={services} onExit={() => {}} />);
		await settle();
		await app.press(keys.down, keys.down, keys.enter);
		assert.match(app.frame(), /10002 of 10002 shown/);
		assert.match(app.frame(), /↓ \d+ more below/);
		assert.ok(app.frame().split('\n').length <= 24, 'the selection fits 24 rows');
		await app.press('/', ...'HEALTHY9999'.split(''), keys.enter, ' ');
		assert.match(app.frame(), /1 selected/);
		assert.match(app.frame(), /❯ \[x\] HEALTHY9999/);
		await app.press(keys.escape);
		assert.match(app.frame(), /1 selected/);
		assert.match(app.frame(), /❯ \[x\] HEALTHY9999/, 'the pointer stays on the stream it was on');
		await unmount(app);
	});

	test('restore of a stream whose dead node is still a meta member: peer-remove comes first', async () => {
		const {services} = fakeServices(degradedDiagnosis(1));
		const app = await renderInk(<App services={services} onExit={() => {}} />);
		await settle();
		await app.press(keys.down, keys.enter, keys.enter);
		await settle();
		await app.press(keys.enter);
		await settle();
		assert.match(app.frame(), /Peer-remove n3 first/);
		assert.doesNotMatch(app.frame(), /Delete the broken stream/);
		await app.press(keys.enter);
		assert.match(app.frame(), /Recovery plan for n3/);
		await unmount(app);
	});

	test('the restore checks name the check that runs and what it waits for', async () => {
		let open!: () => void;
		const planGate = new Promise<void>(resolve => (open = resolve));
		const {services} = fakeServices(afterPeerRemoveDiagnosis(), {planGate});
		const app = await renderInk(<App services={services} onExit={() => {}} />);
		await settle();
		await app.press(keys.enter, keys.enter);
		await settle();
		await app.press(keys.enter);
		await frameMatching(app, /asking the target for its servers \(up to 3s\)… \(\d+s\)/);
		open();
		await frameMatching(app, /REFUSE Stream "PINNED" already exist/);
		assert.doesNotMatch(app.frame(), /asking the target/);
		await unmount(app);
	});

	test('restore: pick a backup, read the refusal, delete the stream in the way, change replicas, type the name, see the restored stream', async () => {
		const {services, calls} = fakeServices(afterPeerRemoveDiagnosis());
		const app = await renderInk(<App services={services} onExit={() => {}} />);
		await settle();
		assert.match(app.frame(), /❯ Restore from a backup \(1 stream needs one\)/);
		await app.press(keys.enter);
		assert.match(app.frame(), /which directory holds the backups\?/);
		await app.press(keys.enter);
		await settle();
		assert.match(app.frame(), /Backups in \/tmp\/nats-dr-backups \(2\)/);
		assert.match(app.frame(), /PINNED .* 100 msgs .*verified/);
		await app.press(keys.enter);
		await settle();
		assert.match(app.frame(), /REFUSE Stream "PINNED" already exist/);
		assert.match(app.frame(), /Delete the broken stream PINNED first/);
		assert.doesNotMatch(app.frame(), /Restore PINNED \(you will type/);
		await app.press(keys.enter);
		assert.match(app.frame(), /WARNING: deleting stream PINNED/);
		assert.match(app.frame(), /only replicas are on dead servers/);
		await app.press(...'PINNED'.split(''), keys.enter);
		await settle();
		await settle();
		assert.deepEqual(calls.deleted, ['PINNED']);
		assert.match(app.frame(), /no stream "PINNED" exists yet/);
		await app.press(keys.down, keys.enter, '2', keys.enter);
		await settle();
		assert.deepEqual(calls.planned.at(-1), {replicas: 2});
		assert.match(app.frame(), /Replicas: 2/);
		assert.match(app.frame(), /❯ Restore PINNED \(you will type its name\)/);
		await app.press(keys.enter);
		assert.match(app.frame(), /Type the stream name PINNED/);
		await app.press(...'PINNED'.split(''), keys.enter);
		await settle();
		await settle();
		assert.deepEqual(calls.restored, ['PINNED']);
		assert.match(app.frame(), /Restored stream PINNED in 2s/);
		assert.match(app.frame(), /100 messages, sequences 1–100/);
		assert.deepEqual(
			calls.audits.map(record => record.action),
			['stream-delete', 'restore'],
		);
		await unmount(app);
	});
});

describe('layout and colour', () => {
	const overview = (theme = themeFor({}, {})) => (
		<ThemeContext.Provider value={theme}>
			<OverviewScreen
				connection={{
					servers: 'nats://127.0.0.1:4222',
					auth: 'user "app" with a password',
					context: undefined,
					system: {kind: 'separate'},
				}}
				diagnosis={{kind: 'ready', result: degradedDiagnosis()}}
				items={menuItems({...initialState, diagnosis: {kind: 'ready', result: degradedDiagnosis()}})}
				cursor={0}
				height={30}
				width={80}
			/>
		</ThemeContext.Provider>
	);

	test('a long server list is cut to fit, keeping the servers that do not answer in view', () => {
		const result = degradedDiagnosis();
		const servers = result.diagnosis.servers.ok ? result.diagnosis.servers.value : undefined;
		servers!.servers = [
			...servers!.servers,
			...Array.from({length: 16}, (_, i) => ({...servers!.servers[0]!, name: `x${i + 10}`, metaLeader: false})),
		];
		const output = stripAnsi(
			renderToString(
				<OverviewScreen
					connection={{servers: 'nats://a', auth: 'token', context: undefined, system: {kind: 'same'}}}
					diagnosis={{kind: 'ready', result}}
					items={[]}
					cursor={0}
					height={16}
					width={80}
				/>,
				{columns: 80},
			),
		);
		assert.match(output, /Servers \(3 of 4 answering/);
		assert.match(output, /n3!.*NOT ANSWERING/);
		assert.match(output, /… \d+ more, all online/);
		assert.ok(output.split('\n').length <= 16, `fits 16 rows:\n${output}`);
	});

	test('a demo restart states what it recovered only once it is done, not from a diagnosis on the way', () => {
		const quorum = (waiting: string | undefined, restarted: string[]) =>
			stripAnsi(
				renderToString(
					<QuorumScreen
						assessment={degradedDiagnosis().assessment}
						missing={['n3']}
						restarted={restarted}
						waiting={waiting}
						problem={undefined}
						items={[]}
						ui={initialState.screen.ui}
					/>,
					{columns: 80},
				),
			);
		const settling = quorum('n2 is running; waiting for the meta group to elect a leader (0s)…', []);
		assert.doesNotMatch(settling, /Recovered|Left to do/);
		assert.match(settling, /waiting for the meta group/);
		const done = quorum(undefined, ['n2']);
		assert.match(done, /Recovered: n2 back with its data/);
		assert.match(done, /Left to do: bring n3 back too/);
	});

	test('at 40 columns every line fits', () => {
		const output = stripAnsi(renderToString(overview(), {columns: 40}));
		for (const line of output.split('\n')) assert.ok(line.length <= 40, `too wide: "${line}"`);
		assert.match(output, /NOT ANSWERING/);
	});

	test('with NO_COLOR there are no colour codes, and states still read in words', () => {
		const theme = themeFor({NO_COLOR: '1'}, {});
		const output = renderToString(overview(theme), {columns: 80});
		assert.doesNotMatch(output, /\u001B\[3\dm/);
		assert.match(output, /NOT ANSWERING/);
		assert.match(output, /DEGRADED/);
	});

	test('ASCII mode uses no Unicode glyphs', () => {
		const theme = themeFor({LANG: 'C'}, {});
		assert.equal(theme.ascii, true);
		const output = stripAnsi(renderToString(overview(theme), {columns: 80}));
		assert.doesNotMatch(output, /[✔✖⚠❯]/);
		assert.match(output, /> Automatic recovery/);
	});
});

describe('findings on small and large terminals', () => {
	const sentence = (words: number, seed: string) =>
		Array.from({length: words}, (_, index) => `${seed}${index % 7 === 0 ? 'placement' : 'word'}${index}`).join(' ');
	// Mixed levels, refusals last: the screen must put them first.
	const findings: PreflightFinding[] = [
		...Array.from({length: 18}, (_, index): PreflightFinding => ({
			check: 'storage',
			level: 'ok',
			message: `check ${index} passed: ${sentence(index % 4, 'fine')}`,
		})),
		...Array.from({length: 9}, (_, index): PreflightFinding => ({
			check: 'placement',
			level: 'warning',
			message: `warning ${index}: ${sentence(6 + index, 'odd')}`,
		})),
		...Array.from({length: 3}, (_, index): PreflightFinding => ({
			check: 'replicas',
			level: 'refusal',
			message: `refusal ${index}: ${sentence(12, 'bad')}`,
			hint: 'pass --replicas 1, or replace the placement with --tag TAG or --cluster NAME, or drop it with --no-placement',
		})),
	];
	const prefix = 11;
	/** The frame as one line: a heading may wrap anywhere between its words. */
	const flat = (frame: string) => frame.replaceAll(/\s+/g, ' ');

	const assertFits = (frame: string, columns: number, rows: number) => {
		const lines = frame.split('\n');
		assert.ok(lines.length <= rows, `${lines.length} lines fit ${rows} rows:\n${frame}`);
		for (const line of lines) assert.ok(line.length <= columns, `"${line}" fits ${columns} columns`);
	};

	for (const [columns, rows] of [
		[60, 20],
		[80, 24],
		[120, 40],
	] as const) {
		test(`at ${columns}×${rows} the most severe come first, scroll with markers, filter with /, keep their indent`, async () => {
			const {services} = fakeServices(afterPeerRemoveDiagnosis(), {findings});
			const app = await renderInk(<App services={services} onExit={() => {}} />);
			await resize(app, columns, rows);
			await settle();
			await app.press(keys.enter, keys.enter);
			await settle();
			await app.press(keys.enter);
			await settle();
			const plan = app.frame();
			assertFits(plan, columns, rows);
			assert.match(plan.split('\n').find(line => /(REFUSE|warn|ok) /.test(line)) ?? '', /REFUSE refusal 0/);
			assert.doesNotMatch(plan, /--replicas|--tag|--no-placement/);
			// What does not fit is counted: problems point at the item that lists them all.
			assert.match(plan, /more findings?: "Read the findings one by one" below|more checks? passed/);

			await app.press('G');
			assert.match(app.frame(), /❯ Read the 30 findings one by one \(12 to act on\)/);
			await app.press(keys.enter);
			const top = app.frame();
			assertFits(top, columns, rows);
			assert.match(flat(top), /Pre-flight for PINNED from .* \(30; Enter goes back\)/);
			assert.match(top, /❯ ✖ REFUSE refusal 0/);
			assert.match(top, /↓ \d+ more below/);
			assert.doesNotMatch(top, /more above/);

			await app.press('G');
			const bottom = app.frame();
			assertFits(bottom, columns, rows);
			assert.match(bottom, /↑ \d+ more above/);
			assert.doesNotMatch(bottom, /more below/);
			assert.match(bottom, /❯ ✔ ok +check 17 passed/);

			await app.press('/', ...'refuse'.split(''), keys.enter);
			const refusals = app.frame();
			assertFits(refusals, columns, rows);
			assert.match(flat(refusals), /\(3 of 30; Enter goes back\)/);
			assert.doesNotMatch(refusals, /warn |ok /);
			const lines = refusals.split('\n');
			const shown = lines
				.slice(
					lines.findIndex(line => line.includes('REFUSE')),
					lines.findIndex(line => line.startsWith('↑↓ move')),
				)
				.filter(line => !/^ {2}[↑↓] /.test(line));
			// Wrapped lines of a finding and of its hint stay under its text, past the pointer and the badge
			// (Ink carries the space after a word that fills a line exactly to the next line's start).
			for (const line of shown) assert.match(line, /^(. ✖ REFUSE \S| {11} ?\S)/, line);
			const text = flat(shown.map(line => line.slice(prefix)).join(' '));
			for (const finding of findings.filter(finding => finding.level === 'refusal').slice(0, 1))
				assert.ok(text.includes(finding.message), `"${finding.message}" is whole, no word cut, in:\n${refusals}`);
			assert.ok(text.includes('try: set Replicas to 1, or replace the placement with Tags TAG or Cluster NAME'));

			await app.press(keys.escape, keys.enter);
			assert.match(app.frame(), /Pre-flight for PINNED/);
			assert.match(app.frame(), /Read the 30 findings/);
			await unmount(app);
		});
	}

	test('the overview lists every next step on a screen of their own, even where it has no room for them', async () => {
		const {services} = fakeServices(degradedDiagnosis());
		const app = await renderInk(<App services={services} onExit={() => {}} />);
		await resize(app, 60, 20);
		await settle();
		assert.doesNotMatch(app.frame(), /Next steps\n/);
		const item = /Next steps \((\d+)\)/.exec(app.frame());
		assert.ok(item, app.frame());
		// From the end of the menu up to the item, wherever the items after it put it.
		await app.press('G');
		for (let presses = 0; presses < 10 && !/❯ Next steps/.test(app.frame()); presses++) await app.press(keys.up);
		assert.match(app.frame(), /❯ Next steps/);
		await app.press(keys.enter);
		assertFits(app.frame(), 60, 20);
		assert.match(app.frame(), new RegExp(`Next steps \\(${item[1]}; Enter goes back\\)`));
		assert.match(app.frame(), /❯ - next +\S/);
		await unmount(app);
	});
});

describe("the demo's briefing", () => {
	const banner = [
		'Demo quorum-loss: n3 and n4 are down',
		'n3 and n4 were killed with SIGKILL. Both held ORDERS replicas: ORDERS has 1 of 3 left and its RAFT group needs 2.',
		'With 4 servers, 2 dead leave the meta group at 2 of 4 while it needs 3: there is no meta quorum either, so nothing can be peer-removed.',
		'n3 also held PINNED (R1).',
	];

	test('on a small terminal it is one line, and b shows all of it in place of the screen', async () => {
		const {services} = fakeServices(degradedDiagnosis());
		const app = await renderInk(<App services={services} onExit={() => {}} banner={banner} />);
		await resize(app, 60, 20);
		await settle();
		const overview = app.frame();
		assert.match(overview.split('\n')[0]!, /^Demo quorum-loss: n3 and n4 are down · b: what was broken$/);
		assert.doesNotMatch(overview, /SIGKILL/);
		assert.match(overview.split('\n').at(-1)!, /q quit$/, 'the hint bar stays one line');
		assert.ok(overview.split('\n').length <= 20, overview);
		await app.press('b');
		const briefing = app.frame();
		assert.ok(briefing.split('\n').length <= 20, briefing);
		for (const line of banner) assert.ok(briefing.replaceAll(/\s+/g, ' ').includes(line), `"${line}" in:\n${briefing}`);
		assert.match(briefing, /b close briefing/);
		await app.press(keys.escape);
		assert.match(app.frame(), /b: what was broken/);
		assert.match(app.frame(), /Automatic recovery/);
		await unmount(app);
	});

	test('on a tall terminal the overview shows it whole, and other screens leave it out', async () => {
		const {services} = fakeServices(degradedDiagnosis());
		const app = await renderInk(<App services={services} onExit={() => {}} banner={banner} />);
		await resize(app, 120, 40);
		await settle();
		assert.match(app.frame(), /SIGKILL/);
		assert.doesNotMatch(app.frame(), /b: what was broken/);
		await app.press(keys.enter);
		assert.doesNotMatch(app.frame(), /SIGKILL|quorum-loss/);
		await unmount(app);
	});
});
