/**
 * The wizard's first question when several natscli contexts exist and none was named: which one.
 * Resolves with the chosen name, or undefined when the operator quits.
 */
import {Box, render, useApp, useInput} from 'ink';
import {Text} from './components/text.js';
import {KeyHints} from './components/key-hints.js';
import {Menu} from './components/menu.js';
import {ThemeContext} from './theme-context.js';
import type {Theme} from './theme.js';

export function ContextPicker({names, selected, onDone}: {readonly names: string[]; readonly selected: string | undefined; readonly onDone: (name: string | undefined) => void}) {
	const {exit} = useApp();
	const finish = (name: string | undefined) => {
		onDone(name);
		exit();
	};

	useInput((input, key) => {
		if (key.escape || input === 'q' || (key.ctrl && input === 'c')) finish(undefined);
	});
	const ordered = selected && names.includes(selected) ? [selected, ...names.filter(name => name !== selected)] : names;
	return (
		<Box flexDirection="column">
			<Text bold>Which natscli context?</Text>
			<Menu items={ordered.map(name => ({label: name === selected ? `${name} (selected in nats context)` : name, value: name}))} onSelect={finish} />
			<KeyHints hints={[['↑↓', 'move'], ['Enter', 'connect'], ['q', 'quit']]} />
		</Box>
	);
}

export async function pickContext(names: string[], selected: string | undefined, theme: Theme): Promise<string | undefined> {
	let chosen: string | undefined;
	const instance = render(
		<ThemeContext.Provider value={theme}>
			<ContextPicker names={names} selected={selected} onDone={name => (chosen = name)} />
		</ThemeContext.Provider>,
		{exitOnCtrlC: false, patchConsole: false},
	);
	await instance.waitUntilExit();
	instance.clear();
	return chosen;
}
