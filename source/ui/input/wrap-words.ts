/**
 * Word wrapping for lines printed outside Ink (the exit summary): long lines break at spaces, never
 * inside a word, and continuation lines keep the indent of the text they continue.
 */
export function wrapWords(line: string, width: number, hangingIndent = 4): string[] {
	const indent = /^\s*/.exec(line)![0];
	const continuation = ' '.repeat(indent.length + hangingIndent);
	const words = line.slice(indent.length).split(' ');
	const lines: string[] = [];
	let current = indent;
	for (const word of words) {
		const prefix = lines.length === 0 ? indent : continuation;
		if (current !== prefix && current.length + 1 + word.length > width) {
			lines.push(current);
			current = continuation + word;
		} else {
			current = current === prefix ? prefix + word : `${current} ${word}`;
		}
	}

	lines.push(current);
	return lines;
}
