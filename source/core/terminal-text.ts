/**
 * Text from servers and archives (server, stream and consumer names, error descriptions,
 * errors.txt) is untrusted: an escape sequence in it would drive the operator's terminal (move
 * the cursor, rewrite lines, set the title, hide text), and a bidi override would make a name
 * read as another. Such characters are shown as visible escapes (`\x1b`, `\u202e`) instead, so
 * the operator sees that something odd was there rather than nothing.
 */

/** C0 controls except tab and newline, DEL, C1 controls, and the Unicode bidi controls. */
const unsafeInText =
	/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;
/** The same plus tab and newline: a name must not be able to start a line of its own. */
const unsafeInName = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;
/** What JSON.stringify leaves raw and a terminal may still act on; all of it can only occur inside JSON strings. */
const unsafeInJson = /[\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

function visible(char: string): string {
	const code = char.codePointAt(0)!;
	return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Multi-line text made safe to print: line breaks and tabs stay, every other control is shown escaped. */
export function terminalSafe(text: string): string {
	return text.replace(unsafeInText, visible);
}

/** A name or a one-line value made safe to print: no control character at all survives. */
export function oneLine(text: string): string {
	return text.replace(unsafeInName, visible);
}

/**
 * Serialized JSON made safe for a terminal without changing what it parses to: the characters
 * JSON.stringify leaves as they are become \u escapes, which decode to the same string.
 */
export function jsonTerminalSafe(json: string): string {
	return json.replace(unsafeInJson, char => `\\u${char.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}
