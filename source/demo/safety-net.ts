/**
 * The last line of defence against a demo leaving servers and files behind: whatever is still
 * registered here when Node exits is killed and removed. Only PIDs the demo spawned and the temp
 * directory it created are ever registered.
 */
import {rmSync} from 'node:fs';

const pids = new Set<number>();
const dirs = new Set<string>();

function cleanUpAtExit(): void {
	for (const pid of pids) {
		try {
			process.kill(pid, 'SIGKILL');
		} catch {}
	}

	for (const dir of dirs) rmSync(dir, {recursive: true, force: true});
}

/**
 * The CLI turns the first SIGINT/SIGTERM/SIGHUP into an abort and then leaves the default handler, which
 * would end Node at a second Ctrl-C, halfway through stopping the servers. While anything is
 * registered, later signals are absorbed so the orderly stop can finish.
 */
function absorb(): void {}

function update(): void {
	const active = pids.size > 0 || dirs.size > 0;
	const installed = process.listeners('exit').includes(cleanUpAtExit);
	if (active && !installed) {
		process.on('exit', cleanUpAtExit);
		process.on('SIGINT', absorb);
		process.on('SIGTERM', absorb);
		process.on('SIGHUP', absorb);
	} else if (!active && installed) {
		process.off('exit', cleanUpAtExit);
		process.off('SIGINT', absorb);
		process.off('SIGTERM', absorb);
		process.off('SIGHUP', absorb);
	}
}

export const safetyNet = {
	addPid(pid: number): void {
		pids.add(pid);
		update();
	},
	removePid(pid: number): void {
		pids.delete(pid);
		update();
	},
	addDir(dir: string): void {
		dirs.add(dir);
		update();
	},
	removeDir(dir: string): void {
		dirs.delete(dir);
		update();
	},
};
