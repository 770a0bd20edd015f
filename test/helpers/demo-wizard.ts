/**
 * The demo's wizard in a real terminal, for the e2e tests that walk a scenario: the terminal sizes
 * every scenario is proven at, starting the demo, and quitting it through the wizard's q, which stops
 * the demo's servers and removes its directory. A test that fails half-way still quits the wizard
 * (register `stopDemoAfterEach()` once per file), so no demo server outlives its test.
 */
import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import {afterEach} from 'node:test';
import {TmuxSession} from './tmux.js';

export const demoSizes = [
	{columns: 80, rows: 24},
	{columns: 60, rows: 20},
];

let current: TmuxSession | undefined;
let finished = false;

export function stopDemoAfterEach(): void {
	afterEach(async () => {
		if (current && !finished) {
			await current.keys('Escape', 'Escape', 'Escape', 'q').catch(() => {});
			await current.waitFor(/EXIT=/, {visibleOnly: false, timeoutMs: 30_000}).catch(() => {});
		}

		await current?.stop();
		current = undefined;
		finished = false;
	});
}

/** Starts `nats-dr demo ARGS…` and waits until the wizard shows `ready`; the briefing names the demo's directory. */
export async function startDemo(
	args: string[],
	size: {columns: number; rows: number},
	ready: RegExp,
): Promise<{session: TmuxSession; overview: string; demoDir: string | undefined}> {
	const session = await TmuxSession.start(['demo', ...args], size);
	current = session;
	const overview = await session.waitFor(ready, {timeoutMs: 120_000});
	const demoDir = /(\/\S*nats-dr-demo-[A-Za-z\d]+)/.exec(await session.screen())?.[1];
	return {session, overview, demoDir};
}

/** Quits the wizard with q and returns the exit summary, once the demo has removed its directory. */
export async function quitDemo(session: TmuxSession, demoDir: string | undefined): Promise<string> {
	await session.waitFor(/q quit/);
	await session.keys('q');
	const end = await session.waitFor(/EXIT=0/, {visibleOnly: false, timeoutMs: 60_000});
	assert.match(end, /Stopped the demo's servers and removed/);
	if (demoDir) assert.equal(existsSync(demoDir), false, `${demoDir} is gone`);
	finished = true;
	return end;
}
