/**
 * `npm run fuzz [-- --seed N --cases N --first N]`: a long fuzzing run of the archive readers,
 * with the large fixture too. The seed defaults to a fresh one, printed first, so any finding
 * replays with `--seed S --first INDEX --cases 1`. FUZZ_SEED and FUZZ_CASES work as well.
 */
import {parseArgs} from 'node:util';
import {describeFinding, fuzz} from './archive-fuzz.js';

const {values} = parseArgs({options: {seed: {type: 'string'}, cases: {type: 'string'}, first: {type: 'string'}}});
const seed = Number(values.seed ?? process.env['FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const cases = Number(values.cases ?? process.env['FUZZ_CASES'] ?? 100_000);
const first = Number(values.first ?? 0);
if (![seed, cases, first].every(Number.isSafeInteger)) {
	console.error('usage: npm run fuzz -- [--seed N] [--cases N] [--first N]');
	process.exit(2);
}

console.log(`fuzzing the archive readers: seed ${seed}, cases ${first} to ${first + cases - 1}`);
let findings = 0;
const started = performance.now();
let peakRss = 0;
const sampler = setInterval(() => {
	peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100);
const {counts, namedErrors} = await fuzz({seed, cases, first, large: true}, finding => {
	findings++;
	console.log(describeFinding(finding));
});
clearInterval(sampler);
console.log(
	`${cases} cases in ${((performance.now() - started) / 1000).toFixed(1)} s (${Object.entries(counts)
		.map(([target, count]) => `${target} ${count}`)
		.join(', ')}), ${namedErrors} named errors, peak RSS ${Math.round(peakRss / 2 ** 20)} MiB: ${findings} findings`,
);
process.exitCode = findings > 0 ? 1 : 0;
