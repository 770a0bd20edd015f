import assert from 'node:assert/strict';
import {test} from 'node:test';
import {ContextPicker} from '../../source/ui/context-picker.js';
import {keys, renderInk, unmount} from '../helpers/ink.js';

test('the context picker lists the selected context first and returns the one chosen', async () => {
	let chosen: string | undefined = 'unset';
	const picker = await renderInk(
		<ContextPicker names={['dev', 'prod', 'staging']} selected="prod" onDone={name => (chosen = name)} />,
	);
	assert.match(picker.frame(), /❯ prod \(selected in nats context\)\n {2}dev\n {2}staging/);
	await picker.press(keys.down, keys.enter);
	assert.equal(chosen, 'dev');
	await unmount(picker);
});

test('q leaves the picker without a choice', async () => {
	let chosen: string | undefined = 'unset';
	const picker = await renderInk(
		<ContextPicker names={['dev', 'prod']} selected={undefined} onDone={name => (chosen = name)} />,
	);
	await picker.press('q');
	assert.equal(chosen, undefined);
	await unmount(picker);
});
