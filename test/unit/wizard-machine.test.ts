import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {key, splitInput} from '../../source/ui/input/keys.js';
import {initialState, isBusy, reducer, type State} from '../../source/ui/state/machine.js';
import {menuItems} from '../../source/ui/state/menus.js';
import {open, planScreen} from '../../source/ui/state/screen.js';
import {afterPeerRemoveDiagnosis, degradedDiagnosis} from '../helpers/diagnosis-fixture.js';

const ready: State = {
	...initialState,
	backupRoot: '/srv/backups',
	diagnosis: {kind: 'ready', result: degradedDiagnosis()},
};

function press(state: State, ...raw: string[]): State {
	return raw.reduce((current, one) => reducer(current, {type: 'keys', presses: splitInput(one)}), state);
}

describe('wizard state machine', () => {
	test('go pushes history and back pops it', () => {
		const plan = reducer(reducer(ready, {type: 'go', screen: open({kind: 'recovery-node', returnTo: undefined})}), {
			type: 'go',
			screen: open({kind: 'recovery-plan', server: 'n3', returnTo: undefined}),
		});
		assert.equal(plan.screen.kind, 'recovery-plan');
		assert.equal(plan.history.length, 2);
		const back = reducer(plan, {type: 'back'});
		assert.equal(back.screen.kind, 'recovery-node');
		assert.equal(reducer(reducer(back, {type: 'back'}), {type: 'back'}).screen.kind, 'overview');
	});

	test('back never leaves a screen whose work is running', () => {
		const running = reducer(ready, {
			type: 'go',
			screen: open({
				kind: 'recovery-run',
				server: 'n3',
				impacts: [],
				phase: 'removing',
				states: [],
				message: undefined,
				returnTo: undefined,
			}),
		});
		assert.ok(isBusy(running.screen));
		const after = reducer(running, {type: 'back'});
		assert.equal(after.screen.kind, 'recovery-run');
		assert.match(after.notice ?? '', /work is running/);
	});

	test('back from a finished run returns to the overview with a clean history', () => {
		let state = reducer(ready, {type: 'go', screen: open({kind: 'recovery-node', returnTo: undefined})});
		state = reducer(state, {
			type: 'go',
			screen: open({
				kind: 'recovery-run',
				server: 'n3',
				impacts: [],
				phase: 'removing',
				states: [],
				message: undefined,
				returnTo: undefined,
			}),
		});
		state = reducer(state, {type: 'run-phase', phase: 'done', message: 'ok'});
		state = reducer(state, {type: 'back'});
		assert.equal(state.screen.kind, 'overview');
		assert.deepEqual(state.history, []);
	});

	test('refresh keeps the previous result visible while loading', () => {
		const loading = reducer(ready, {type: 'refresh'});
		assert.equal(loading.diagnosis.kind, 'loading');
		assert.ok(loading.diagnosis.kind === 'loading' && loading.diagnosis.previous);
		assert.equal(loading.diagnosisRequest, 1);
	});

	test('Esc closes help before anything else', () => {
		const help = press(reducer(ready, {type: 'go', screen: open({kind: 'recovery-node', returnTo: undefined})}), '?');
		assert.equal(help.help, true);
		const closed = press(help, '\u001B');
		assert.equal(closed.help, false);
		assert.equal(closed.screen.kind, 'recovery-node');
	});

	test('a late result for a screen that was left is dropped', () => {
		const state = reducer(ready, {type: 'plan-failed', dir: '/x', problem: 'nope'});
		assert.equal(state, ready);
	});
});

describe('keys that arrive in one burst', () => {
	test('Ink hands a typed burst over as one string; it is split into its keys, Backspace included', () => {
		assert.deepEqual(splitInput('n3\u007F\u007Fn2\r'), [
			key('text', 'n'),
			key('text', '3'),
			key('backspace'),
			key('backspace'),
			key('text', 'n'),
			key('text', '2'),
			key('enter'),
		]);
		assert.deepEqual(splitInput('\u001Bn'), [key('escape'), key('text', 'n')]);
		assert.deepEqual(splitInput('\u001B[15~'), []);
		assert.deepEqual(splitInput(' /S'), [key('text', ' '), key('text', '/'), key('text', 'S')]);
		assert.deepEqual(splitInput('\u001B[3~'), [key('delete')]);
		assert.deepEqual(splitInput('\u001B[H'), [key('home')]);
		assert.deepEqual(splitInput('\u0015'), [key('ctrl', 'u')]);
	});

	test('typing, Backspace, Delete, arrows, Home/End and a paste all land in the text field', () => {
		let state = reducer(ready, {
			type: 'go',
			screen: open({kind: 'recovery-confirm', server: 'n3', impacts: [], returnTo: undefined}),
		});
		state = press(state, 'n3\u007F\u007Fn2');
		assert.equal(state.screen.ui.text.value, 'n2');
		state = press(state, '\u001B[D', '\u001B[D', '\u001B[3~', 'x', '\u001B[F', 'y', '\u001B[H', '\u001B[3~');
		assert.equal(state.screen.ui.text.value, '2y');
		state = press(state, '\u001B[F', '\u0015', 'a pasted text');
		assert.deepEqual(state.screen.ui.text, {value: 'a pasted text', cursor: 13});
	});

	test('Down Down Enter in one burst moves two rows and chooses the third item', () => {
		assert.equal(menuItems(ready)[2]?.label, 'Back up streams');
		assert.equal(press(ready, '\u001B[B', '\u001B[B', '\r').screen.kind, 'backup-select');
	});

	test('q, r and ? are text in a text field, not shortcuts', () => {
		const state = press(
			reducer(ready, {
				type: 'go',
				screen: open({kind: 'recovery-confirm', server: 'n3', impacts: [], returnTo: undefined}),
			}),
			'q',
			'r',
			'?',
		);
		assert.equal(state.exit, undefined);
		assert.equal(state.help, false);
		assert.equal(state.screen.ui.text.value, 'qr?');
	});

	test('a wrong name is refused in place, and the field keeps what was typed', () => {
		const state = press(
			reducer(ready, {
				type: 'go',
				screen: open({kind: 'recovery-confirm', server: 'n3', impacts: [], returnTo: undefined}),
			}),
			'n4\r',
		);
		assert.equal(state.screen.kind, 'recovery-confirm');
		assert.match(state.screen.ui.error ?? '', /Value must be exactly n3/);
		assert.equal(press(state, '\u007F3\r').screen.kind, 'recovery-run');
	});
});

describe('lists', () => {
	const many: State = {...ready, diagnosis: {kind: 'ready', result: degradedDiagnosis(10_000)}};

	test('/ filters 10,000 streams, space selects, and the selection survives clearing the filter', () => {
		let state = press(many, '\u001B[B', '\u001B[B', '\r');
		assert.equal(state.screen.kind, 'backup-select');
		state = press(state, '/', 'HEALTHY123', '\r', ' ');
		assert.ok(state.screen.kind === 'backup-select');
		assert.deepEqual(state.screen.selected, ['HEALTHY123']);
		state = press(state, '/', '\u001B');
		assert.ok(state.screen.kind === 'backup-select' && state.screen.ui.filter.value === '');
		assert.deepEqual(state.screen.selected, ['HEALTHY123']);
	});

	test('the server list puts the dead first, filters with /, and Enter on a dead server plans its recovery', () => {
		let state = reducer(ready, {type: 'go', screen: open({kind: 'servers'})});
		assert.equal(menuItems(state)[0]?.key, 'n3');
		state = press(state, '/', 'n2', '\r');
		assert.deepEqual(
			menuItems(state).map(item => item.key),
			['n2'],
		);
		assert.match(press(state, '\r').notice ?? '', /n2 answers/);
		state = press(state, '\u001B', '/', 'n3', '\r', '\r');
		assert.ok(state.screen.kind === 'recovery-plan' && state.screen.server === 'n3');
	});

	test('a detour returns to the screen it was asked from, as the operator left it', () => {
		let state = reducer(ready, {type: 'go', screen: {...planScreen('/srv/backups/PINNED'), overrides: {replicas: 2}}});
		const asked = state.screen;
		state = reducer(state, {
			type: 'go',
			screen: open({kind: 'recovery-plan', server: 'n3', returnTo: {screen: asked, history: state.history}}),
		});
		state = reducer(state, {
			type: 'go',
			screen: open({
				kind: 'recovery-confirm',
				server: 'n3',
				impacts: [],
				returnTo: {screen: asked, history: [open({kind: 'overview'})]},
			}),
		});
		state = press(state, 'n3\r');
		assert.equal(state.screen.kind, 'recovery-run');
		state = reducer(state, {type: 'run-phase', phase: 'done', message: 'removed n3'});
		const back = menuItems(state)[0]!;
		assert.match(back.label, /Back to the restore of/);
		state = reducer(state, back.action);
		assert.ok(state.screen.kind === 'restore-plan');
		assert.deepEqual(state.screen.overrides, {replicas: 2});
		assert.equal(state.history.length, 1);
	});

	test('setting Tags keeps the Cluster the screen showed', () => {
		const result = afterPeerRemoveDiagnosis();
		let state: State = {...ready, diagnosis: {kind: 'ready', result}};
		state = reducer(state, {type: 'go', screen: planScreen('/b/X')});
		state = reducer(state, {
			type: 'plan-ready',
			dir: '/b/X',
			plan: {
				dir: '/b/X',
				stream: 'X',
				findings: [],
				refused: false,
				replicas: 1,
				placement: {cluster: 'c1', tags: ['node:n3']},
			} as never,
		});
		state = reducer(state, {type: 'edit', field: 'tags'});
		state = press(state, 'node:n1\r');
		assert.ok(state.screen.kind === 'restore-plan');
		assert.deepEqual(state.screen.overrides, {cluster: 'c1', tags: ['node:n1']});
	});
});
