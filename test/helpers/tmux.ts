/**
 * The app in a real terminal: tmux runs it (with CI unset, so Ink draws live), send-keys types,
 * capture-pane reads the screen. Waits poll the screen; nothing sleeps a fixed time.
 */
import {execFile} from 'node:child_process';
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {fileURLToPath} from 'node:url';
import {binPath} from './cli.js';

const run = promisify(execFile);
const screensDir = fileURLToPath(new URL('../../docs/screens/', import.meta.url));

export class TmuxSession {
	readonly socket = `nats-dr-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
	stateHome: string | undefined;

	/** `cwd` is where the app runs, e.g. so that its default backup directory lands in a test's scratch space. */
	static async start(
		args: string[],
		{
			columns = 100,
			rows = 32,
			env = {},
			cwd = process.cwd(),
		}: {columns?: number; rows?: number; env?: Record<string, string>; cwd?: string} = {},
	): Promise<TmuxSession> {
		const session = new TmuxSession();
		const quoted = [process.execPath, binPath, ...args].map(arg => `'${arg.replaceAll("'", "'\\''")}'`).join(' ');
		// The inventory and the audit log of test runs go to a directory of their own, never the developer's.
		session.stateHome = await mkdtemp(path.join(tmpdir(), 'nats-dr-e2e-state-'));
		const exports = Object.entries({NO_COLOR: '1', LANG: 'C.UTF-8', XDG_STATE_HOME: session.stateHome, ...env})
			.map(([key, value]) => `${key}='${value}'`)
			.join(' ');
		// The pane stays open after exit so the summary and the exit code can be read.
		const command = `env -u CI ${exports} ${quoted}; echo "EXIT=$?"; sleep 600`;
		await run('tmux', [
			'-L',
			session.socket,
			'new-session',
			'-d',
			'-s',
			'w',
			'-c',
			cwd,
			'-x',
			String(columns),
			'-y',
			String(rows),
			command,
		]);
		return session;
	}

	async screen(): Promise<string> {
		const {stdout} = await run('tmux', ['-L', this.socket, 'capture-pane', '-p', '-J', '-t', 'w', '-S', '-200']);
		return stdout;
	}

	async visible(): Promise<string> {
		const {stdout} = await run('tmux', ['-L', this.socket, 'capture-pane', '-p', '-t', 'w']);
		return stdout;
	}

	async keys(...keys: string[]): Promise<void> {
		for (const key of keys) await run('tmux', ['-L', this.socket, 'send-keys', '-t', 'w', key]);
	}

	/** Sends all keys in one write to the terminal, as a fast typist or a paste does: they arrive in one read. */
	async burst(...keys: string[]): Promise<void> {
		await run('tmux', ['-L', this.socket, 'send-keys', '-t', 'w', ...keys]);
	}

	/** Presses a key and waits until the screen shows its effect, so the next key cannot race it. */
	async keyAndWait(key: string, timeoutMs = 5000): Promise<string> {
		const before = await this.visible();
		await this.keys(key);
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const now = await this.visible();
			if (now !== before || Date.now() > deadline) return now;
			await new Promise(resolve => setTimeout(resolve, 50));
		}
	}

	/** Moves the menu pointer to the item matching `label`, one key at a time as a person would, and picks it. */
	async choose(label: RegExp): Promise<void> {
		const pointer = /^\s*[❯>] /;
		for (let step = 0; step < 24; step++) {
			const lines = (await this.visible()).split('\n');
			const at = lines.findIndex(line => pointer.test(line));
			if (at !== -1 && new RegExp(`[❯>] ${label.source}`).test(lines[at]!)) return this.keys('Enter');
			// Screens keep their pointer when the operator comes back: the item may be above it.
			const target = lines.findIndex(line => new RegExp(`^\\s*${label.source}`).test(line));
			const key = target !== -1 && at !== -1 && target < at ? 'Up' : 'Down';
			// Wait for the pointer itself to move: a spinner also changes the screen, and a key sent
			// before the last one is drawn would skip an item.
			const before = lines[at];
			await this.keys(key);
			const deadline = Date.now() + 5000;
			while (Date.now() < deadline) {
				const now = (await this.visible()).split('\n').find(line => pointer.test(line));
				if (now !== before) break;
				await new Promise(resolve => setTimeout(resolve, 50));
			}
		}

		throw new Error(`no menu item ${label} on the screen:\n${await this.visible()}`);
	}

	async type(text: string): Promise<void> {
		await run('tmux', ['-L', this.socket, 'send-keys', '-t', 'w', '-l', text]);
	}

	async waitFor(pattern: RegExp, {timeoutMs = 30_000, visibleOnly = true} = {}): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		let last = '';
		while (Date.now() < deadline) {
			last = visibleOnly ? await this.visible() : await this.screen();
			if (pattern.test(last)) return last;
			await new Promise(resolve => setTimeout(resolve, 100));
		}

		throw new Error(`screen never matched ${pattern}; last screen:\n${last}`);
	}

	/** With UPDATE_SCREENS=1, saves the visible screen as docs/screens/NAME.txt for readers of the docs. */
	async save(name: string): Promise<void> {
		if (!process.env['UPDATE_SCREENS']) return;
		await mkdir(screensDir, {recursive: true});
		const text = (await this.visible()).replace(/\s+$/, '\n');
		await writeFile(path.join(screensDir, `${name}.txt`), text);
	}

	async stop(): Promise<void> {
		const socketPath = await run('tmux', ['-L', this.socket, 'display-message', '-p', '#{socket_path}']).then(
			({stdout}) => stdout.trim(),
			() => undefined,
		);
		await run('tmux', ['-L', this.socket, 'kill-server']).catch(() => {});
		if (this.stateHome) await rm(this.stateHome, {recursive: true, force: true});
		// tmux leaves its socket file behind when the server is killed.
		if (socketPath) await rm(socketPath, {force: true});
	}
}
