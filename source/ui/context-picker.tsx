/**
 * The wizard's first question when several natscli contexts exist and none was named: which one.
 * Resolves with the chosen name, or undefined when the operator quits.
 */
import {Box, render, useApp} from 'ink';
import {Text} from './components/text.js';
import {useRef, useState} from 'react';
import {KeyHints} from './components/key-hints.js';
import {ListView} from './components/list-view.js';
import type {KeyPress} from './input/keys.js';
import {useKeys} from './input/use-keys.js';
import {moveCursor} from './input/viewport.js';
import {ThemeContext} from './theme-context.js';
import type {Theme} from './theme.js';

export function ContextPicker({
	names,
	selected,
	onDone,
}: {
	readonly names: string[];
	readonly selected: string | undefined;
	readonly onDone: (name: string | undefined) => void;
}) {
	const {exit} = useApp();
	const ordered = selected && names.includes(selected) ? [selected, ...names.filter(name => name !== selected)] : names;
	// The cursor lives in a ref as well, so the keys of one burst each move it from where the last left it.
	const cursor = useRef(0);
	const [, redraw] = useState(0);
	const finished = useRef(false);
	const finish = (name: string | undefined) => {
		if (finished.current) return;
		finished.current = true;
		onDone(name);
		exit();
	};

	useKeys(presses => {
		for (const press of presses) choose(press);
		redraw(count => count + 1);
	});
	function choose(press: KeyPress): void {
		if (
			press.name === 'escape' ||
			(press.name === 'text' && press.text === 'q') ||
			(press.name === 'ctrl' && press.text === 'c')
		)
			return finish(undefined);
		if (press.name === 'enter') return finish(ordered[cursor.current]);
		const name =
			press.name === 'text' && press.text === 'k'
				? 'up'
				: press.name === 'text' && press.text === 'j'
					? 'down'
					: press.name;
		cursor.current = moveCursor(cursor.current, ordered.length, {name}, 10);
	}

	return (
		<Box flexDirection="column">
			<Text bold>Which natscli context?</Text>
			<ListView
				items={ordered.map(name => ({
					key: name,
					label: name === selected ? `${name} (selected in nats context)` : name,
				}))}
				cursor={cursor.current}
				height={12}
			/>
			<KeyHints
				hints={[
					['↑↓', 'move'],
					['Enter', 'connect'],
					['q', 'quit'],
				]}
			/>
		</Box>
	);
}

export async function pickContext(
	names: string[],
	selected: string | undefined,
	theme: Theme,
): Promise<string | undefined> {
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
