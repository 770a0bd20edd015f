/**
 * A one-line text field's content and cursor, edited by pure functions: each key is applied to the
 * buffer the previous key left, so nothing typed in a burst is lost or applied to a stale value.
 */
import type {KeyPress} from './keys.js';

export type TextBuffer = {value: string; cursor: number};

export function textBuffer(value = ''): TextBuffer {
	return {value, cursor: value.length};
}

/** The buffer after `press`, or undefined when the key is not an editing key (Enter, Esc, Tab, arrows up/down). */
export function editText(buffer: TextBuffer, press: KeyPress): TextBuffer | undefined {
	const {value, cursor} = buffer;
	switch (press.name) {
		case 'text': {
			// Pasted line breaks would end the field; inside one line they become nothing.
			const text = press.text.replaceAll(/[\r\n]+/g, '');
			return {value: value.slice(0, cursor) + text + value.slice(cursor), cursor: cursor + text.length};
		}

		case 'backspace': {
			return cursor === 0 ? buffer : {value: value.slice(0, cursor - 1) + value.slice(cursor), cursor: cursor - 1};
		}

		case 'delete': {
			return {value: value.slice(0, cursor) + value.slice(cursor + 1), cursor};
		}

		case 'left': {
			return {value, cursor: Math.max(0, cursor - 1)};
		}

		case 'right': {
			return {value, cursor: Math.min(value.length, cursor + 1)};
		}

		case 'home': {
			return {value, cursor: 0};
		}

		case 'end': {
			return {value, cursor: value.length};
		}

		case 'ctrl': {
			// The readline chords people reach for: start, end, clear to start, delete the word before.
			if (press.text === 'a') return {value, cursor: 0};
			if (press.text === 'e') return {value, cursor: value.length};
			if (press.text === 'u') return {value: value.slice(cursor), cursor: 0};
			if (press.text === 'w') {
				const start = value.slice(0, cursor).replace(/\S+\s*$/, '').length;
				return {value: value.slice(0, start) + value.slice(cursor), cursor: start};
			}

			return undefined;
		}

		default: {
			return undefined;
		}
	}
}
