import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {textRows} from '../../source/ui/input/rows.js';
import {rowViewport, viewport} from '../../source/ui/input/viewport.js';
import {wrapWords} from '../../source/ui/input/wrap-words.js';
import {summaryLines} from '../../source/ui/run-wizard.js';
import {wizardHint} from '../../source/ui/state/findings.js';
import {missingServers} from '../../source/ui/state/known-servers.js';
import {initialState, reducer} from '../../source/ui/state/machine.js';
import {degradedDiagnosis} from '../helpers/diagnosis-fixture.js';

describe('fitting the terminal', () => {
	test('rows of wrapped text are counted as Ink wraps them: at spaces, long words broken', () => {
		assert.equal(textRows('abc', 60), 1);
		assert.equal(textRows('aaaa bbbb', 4), 2);
		assert.equal(textRows('aaa bb', 5), 2);
		assert.equal(textRows('a'.repeat(130), 60), 3);
		assert.equal(textRows('one\ntwo', 60), 2);
	});

	test('a long list shows a window around the cursor and counts what is above and below', () => {
		assert.deepEqual(viewport(3, 0, 10), {start: 0, end: 3, above: 0, below: 0});
		assert.deepEqual(viewport(10_000, 0, 10), {start: 0, end: 8, above: 0, below: 9992});
		assert.deepEqual(viewport(10_000, 5000, 10), {start: 4996, end: 5004, above: 4996, below: 4996});
		assert.deepEqual(viewport(10_000, 9999, 10), {start: 9992, end: 10_000, above: 9992, below: 0});
	});

	test('a list of items several rows tall keeps the cursor whole in view with context above it', () => {
		assert.deepEqual(rowViewport([2, 2, 2], 0, 6), {start: 0, end: 3, above: 0, below: 0});
		const rows = Array.from({length: 20}, (_, index) => 1 + (index % 3));
		assert.deepEqual(rowViewport(rows, 0, 10), {start: 0, end: 4, above: 0, below: 16});
		const middle = rowViewport(rows, 10, 10);
		assert.ok(middle.start < 10 && middle.end > 10, JSON.stringify(middle));
		assert.ok(rows.slice(middle.start, middle.end).reduce((a, b) => a + b) <= 8, 'fits with both markers');
		assert.deepEqual(rowViewport(rows, 19, 10), {start: 16, end: 20, above: 16, below: 0});
		// An item taller than the room is still shown, alone.
		assert.deepEqual(rowViewport([1, 30, 1], 1, 10), {start: 1, end: 2, above: 1, below: 1});
	});

	test('the exit summary wraps between words and keeps the indent; equivalent commands stay whole', () => {
		const lines = wrapWords(
			'  2026-11-25T00:00:00Z  peer-remove n3: OK — removed n3; 1 stream(s) recovered; lost: PINNED',
			40,
		);
		for (const line of lines) assert.ok(line.length <= 40, `"${line}" fits`);
		assert.ok(
			lines.slice(1).every(line => line.startsWith('      ') && !line.startsWith('       ')),
			lines.join('\n'),
		);
		assert.equal(
			lines.join(' ').replaceAll(/\s+/g, ' ').trim(),
			'2026-11-25T00:00:00Z peer-remove n3: OK — removed n3; 1 stream(s) recovered; lost: PINNED',
		);
		const entry = {
			time: 't',
			action: 'restore',
			subject: 'X',
			result: 'ok',
			detail: 'restored 500 messages in 1s from the backup in a long directory',
			nats: 'nats stream restore X /a/very/long/path --context /another/long/path.json',
		} as never;
		const summary = summaryLines([entry], 40);
		assert.ok(
			summary.includes('    equivalent: nats stream restore X /a/very/long/path --context /another/long/path.json'),
		);
	});
});

describe('restore-check hints', () => {
	test("name the wizard's menu items, not command-line flags", () => {
		assert.equal(
			wizardHint({
				check: 'placement',
				hint: 'pass --replicas 2, or replace the placement with --tag TAG or --cluster NAME, or drop it with --no-placement',
			}),
			'set Replicas to 2, or replace the placement with Tags TAG or Cluster NAME, or choose Drop the placement',
		);
		assert.doesNotMatch(
			wizardHint({
				check: 'exists',
				hint: 'nats-dr never overwrites a stream: delete it first (nats stream rm ORDERS) if the backup should replace it',
			}) ?? '',
			/nats stream rm/,
		);
	});
});

describe('servers that stop being listed', () => {
	test('stay named as missing after a refresh that no longer lists them', () => {
		const first = degradedDiagnosis();
		let state = reducer(initialState, {type: 'diagnosis-loaded', result: first});
		const later = degradedDiagnosis();
		if (later.diagnosis.servers.ok)
			later.diagnosis.servers.value.servers = later.diagnosis.servers.value.servers.filter(
				server => server.name !== 'n3' && server.name !== 'n4',
			);
		state = reducer(state, {type: 'diagnosis-loaded', result: later});
		assert.deepEqual(missingServers(state.known, later).sort(), ['n3', 'n4']);
	});
});
