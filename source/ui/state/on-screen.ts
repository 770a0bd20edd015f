import type {State} from './machine.js';
import type {Screen, Ui} from './screen.js';

/** The state with the current screen changed, if it is still of `kind` (results arriving late are dropped). */
export function onScreen<K extends Screen['kind']>(
	state: State,
	kind: K,
	change: (screen: Extract<Screen, {kind: K}>) => Screen,
): State {
	if (state.screen.kind !== kind) return state;
	return {...state, screen: change(state.screen as Extract<Screen, {kind: K}>)};
}

export function withUi(screen: Screen, ui: Partial<Ui>): Screen {
	return {...screen, ui: {...screen.ui, ...ui}};
}
