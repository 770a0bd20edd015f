/**
 * The names JetStream accepts for a stream. The API puts the name into a subject, so a dot or a
 * wildcard sends the request somewhere else and it times out instead of failing; and a backup
 * uses the name as a directory.
 */

/** Why `name` cannot be a stream name, or undefined when it can. */
export function streamNameProblem(name: string): string | undefined {
	if (name === '') return 'a stream name cannot be empty';
	// Exactly what nats-server refuses: other control characters are accepted, so streams with them exist.
	const found = /[ \t\r\n\f.*>/\\]/.exec(name)?.[0];
	if (found === undefined) return undefined;
	const what = /\s/.test(found) ? 'white space' : `"${found}"`;
	return `"${name}" is not a valid stream name: it contains ${what} (stream names cannot hold white space, ".", "*", ">", "/" or "\\")`;
}
