/** The filter line and the list under it, as the servers, streams, backup and restore lists draw them. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {FilteredList} from '../../source/ui/components/filtered-list.js';
import {textBuffer} from '../../source/ui/input/text-buffer.js';
import type {Ui} from '../../source/ui/state/screen.js';
import {renderInk, unmount} from '../helpers/ink.js';

function ui(filter: string, filtering: boolean): Ui {
	return {cursor: 0, filter: textBuffer(filter), filtering, text: textBuffer(), error: undefined};
}

const streams = Array.from({length: 20}, (_, index) => ({key: `S${index}`, label: `stream ${index}`}));

test('a set filter stays in view with how to change it, and a filter that matches nothing says so', async () => {
	const app = await renderInk(<FilteredList items={[]} ui={ui('zz', false)} height={5} noun="backup" />);
	assert.deepEqual(app.frame().split('\n'), ['/zz  (/ changes it, Esc in it clears it)', 'No backup matches.']);
	await unmount(app);
});

test('the list keeps a row for the filter line, shown or not, and draws its marks', async () => {
	const app = await renderInk(
		<FilteredList
			items={streams}
			ui={ui('', false)}
			height={5}
			noun="stream"
			mark={key => (key === 'S1' ? '[x] ' : '[ ] ')}
		/>,
	);
	assert.deepEqual(
		app
			.frame()
			.split('\n')
			.map(line => line.trimEnd()),
		['❯ [ ] stream 0', '  [x] stream 1', '  ↓ 18 more below'],
	);
	await unmount(app);
});
