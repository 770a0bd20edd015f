/** Locates the nats-server binary the demo runs: `--nats-server PATH`, else the first on PATH. */
import {constants} from 'node:fs';
import {access, stat} from 'node:fs/promises';
import path from 'node:path';
import {DrError} from '../core/errors.js';

const installHint = 'install it (Debian/Ubuntu: `sudo apt-get install nats-server`; elsewhere: https://docs.nats.io/running-a-nats-service/introduction/installation), or pass --nats-server PATH';

async function isExecutableFile(file: string): Promise<boolean> {
	try {
		if (!(await stat(file)).isFile()) return false;
		await access(file, constants.X_OK);
		return true;
	} catch {
		return false;
	}
}

export async function findNatsServer(explicit: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
	if (explicit !== undefined) {
		if (await isExecutableFile(explicit)) return path.resolve(explicit);
		throw new DrError(`--nats-server ${explicit} is not an executable file`, {hint: installHint});
	}

	for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
		if (dir === '') continue;
		const candidate = path.join(dir, 'nats-server');
		if (await isExecutableFile(candidate)) return candidate;
	}

	throw new DrError('nats-server was not found on PATH: the demo runs a local cluster of it', {hint: installHint});
}
