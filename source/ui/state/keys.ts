/**
 * A key press applied to the latest state: the keymap names the command, this runs it. Typed
 * text goes into the focused field, list keys move the cursor of the list on screen, and Enter
 * runs the highlighted item's action through the reducer.
 */
import {commandFor, type Command} from '../keymap.js';
import type {KeyPress} from '../input/keys.js';
import {editText} from '../input/text-buffer.js';
import {moveCursor} from '../input/viewport.js';
import type {Action, State} from './machine.js';
import {setOverride} from './overrides.js';
import {backupChoices, isMultiSelect, menuItems, streamsOf} from './menus.js';
import {isBusy, isTextEntry, open, type Ui} from './screen.js';

type Reduce = (state: State, action: Action) => State;

/** PgUp/PgDn move this many rows: a screenful on the smallest terminal the wizard supports. */
const page = 10;

function setUi(state: State, ui: Partial<Ui>): State {
	return {...state, screen: {...state.screen, ui: {...state.screen.ui, ...ui}}};
}

function listKeys(state: State): string[] {
	return (isMultiSelect(state.screen) ? backupChoices(state) : menuItems(state)).map(item => item.key);
}

const moves: Partial<Record<Command, KeyPress['name']>> = {
	up: 'up',
	down: 'down',
	'page-up': 'pageup',
	'page-down': 'pagedown',
	first: 'home',
	last: 'end',
};

export function applyKey(state: State, press: KeyPress, reduce: Reduce): State {
	const command = commandFor(state, press);
	if (command === 'abort') {
		if (!isBusy(state.screen)) return reduce(state, {type: 'quit', code: 0});
		if (!state.abortArmed) return {...state, abortArmed: true};
		return reduce(state, {type: 'quit', code: 130, abort: true});
	}

	const armed = state.abortArmed ? {...state, abortArmed: false} : state;
	if (command === undefined) return typeInto(armed, press);
	return runCommand(armed, command, press, reduce);
}

/** Keys no binding claims: text for the focused field, or nothing. */
function typeInto(state: State, press: KeyPress): State {
	const {ui} = state.screen;
	if (ui.filtering) {
		const filter = editText(ui.filter, press);
		return filter ? setUi(state, {filter, cursor: 0}) : state;
	}

	if (!isTextEntry(state.screen)) return state;
	const text = editText(ui.text, press);
	return text ? setUi(state, {text, error: undefined}) : state;
}

function runCommand(state: State, command: Command, press: KeyPress, reduce: Reduce): State {
	const {ui} = state.screen;
	switch (command) {
		case 'help': {
			return {...state, help: !state.help};
		}

		case 'briefing': {
			return {...state, help: false, briefing: {...state.briefing, shown: !state.briefing.shown}};
		}

		case 'back': {
			return reduce(state, {type: 'back'});
		}

		case 'quit': {
			return reduce(state, {type: 'quit', code: 0});
		}

		case 'refresh': {
			return reduce(state, {type: 'refresh'});
		}

		case 'filter': {
			return setUi(state, {filtering: true});
		}

		case 'end-filter': {
			return setUi(state, {filtering: false, cursor: 0});
		}

		case 'clear-filter': {
			// The pointer stays on the item it was on, now among all of them.
			const current = listKeys(state)[ui.cursor];
			const cleared = setUi(state, {filtering: false, filter: {value: '', cursor: 0}, cursor: 0});
			return current === undefined
				? cleared
				: setUi(cleared, {cursor: Math.max(0, listKeys(cleared).indexOf(current))});
		}

		case 'up':
		case 'down':
		case 'page-up':
		case 'page-down':
		case 'first':
		case 'last': {
			return setUi(state, {cursor: moveCursor(ui.cursor, listKeys(state).length, {name: moves[command]!}, page)});
		}

		case 'choose': {
			if (isMultiSelect(state.screen)) return continueBackup(state, reduce);
			const item = menuItems(state)[ui.cursor];
			return item ? reduce(state, item.action) : state;
		}

		case 'toggle':
		case 'all':
		case 'none': {
			return select(state, command);
		}

		case 'submit': {
			return submit(state, reduce);
		}

		case 'complete': {
			return {...state, completionRequest: state.completionRequest + 1};
		}

		case 'edit':
		case 'abort': {
			void press;
			return state;
		}
	}
}

function select(state: State, command: 'toggle' | 'all' | 'none'): State {
	const {screen} = state;
	if (screen.kind !== 'backup-select') return state;
	const shown = backupChoices(state).map(choice => choice.key);
	let selected = screen.selected;
	if (command === 'all') selected = [...new Set([...selected, ...shown])];
	else if (command === 'none') selected = selected.filter(name => !shown.includes(name));
	else {
		const name = shown[screen.ui.cursor];
		if (name === undefined) return state;
		selected = selected.includes(name) ? selected.filter(other => other !== name) : [...selected, name];
	}

	return {...state, screen: {...screen, selected}};
}

function continueBackup(state: State, reduce: Reduce): State {
	const {screen} = state;
	if (screen.kind !== 'backup-select') return state;
	if (screen.selected.length === 0)
		return reduce(state, {type: 'notice', message: 'select at least one stream with space (a selects all shown)'});
	const neededBytes = streamsOf(state)
		.filter(stream => screen.selected.includes(stream.name))
		.reduce((total, stream) => total + (stream.bytes ?? 0), 0);
	return reduce(state, {
		type: 'go',
		screen: open(
			{kind: 'backup-dir', streams: screen.selected, neededBytes, checking: false, problem: undefined, choices: []},
			state.backupRoot,
		),
	});
}

function submit(state: State, reduce: Reduce): State {
	const {screen} = state;
	const typed = screen.ui.text.value.trim();
	const mismatch = (name: string) => setUi(state, {error: `Value must be exactly ${name}`});
	switch (screen.kind) {
		case 'recovery-confirm': {
			if (typed !== screen.server) return mismatch(screen.server);
			return reduce(state, {
				type: 'replace',
				screen: open({
					kind: 'recovery-run',
					server: screen.server,
					impacts: screen.impacts,
					phase: 'removing',
					states: [],
					message: undefined,
					returnTo: screen.returnTo,
				}),
			});
		}

		case 'restore-confirm': {
			if (typed !== screen.plan.stream) return mismatch(screen.plan.stream);
			return reduce(state, {
				type: 'replace',
				screen: open({kind: 'restore-run', plan: screen.plan, phase: 'running', message: undefined, result: undefined}),
			});
		}

		case 'delete-confirm': {
			if (typed !== screen.stream) return mismatch(screen.stream);
			return reduce(state, {
				type: 'replace',
				screen: open({
					kind: 'delete-run',
					stream: screen.stream,
					returnTo: screen.returnTo,
					phase: 'running',
					message: undefined,
				}),
			});
		}

		case 'failover-confirm': {
			if (typed !== screen.plan.mirror) return mismatch(screen.plan.mirror);
			return reduce(state, {
				type: 'replace',
				screen: open({
					kind: 'failover-run',
					plan: screen.plan,
					phase: 'running',
					doing: 'starting…',
					outcome: undefined,
					message: undefined,
				}),
			});
		}

		case 'protect-confirm': {
			if (typed !== screen.plan.stream) return mismatch(screen.plan.stream);
			return reduce(state, {
				type: 'replace',
				screen: open({
					kind: 'protect-run',
					plan: screen.plan,
					phase: 'running',
					doing: `creating ${screen.plan.mirror} in ${screen.plan.where}…`,
					outcome: undefined,
					message: undefined,
				}),
			});
		}

		case 'backup-dir':
		case 'restore-dir': {
			if (typed === '') return setUi(state, {error: 'type a directory (Tab completes)'});
			const text = {value: typed, cursor: typed.length};
			const ui = {...screen.ui, text, error: undefined};
			return {
				...state,
				screen:
					screen.kind === 'backup-dir'
						? {...screen, ui, checking: true, problem: undefined, choices: []}
						: {...screen, ui, loading: true, problem: undefined, choices: []},
			};
		}

		case 'restore-plan': {
			return setOverride(state, typed === '' ? undefined : typed);
		}

		default: {
			return state;
		}
	}
}
