/**
 * A bounded fuzzing run of the archive readers in every `npm test`: a fixed seed by default, so a
 * failure replays; FUZZ_SEED tries another. `npm run fuzz` runs long ones.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {describeFinding, fuzz, type Finding} from '../fuzz/archive-fuzz.js';

const seed = Number(process.env['FUZZ_SEED'] ?? 20_261_130);
const cases = 2000;
/** Far above what the readers need (a few MiB per case): a reader that buffers a whole inflated length stands out. */
const rssLimit = 512 * 2 ** 20;

test(
	`${cases} mutated archives, backup.json files and tars each end in a result or a named error (seed ${seed})`,
	{timeout: 300_000},
	async () => {
		const findings: Finding[] = [];
		let peakRss = 0;
		const sampler = setInterval(() => {
			peakRss = Math.max(peakRss, process.memoryUsage().rss);
		}, 50);
		try {
			const {counts, namedErrors} = await fuzz({seed, cases}, finding => findings.push(finding));
			assert.ok(
				Object.values(counts).every(count => count > 0),
				`every target ran: ${JSON.stringify(counts)}`,
			);
			assert.ok(namedErrors > cases / 4, `the mutations bite: ${namedErrors} named errors`);
		} finally {
			clearInterval(sampler);
		}

		assert.deepEqual(
			findings.map(finding => describeFinding(finding)),
			[],
		);
		assert.ok(peakRss < rssLimit, `peak RSS ${Math.round(peakRss / 2 ** 20)} MiB`);
	},
);
