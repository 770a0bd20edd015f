import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {initialState, isBusy, reducer, type State} from '../../source/ui/state/machine.js';
import {degradedDiagnosis} from '../helpers/diagnosis-fixture.js';

const ready: State = {...initialState, diagnosis: {kind: 'ready', result: degradedDiagnosis()}};

describe('wizard state machine', () => {
	test('go pushes history and back pops it', () => {
		const plan = reducer(reducer(ready, {type: 'go', screen: {kind: 'recovery-node'}}), {type: 'go', screen: {kind: 'recovery-plan', server: 'n3'}});
		assert.equal(plan.screen.kind, 'recovery-plan');
		assert.equal(plan.history.length, 2);
		const back = reducer(plan, {type: 'back'});
		assert.equal(back.screen.kind, 'recovery-node');
		assert.equal(reducer(reducer(back, {type: 'back'}), {type: 'back'}).screen.kind, 'overview');
	});

	test('back never leaves a screen whose work is running', () => {
		const running = reducer(ready, {type: 'go', screen: {kind: 'recovery-run', server: 'n3', impacts: [], phase: 'removing', states: [], message: undefined}});
		assert.ok(isBusy(running.screen));
		const after = reducer(running, {type: 'back'});
		assert.equal(after.screen.kind, 'recovery-run');
		assert.match(after.notice ?? '', /work is running/);
	});

	test('back from a finished run returns to the overview with a clean history', () => {
		let state = reducer(ready, {type: 'go', screen: {kind: 'recovery-node'}});
		state = reducer(state, {type: 'go', screen: {kind: 'recovery-run', server: 'n3', impacts: [], phase: 'removing', states: [], message: undefined}});
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
		const help = reducer(reducer(ready, {type: 'go', screen: {kind: 'recovery-node'}}), {type: 'toggle-help'});
		const closed = reducer(help, {type: 'back'});
		assert.equal(closed.help, false);
		assert.equal(closed.screen.kind, 'recovery-node');
	});
});
