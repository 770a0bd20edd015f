/**
 * `npm run bench`: every bench, each printing markdown with its figures beside a baseline measured
 * in the same run. `npm run bench -- backup restore` runs only those.
 */
import {benchAccount} from './account.js';
import {benchBackup} from './backup.js';
import {benchDiagnose} from './diagnose.js';
import {benchRestore} from './restore.js';
import {benchTerminal} from './terminal.js';

const benches: Record<string, () => Promise<string[]>> = {
	diagnose: benchDiagnose,
	backup: benchBackup,
	restore: benchRestore,
	account: benchAccount,
	terminal: benchTerminal,
};
const wanted = process.argv.slice(2).filter(name => name in benches);
for (const name of wanted.length > 0 ? wanted : Object.keys(benches)) {
	console.error(`running the ${name} bench…`);
	for (const line of await benches[name]!()) console.log(line);
	console.log();
}
