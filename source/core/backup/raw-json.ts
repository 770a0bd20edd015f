/**
 * `backup.json` from the snapshot reply's raw text. The server's `config` and `state` keep the exact
 * tokens it sent, only re-indented: parsing and re-serialising would round integers above 2^53 and
 * unescape `\u003e`, and a restore should send back what the server wrote (protocol doc §6.2).
 */

/** The raw text of each top-level member of a JSON object. Throws on text that is not a JSON object. */
export function rawMembers(text: string): Map<string, string> {
	const parsed: unknown = JSON.parse(text);
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
		throw new SyntaxError('not a JSON object');
	const members = new Map<string, string>();
	// The text is valid JSON from here on, so the scan only has to find token boundaries.
	let i = skipSpace(text, text.indexOf('{') + 1);
	while (text[i] !== '}') {
		const keyEnd = stringEnd(text, i);
		const key = JSON.parse(text.slice(i, keyEnd)) as string;
		const valueStart = skipSpace(text, skipSpace(text, keyEnd) + 1);
		const valueEnd = valueEndAt(text, valueStart);
		members.set(key, text.slice(valueStart, valueEnd));
		i = skipSpace(text, valueEnd);
		if (text[i] === ',') i = skipSpace(text, i + 1);
	}

	return members;
}

/**
 * Go's `json.Indent`: a newline and indentation after `{`, `[` and `,`, `": "` after keys, empty
 * objects and arrays kept as `{}` and `[]`, string contents untouched. jsm.go writes `backup.json`
 * with `json.MarshalIndent`, which is exactly this over the compact raw values.
 */
export function indentJson(raw: string, prefix: string, indent: string): string {
	let out = '';
	let depth = 0;
	let opened = false;
	const newline = (): string => `\n${prefix}${indent.repeat(depth)}`;
	for (let i = 0; i < raw.length; i++) {
		const char = raw[i]!;
		if (char === ' ' || char === '\t' || char === '\n' || char === '\r') continue;
		if (opened) {
			opened = false;
			if (char === '}' || char === ']') {
				out += char;
				continue;
			}

			depth++;
			out += newline();
		}

		if (char === '"') {
			const end = stringEnd(raw, i);
			out += raw.slice(i, end);
			i = end - 1;
		} else if (char === '{' || char === '[') {
			out += char;
			opened = true;
		} else if (char === '}' || char === ']') {
			depth--;
			out += `${newline()}${char}`;
		} else if (char === ',') {
			out += `,${newline()}`;
		} else if (char === ':') {
			out += ': ';
		} else {
			out += char;
		}
	}

	return out;
}

/** `{"config": …, "state": …}` as natscli writes it: config first, two-space indent, no trailing newline. */
export function backupJsonText(config: string, state: string): string {
	return `{\n  "config": ${indentJson(config, '  ', '  ')},\n  "state": ${indentJson(state, '  ', '  ')}\n}`;
}

function skipSpace(text: string, from: number): number {
	let i = from;
	while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
	return i;
}

/** Index just past the string that starts at `start` (a `"`). */
function stringEnd(text: string, start: number): number {
	let i = start + 1;
	while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
	return i + 1;
}

function valueEndAt(text: string, start: number): number {
	const first = text[start];
	if (first === '"') return stringEnd(text, start);
	if (first !== '{' && first !== '[') {
		let i = start;
		while (i < text.length && !',}] \t\n\r'.includes(text[i]!)) i++;
		return i;
	}

	let depth = 0;
	let i = start;
	do {
		const char = text[i]!;
		if (char === '"') {
			i = stringEnd(text, i);
			continue;
		}

		if (char === '{' || char === '[') depth++;
		else if (char === '}' || char === ']') depth--;
		i++;
	} while (depth > 0);
	return i;
}
