/**
 * The training sandbox end to end in a real terminal: `nats-dr demo --scenario r1-loss` opens the
 * wizard on a cluster whose R1 stream lost its node and disk; the operator peer-removes the node,
 * deletes the broken stream, drops its placement and restores it from the demo's backup. Then the
 * demo exits and leaves nothing running.
 */
import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import {after, test} from 'node:test';
import {TmuxSession} from '../helpers/tmux.js';

let tmux: TmuxSession | undefined;
let finished = false;

after(async () => {
	if (tmux && !finished) {
		// Quit the wizard if a step failed, so the demo stops its own servers.
		await tmux.keys('Escape', 'Escape', 'q').catch(() => {});
		await tmux.waitFor(/EXIT=/, {visibleOnly: false, timeoutMs: 30_000}).catch(() => {});
	}

	await tmux?.stop();
});

test('r1-loss: peer-remove, delete the broken stream, restore it from the backup, all from the wizard', async () => {
	tmux = await TmuxSession.start(['demo', '--scenario', 'r1-loss'], {rows: 40});
	const start = await tmux.waitFor(/Restore from a backup \(1 stream needs one\)/, {timeoutMs: 120_000, visibleOnly: false});
	const victim = /Demo r1-loss: (n\d) and its disk are gone/.exec(start)?.[1];
	const demoDir = /removes (\/\S+?)\.?\s*$/m.exec(start)?.[1];
	assert.ok(victim, 'the banner names the lost node');

	await tmux.choose(/Restore from a backup \(1 stream needs one\)/);
	await tmux.waitFor(/which directory holds the backups\?/);
	await tmux.keys('Enter');
	await tmux.waitFor(new RegExp(`Peer-remove ${victim} first`), {timeoutMs: 30_000});
	await tmux.choose(new RegExp(`Peer-remove ${victim} first`));
	await tmux.waitFor(new RegExp(`Recovery plan for ${victim}`));
	await tmux.choose(new RegExp(`Peer-remove ${victim} \\(you will type its name\\)`));
	await tmux.waitFor(/Type the server name/);
	await tmux.type(victim);
	await tmux.keys('Enter');
	const recovered = await tmux.waitFor(/Left to do:/, {timeoutMs: 90_000});
	assert.match(recovered, new RegExp(`removed ${victim}`));
	// The peer-remove was a detour asked for by the restore: it goes back there, not to the overview.
	await tmux.choose(/Back to the restore of INVOICES/);
	const plan = await tmux.waitFor(/Delete the broken stream INVOICES first/, {timeoutMs: 30_000});
	assert.match(plan, new RegExp(`REFUSE placement tag "node:${victim}"`));
	await tmux.choose(/Delete the broken stream INVOICES first/);
	await tmux.waitFor(/WARNING: deleting stream INVOICES/);
	await tmux.type('INVOICES');
	await tmux.keys('Enter');
	await tmux.waitFor(/no stream "INVOICES" exists yet/, {timeoutMs: 30_000});
	await tmux.choose(/Drop the placement/);
	await tmux.waitFor(/Restore INVOICES \(you will type its name\)/, {timeoutMs: 30_000});
	await tmux.choose(/Restore INVOICES \(you will type its name\)/);
	await tmux.waitFor(/Type the stream name INVOICES/);
	await tmux.type('INVOICES');
	await tmux.keys('Enter');
	const restored = await tmux.waitFor(/Restored stream INVOICES/, {timeoutMs: 60_000});
	assert.match(restored, /500 messages, sequences 1–500/);
	await tmux.keys('Enter');
	await tmux.waitFor(/Back up streams/, {timeoutMs: 30_000});
	await tmux.keys('q');

	const end = await tmux.waitFor(/EXIT=0/, {visibleOnly: false, timeoutMs: 60_000});
	assert.match(end, new RegExp(`peer-remove ${victim}: OK`));
	assert.match(end, /stream-delete INVOICES: OK/);
	assert.match(end, /restore INVOICES: OK/);
	assert.match(end, /Stopped the demo's servers and removed/);
	finished = true;
	if (demoDir) assert.equal(existsSync(demoDir), false, `${demoDir} is gone`);
});
