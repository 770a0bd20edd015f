/**
 * `npm run bench`: the backup bench, then the restore bench when it exists. Each bench module
 * exports a function returning its report lines (markdown), so this runner only prints them.
 */
import {existsSync} from 'node:fs';
import {benchBackup} from './backup.js';

type Bench = () => Promise<string[]>;

const reports: Array<[string, () => Promise<Bench>]> = [['backup', async () => benchBackup]];
if (existsSync(new URL('restore.ts', import.meta.url))) {
	// A variable specifier: this file must still compile while restore.ts does not exist.
	const restore = './restore.js';
	reports.push(['restore', async () => ((await import(restore)) as {benchRestore: Bench}).benchRestore]);
}

for (const [name, load] of reports) {
	console.error(`running the ${name} bench…`);
	for (const line of await (await load())()) console.log(line);
	console.log();
}
