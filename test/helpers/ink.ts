/** ink-testing-library with React act(): every render, key and unmount flushed, no sleeps. */
import {act, type ReactElement} from 'react';
import {render} from 'ink-testing-library';

(globalThis as {IS_REACT_ACT_ENVIRONMENT?: boolean}).IS_REACT_ACT_ENVIRONMENT = true;

export const keys = {
	up: '\u001B[A',
	down: '\u001B[B',
	enter: '\r',
	escape: '\u001B',
	ctrlC: '\u0003',
	backspace: '\u007F',
};

export type Rendered = ReturnType<typeof render> & {press(...inputs: string[]): Promise<void>; frame(): string};

export function stripAnsi(text: string): string {
	return text.replaceAll(/\u001B\[[0-9;]*[A-Za-z]/g, '');
}

export async function renderInk(tree: ReactElement): Promise<Rendered> {
	let rendered!: ReturnType<typeof render>;
	await act(async () => {
		rendered = render(tree);
	});
	return Object.assign(rendered, {
		async press(...inputs: string[]) {
			for (const input of inputs) {
				await act(async () => {
					rendered.stdin.write(input);
				});
			}
		},
		frame: () => stripAnsi(rendered.lastFrame() ?? ''),
	});
}

/** Flushes promise callbacks (fake services resolve in microtasks) inside act. */
export async function settle(): Promise<void> {
	await act(async () => {
		await new Promise(resolve => setImmediate(resolve));
	});
}

/** Gives the rendered app a terminal of this size, as a resize of a real one would. */
export async function resize(rendered: Rendered, columns: number, rows: number): Promise<void> {
	Object.defineProperty(rendered.stdout, 'columns', {value: columns, configurable: true});
	Object.defineProperty(rendered.stdout, 'rows', {value: rows, configurable: true});
	await act(async () => {
		rendered.stdout.emit('resize');
	});
}

/** Waits for a frame that matches: progress stores reach the screen on a throttle timer, not at once. */
export async function frameMatching(rendered: Rendered, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const frame = rendered.frame();
		if (pattern.test(frame)) return frame;
		if (Date.now() > deadline) throw new Error(`no frame matched ${String(pattern)}; the last was:\n${frame}`);
		await act(async () => {
			await new Promise(resolve => setTimeout(resolve, 50));
		});
	}
}

export async function unmount(rendered: Rendered): Promise<void> {
	await act(async () => {
		rendered.unmount();
	});
}
