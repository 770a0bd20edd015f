/**
 * A child process's peak resident memory, from /proc/<pid>/status VmHWM (the kernel's high-water
 * mark, so a short spike between two samples still counts). Linux only.
 */
import {spawn} from 'node:child_process';
import {readFile} from 'node:fs/promises';

export type ChildRun = {code: number | null; stdout: string; stderr: string; peakRssBytes: number; wallMs: number};

export async function runMeasured(command: string, args: string[], env?: Record<string, string>): Promise<ChildRun> {
	const started = performance.now();
	const child = spawn(command, args, {
		stdio: ['ignore', 'pipe', 'pipe'],
		...(env ? {env: {...process.env, ...env}} : {}),
	});
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
	child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
	let peak = 0;
	let exited = false;
	let wallMs = 0;
	const exit = new Promise<number | null>(resolve =>
		child.once('exit', code => {
			exited = true;
			wallMs = performance.now() - started;
			resolve(code);
		}),
	);
	// 'exit' can come before the last output: the pipes close after it.
	const closed = new Promise(resolve => child.once('close', resolve));
	while (!exited) {
		peak = Math.max(peak, await highWaterMark(child.pid!));
		await Promise.race([exit, new Promise(resolve => setTimeout(resolve, 20))]);
	}

	const code = await exit;
	await closed;
	return {code, stdout, stderr, peakRssBytes: peak, wallMs};
}

async function highWaterMark(pid: number): Promise<number> {
	try {
		const kib = /^VmHWM:\s+(\d+) kB$/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1];
		return kib === undefined ? 0 : Number(kib) * 1024;
	} catch {
		return 0;
	}
}

/** Fills a file stream with the peer's `seed` (incompressible payloads, async publishes): fast, and the same in every bench. */
export async function seedWithPeer(
	peer: string,
	{
		url,
		auth,
		stream,
		replicas,
		sizeMib,
		messageSize,
	}: {url: string; auth: string[]; stream: string; replicas: number; sizeMib: number; messageSize: string},
): Promise<void> {
	const seed = await runMeasured(peer, [
		'seed',
		'-s',
		url,
		...auth,
		stream,
		'--subjects',
		`${stream}.>`,
		'--replicas',
		String(replicas),
		'--bytes',
		`${sizeMib}MiB`,
		'--msg-size',
		messageSize,
	]);
	if (seed.code !== 0) throw new Error(`gojsbackup seed failed: ${seed.stderr}`);
}
