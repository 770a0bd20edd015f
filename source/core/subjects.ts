/** NATS subject patterns: `*` stands for one token, `>` (last) for one or more. */

/**
 * Whether some subject matches both patterns (given split at their dots, so callers comparing many
 * pairs split each once), so two streams listening on them would clash.
 */
export function tokensOverlap(left: readonly string[], right: readonly string[]): boolean {
	for (let index = 0; ; index++) {
		const x = left[index];
		const y = right[index];
		if (x === undefined || y === undefined) return x === y;
		if (x === '>' || y === '>') return true;
		if (x !== y && x !== '*' && y !== '*') return false;
	}
}
