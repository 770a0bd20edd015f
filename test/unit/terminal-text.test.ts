import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {jsonTerminalSafe, oneLine, terminalSafe} from '../../source/core/terminal-text.js';

describe('terminal text', () => {
	test('escape sequences, C0 and C1 controls are shown escaped, not executed', () => {
		assert.equal(terminalSafe('n1\u001B[2J\u001B]0;pwned\u0007'), 'n1\\x1b[2J\\x1b]0;pwned\\x07');
		assert.equal(terminalSafe('a\u009B31mb\u007F\r'), 'a\\x9b31mb\\x7f\\x0d');
	});

	test('bidi overrides cannot reorder a name', () => {
		assert.equal(oneLine('ORDERS\u202Etxt'), 'ORDERS\\u202etxt');
	});

	test('multi-line text keeps its lines and tabs; a one-line value does not', () => {
		assert.equal(terminalSafe('a\n\tb'), 'a\n\tb');
		assert.equal(oneLine('a\n\tb'), 'a\\x0a\\x09b');
	});

	test('ordinary text, unicode included, passes unchanged', () => {
		const text = 'Stream "ORDERS": 3 messages — R3, ✔ ü 日本';
		assert.equal(terminalSafe(text), text);
		assert.equal(oneLine(text), text);
	});

	test('JSON keeps its meaning while losing raw C1 and bidi characters', () => {
		const value = {name: 'x\u009B2J\u202E', esc: '\u001B'};
		const safe = jsonTerminalSafe(JSON.stringify(value));
		assert.doesNotMatch(safe, /[\u001B\u009B\u202E]/);
		assert.deepEqual(JSON.parse(safe), value);
	});
});
