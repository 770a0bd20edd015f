/**
 * Raw terminal input → one key press per key. Ink hands a burst of typed characters over as one
 * string ("n3\x7f\x7fn2") and reports Backspace (\x7f) as Delete; the wizard reads the raw events
 * and splits them here, so every key of a burst is applied, in order, and Backspace stays Backspace.
 */
type KeyName =
	| 'text'
	| 'up'
	| 'down'
	| 'left'
	| 'right'
	| 'home'
	| 'end'
	| 'pageup'
	| 'pagedown'
	| 'enter'
	| 'escape'
	| 'tab'
	| 'backspace'
	| 'delete'
	| 'ctrl';

/** `text` holds the typed character for 'text' and the letter for 'ctrl'. */
export type KeyPress = {name: KeyName; text: string};

const sequences: Record<string, KeyName> = {
	'[A': 'up',
	'[B': 'down',
	'[C': 'right',
	'[D': 'left',
	OA: 'up',
	OB: 'down',
	OC: 'right',
	OD: 'left',
	'[H': 'home',
	'[F': 'end',
	OH: 'home',
	OF: 'end',
	'[1~': 'home',
	'[7~': 'home',
	'[4~': 'end',
	'[8~': 'end',
	'[3~': 'delete',
	'[5~': 'pageup',
	'[6~': 'pagedown',
	'[Z': 'tab',
};

const escape = '\u001B';

export function key(name: KeyName, text = ''): KeyPress {
	return {name, text};
}

/** Splits one raw input event (Ink already separates escape sequences from the text around them). */
export function splitInput(raw: string): KeyPress[] {
	if (raw.startsWith(escape)) return escapeSequence(raw);
	const presses: KeyPress[] = [];
	// One press per character: in a list, " /S" is three commands, not one piece of text.
	for (const char of raw) {
		const code = char.codePointAt(0)!;
		if (code >= 0x20 && code !== 0x7f) presses.push(key('text', char));
		else if (char === '\r' || char === '\n') presses.push(key('enter'));
		else if (char === '\t') presses.push(key('tab'));
		else if (code === 0x7f || code === 0x08) presses.push(key('backspace'));
		else presses.push(key('ctrl', String.fromCodePoint(code + 0x60)));
	}

	return presses;
}

function escapeSequence(raw: string): KeyPress[] {
	if (raw === escape || raw === escape + escape) return [key('escape')];
	const name = sequences[raw.slice(1)] ?? sequences[raw.slice(2)];
	if (name) return [key(name)];
	// Esc and a key sent together read as Alt+key; the wizard binds no Alt key, so it is the two keys typed.
	const rest = raw.slice(1);
	if ([...rest].length === 1) return [key('escape'), ...splitInput(rest)];
	// Other sequences (function keys, mouse) carry nothing the wizard binds: dropped, never typed.
	return [];
}
