/**
 * Input fidelity in a real terminal: every kind of input (menu, multi-select, filter, text field)
 * gets the same keys once in one burst and once with pauses between them, and the screen must show
 * exactly what those keys mean. The pauses are the input under test (keys seconds apart), not waits.
 */
import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, before, test} from 'node:test';
import {TestCluster} from '../helpers/nats-server.js';
import {addStream, appConnection, cliConnection} from '../helpers/streams.js';
import {TmuxSession} from '../helpers/tmux.js';

let cluster: TestCluster;
let dir: string;
let tmux: TmuxSession | undefined;
const streams = [
	'ALPHA',
	'BRAVO',
	'CHARLIE',
	'DELTA',
	...Array.from({length: 26}, (_, i) => `STREAM${String(i).padStart(2, '0')}`),
];

before(async () => {
	dir = await mkdtemp(path.join(tmpdir(), 'nats-dr-e2e-'));
	cluster = await TestCluster.start();
	await cluster.waitReady();
	const nc = await appConnection(cluster);
	for (const name of streams) await addStream(nc, {name, num_replicas: 1}, name === 'BRAVO' ? 20 : 0);
	await nc.close();
});

after(async () => {
	await tmux?.stop();
	await cluster?.stopAll();
	await rm(dir, {recursive: true, force: true});
});

const pauseMs = [300, 500, 1000];

/** The keys one at a time, with pauses of 0.3 to 1 s between them. */
async function slowly(session: TmuxSession, keys: string[]): Promise<void> {
	for (const [index, key] of keys.entries()) {
		await session.keys(key);
		await new Promise(resolve => setTimeout(resolve, pauseMs[index % pauseMs.length]));
	}
}

type Send = (keys: string[]) => Promise<void>;

async function exercise(session: TmuxSession, send: Send, label: string): Promise<void> {
	// Menu: Down Down Enter from the overview opens the third item.
	await session.waitFor(/❯ Back up streams/);
	await send(['Down', 'Down', 'Enter']);
	await session.waitFor(/Streams \(30 of 30\)/);
	// Back on the overview, the pointer is where it was left.
	await send(['Escape']);
	await session.waitFor(/❯ Inspect a stream/);

	// Multi-select: two rows down, select, two more, select; then a filter narrows and selects one more.
	await send(['Home', 'Enter']);
	await session.waitFor(/choose streams \(0 selected/);
	await send(['Down', 'Space', 'Down', 'Down', 'Space', '/', 'S', 'T', 'R', 'E', 'A', 'M', '1', '7', 'Enter', 'Space']);
	const selection = await session.waitFor(/3 selected/);
	assert.match(selection, /\[x\] STREAM17/, label);
	// Clearing the filter keeps the pointer on STREAM17; Home goes back to the top of all 30.
	await send(['/', 'Escape']);
	await session.waitFor(/30 of 30 shown/);
	await send(['Home']);
	const all = await session.waitFor(/❯ \[ \] ALPHA/);
	assert.match(all, /\[x\] BRAVO/, label);
	assert.match(all, /\[ \] CHARLIE/, label);
	assert.match(all, /\[x\] DELTA/, label);

	// Text field: typing, two Backspaces, Home, End, Left, Delete, then a paste.
	await send(['Enter']);
	await session.waitFor(/into which directory\?/);
	await send([
		'C-u',
		'n',
		'3',
		'BSpace',
		'BSpace',
		'n',
		'2',
		'Home',
		'a',
		'b',
		'End',
		'Left',
		'DC',
		'Left',
		'Left',
		'BSpace',
	]);
	await session.waitFor(/❯ bn\s*$/m);
	await session.type('XY');
	await session.waitFor(/❯ XYbn\s*$/m);
	// Ctrl+U clears what is before the cursor, which is right after the paste.
	await send(['C-u']);
	await session.waitFor(/❯ bn\s*$/m);
	await send(['End', 'C-u']);
	await session.waitFor(/❯\s*$/m);
	await send(['Escape', 'n', 'Escape']);
	await session.waitFor(/❯ Back up streams/);
}

test('every key lands, in one burst or seconds apart, in menus, the multi-select, the filter and text fields', async () => {
	tmux = await TmuxSession.start([...cliConnection(cluster), '--audit-log', path.join(dir, 'audit.log')], {
		columns: 80,
		rows: 24,
	});
	await exercise(tmux, async keys => tmux!.burst(...keys), 'burst');
	await exercise(tmux, async keys => slowly(tmux!, keys), 'with pauses');

	// The path typed is the path used: the backup lands exactly there.
	await tmux.burst('Enter');
	await tmux.waitFor(/choose streams/);
	await tmux.burst('Down', 'Space', 'Enter');
	await tmux.waitFor(/into which directory\?/);
	const target = path.join(dir, 'backups-1');
	await tmux.burst('C-u');
	await tmux.type(target.slice(0, -1));
	await tmux.burst('x', 'BSpace', target.slice(-1), 'Enter');
	// The line may wrap: a long temporary directory (TMPDIR) makes the path longer than the terminal.
	await tmux.waitFor(/BRAVO: [\s\S]*?verified/, {timeoutMs: 60_000});
	assert.ok(existsSync(path.join(target, 'BRAVO', 'backup.json')), `the backup is in ${target}/BRAVO`);
	await tmux.burst('Enter');
	await tmux.waitFor(/❯ Back up streams/);
	await tmux.keys('q');
	await tmux.waitFor(/EXIT=0/, {visibleOnly: false});
});
