/**
 * Every key the wizard answers, as data: what it matches, the command it runs, and its help text.
 * The reducer runs the first binding that matches; the hint bar and the `?` help are drawn from
 * the same table, so what is shown is what the keys do.
 */
import type {KeyPress} from './input/keys.js';
import {isBusy, isTextEntry} from './state/screen.js';
import type {State} from './state/machine.js';
import {filterable, hasMenu, isMultiSelect} from './state/menus.js';

export type Command =
	| 'abort'
	| 'back'
	| 'help'
	| 'briefing'
	| 'quit'
	| 'refresh'
	| 'filter'
	| 'end-filter'
	| 'clear-filter'
	| 'up'
	| 'down'
	| 'page-up'
	| 'page-down'
	| 'first'
	| 'last'
	| 'choose'
	| 'toggle'
	| 'all'
	| 'none'
	| 'submit'
	| 'complete'
	/** Listed in the help only: keys that edit the text field. */
	| 'edit';

type Binding = {
	command: Command;
	/** How the key is written in the hint bar and the help; bindings without it are not listed. */
	keys?: string;
	help?: string;
	/** The short words of the hint bar; bindings without it show in the `?` help only. */
	hint?: string;
	match: (press: KeyPress) => boolean;
};

const is =
	(...names: Array<KeyPress['name']>) =>
	(press: KeyPress) =>
		names.includes(press.name);
const char =
	(...chars: string[]) =>
	(press: KeyPress) =>
		press.name === 'text' && chars.includes(press.text);
const either =
	(...tests: Array<(press: KeyPress) => boolean>) =>
	(press: KeyPress) =>
		tests.some(test => test(press));
const never = () => false;

const abort: Binding = {
	command: 'abort',
	keys: 'Ctrl+C',
	help: 'quit; while work runs: press twice to abort',
	match: press => press.name === 'ctrl' && press.text === 'c',
};
const help: Binding = {command: 'help', keys: '?', help: 'this help', hint: 'help', match: char('?')};
const quit: Binding = {command: 'quit', keys: 'q', help: 'quit on idle screens', hint: 'quit', match: char('q')};
const back: Binding = {
	command: 'back',
	keys: 'Esc',
	help: 'back one step (never aborts running work)',
	hint: 'back',
	match: is('escape'),
};

const movement: Binding[] = [
	{command: 'up', keys: '↑↓ k/j', help: 'move', hint: 'move', match: either(is('up'), char('k'))},
	{command: 'down', match: either(is('down'), char('j'))},
	{command: 'page-up', keys: 'PgUp/PgDn', help: 'move a page', match: is('pageup')},
	{command: 'page-down', match: is('pagedown')},
	{command: 'first', keys: 'Home/End g/G', help: 'first or last item', match: either(is('home'), char('g'))},
	{command: 'last', match: either(is('end'), char('G'))},
];

const textEditing: Binding = {
	command: 'edit',
	keys: '←→ Home End',
	help: 'move in the text; Backspace/Delete erase; Ctrl+U clears',
	match: never,
};

function modeBindings(state: State): Binding[] {
	const {screen} = state;
	if (state.help)
		return [
			abort,
			{
				command: 'help',
				keys: '? / Esc',
				help: 'close help',
				hint: 'close help',
				match: either(char('?'), is('escape')),
			},
		];
	if (state.briefing.shown)
		return [
			abort,
			{
				command: 'briefing',
				keys: 'b / Esc',
				help: 'close the briefing',
				hint: 'close briefing',
				match: either(char('b'), is('escape')),
			},
		];
	if (isBusy(screen))
		return [abort, {...back, hint: undefined}, {...help, hint: undefined}, {...quit, hint: undefined}];
	if (isTextEntry(screen)) {
		const confirming =
			screen.kind === 'recovery-confirm' || screen.kind === 'restore-confirm' || screen.kind === 'delete-confirm';
		const completes = screen.kind === 'backup-dir' || screen.kind === 'restore-dir';
		return [
			abort,
			...(completes
				? [
						{
							command: 'complete',
							keys: 'Tab',
							help: 'complete the path',
							hint: 'complete',
							match: is('tab'),
						} satisfies Binding,
					]
				: []),
			{
				command: 'submit',
				keys: 'Enter',
				help: confirming ? 'confirm' : 'continue',
				hint: confirming ? 'confirm' : 'continue',
				match: is('enter'),
			},
			{...back, hint: confirming ? 'cancel' : 'back'},
			textEditing,
		];
	}

	if (screen.ui.filtering) {
		return [
			abort,
			{
				command: 'end-filter',
				keys: 'Enter/↓',
				help: 'keep the filter and go to the list',
				hint: 'apply filter',
				match: is('enter', 'down'),
			},
			{command: 'clear-filter', keys: 'Esc', help: 'clear the filter', hint: 'clear', match: is('escape')},
			textEditing,
		];
	}

	const bindings: Binding[] = [abort];
	if (hasMenu(state)) {
		bindings.push(...movement);
		if (isMultiSelect(screen)) {
			bindings.push(
				{command: 'toggle', keys: 'space', help: 'select or unselect', hint: 'select', match: char(' ')},
				{command: 'all', keys: 'a', help: 'select all shown', hint: 'all', match: char('a')},
				{command: 'none', keys: 'n', help: 'select none', hint: 'none', match: char('n')},
				{command: 'choose', keys: 'Enter', help: 'continue with the selected', hint: 'continue', match: is('enter')},
			);
		} else {
			bindings.push({command: 'choose', keys: 'Enter', help: 'choose', hint: 'choose', match: is('enter')});
		}

		if (filterable(screen))
			bindings.push({command: 'filter', keys: '/', help: 'filter by name', hint: 'filter', match: char('/')});
		// A filter set is cleared by the first Esc; the next one goes back.
		if (filterable(screen) && screen.ui.filter.value !== '')
			bindings.push({
				command: 'clear-filter',
				keys: 'Esc',
				help: 'clear the filter',
				hint: 'clear filter',
				match: is('escape'),
			});
	}

	if (screen.kind === 'overview' || screen.kind === 'streams')
		bindings.push({command: 'refresh', keys: 'r', help: 'refresh the diagnosis', hint: 'refresh', match: char('r')});
	if (screen.kind === 'overview') bindings.push({...back, hint: undefined});
	else bindings.push(back);
	if (state.briefing.lines.length > 0)
		bindings.push({
			command: 'briefing',
			keys: 'b',
			// The banner's line on the overview names the key: the hint bar stays one line at 60 columns.
			help: "the demo's briefing: what was broken",
			match: char('b'),
		});
	bindings.push(help, quit);
	return bindings;
}

export function commandFor(state: State, press: KeyPress): Command | undefined {
	return modeBindings(state).find(binding => binding.match(press))?.command;
}

type Hint = [key: string, action: string];

export function hintsFor(state: State): Hint[] {
	const hints = modeBindings(state).flatMap((binding): Hint[] =>
		binding.keys && binding.hint ? [[binding.keys.split(' ')[0]!, binding.hint]] : [],
	);
	if (isBusy(state.screen))
		return [
			['Ctrl+C', 'twice to abort'],
			['?', 'help'],
		];
	return hints;
}

export function helpFor(state: State): Hint[] {
	return modeBindings({...state, help: false}).flatMap((binding): Hint[] =>
		binding.keys && binding.help ? [[binding.keys, binding.help]] : [],
	);
}
