/**
 * Reads a module's imports from its text, for the layering rules. A regular expression is enough
 * for our own sources (the formatter keeps imports at statement starts), and it needs no parser.
 */
export type ImportRef = {spec: string; typeOnly: boolean};

const statement = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?(['"])([^'"]+)\3/gm;
const dynamic = /\bimport\(\s*(['"])([^'"]+)\1\s*\)/g;

export function importsOf(text: string): ImportRef[] {
	const code = text.replaceAll(/^\s*\/\/.*$/gm, '');
	const refs: ImportRef[] = [];
	for (const match of code.matchAll(statement)) refs.push({spec: match[4]!, typeOnly: Boolean(match[2])});
	for (const match of code.matchAll(dynamic)) refs.push({spec: match[2]!, typeOnly: false});
	return refs;
}

/** Every cycle in the graph, each once, as the path from its first-found module back to it. */
export function valueCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
	const cycles: string[][] = [];
	const done = new Set<string>();
	const onPath: string[] = [];
	const visit = (module: string): void => {
		const at = onPath.indexOf(module);
		if (at !== -1) {
			cycles.push([...onPath.slice(at), module]);
			return;
		}

		if (done.has(module)) return;
		onPath.push(module);
		for (const next of graph.get(module) ?? []) visit(next);
		onPath.pop();
		done.add(module);
	};

	for (const module of graph.keys()) visit(module);
	return cycles;
}
