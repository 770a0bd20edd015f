/** The keys of each screen: the footer hints and the `?` help come from this one table. */
import {isBusy, isTextEntry, type State} from './state/machine.js';

type Hint = [key: string, action: string];

export function hintsFor(state: State): Hint[] {
	const {screen} = state;
	if (state.help) return [['? / Esc', 'close help']];
	if (isBusy(screen)) return [['Ctrl+C', 'twice to abort'], ['?', 'help']];
	if (screen.kind === 'recovery-confirm' || screen.kind === 'restore-confirm' || screen.kind === 'delete-confirm') return [['Enter', 'confirm'], ['Esc', 'cancel']];
	if (screen.kind === 'streams' && screen.filtering) return [['Enter', 'apply filter'], ['Esc', 'back']];
	if (screen.kind === 'backup-dir' || screen.kind === 'restore-dir') return [['Tab', 'complete'], ['Enter', 'continue'], ['Esc', 'back']];
	if (screen.kind === 'restore-plan' && screen.editing) return [['Enter', 'set'], ['Esc', 'back']];
	if (screen.kind === 'backup-select') return [['↑↓', 'move'], ['space', 'toggle'], ['a', 'all'], ['n', 'none'], ['Enter', 'continue'], ['Esc', 'back'], ['q', 'quit']];
	const hints: Hint[] = [['↑↓', 'move'], ['Enter', 'choose']];
	if (screen.kind === 'overview' || screen.kind === 'streams') hints.push(['r', 'refresh']);
	if (screen.kind === 'streams') hints.push(['/', 'filter']);
	if (screen.kind !== 'overview') hints.push(['Esc', 'back']);
	hints.push(['?', 'help'], ['q', 'quit']);
	return hints;
}

export function helpFor(state: State): Hint[] {
	const help: Hint[] = [
		['↑/↓ k/j', 'move'],
		['Enter', 'choose or continue'],
		['Esc', 'back one step (never aborts running work)'],
		['q', 'quit on idle screens'],
		['Ctrl+C', 'quit; while work runs: press twice to abort'],
		['?', 'this help'],
	];
	if (state.screen.kind === 'overview' || state.screen.kind === 'streams') help.push(['r', 'refresh the diagnosis']);
	if (state.screen.kind === 'streams') help.push(['/', 'filter streams by name']);
	if (isTextEntry(state.screen)) help.push(['(typing)', 'letters go into the field; Esc leaves it']);
	return help;
}
