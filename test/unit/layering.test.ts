/**
 * The layering rules as a test: protocol and I/O code knows nothing about React, the wizard's
 * components never talk to NATS or the disk themselves (they go through WizardServices), state
 * never reaches into a screen, and no module takes part in an import cycle.
 */
import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {importsOf, valueCycles, type ImportRef} from '../helpers/imports.js';

const source = fileURLToPath(new URL('../../source/', import.meta.url));

function files(dir: string): string[] {
	const found = readdirSync(path.join(source, dir), {withFileTypes: true, recursive: true})
		.filter(entry => entry.isFile() && /\.tsx?$/.test(entry.name))
		.map(entry => path.join(entry.parentPath, entry.name));
	// A rule checked over no files passes whatever the code does: a moved folder must fail loudly.
	assert.ok(found.length > 0, `no TypeScript files under source/${dir}`);
	return found;
}

function imports(file: string): ImportRef[] {
	return importsOf(readFileSync(file, 'utf8'));
}

/** The repository-relative module an import names, or undefined for a package or node: import. */
function resolved(file: string, spec: string): string | undefined {
	if (!spec.startsWith('.')) return undefined;
	return path.relative(source, path.resolve(path.dirname(file), spec)).replace(/\.js$/, '');
}

test('core and recovery logic import neither ink nor react', () => {
	for (const file of [...files('core'), ...files('recovery')]) {
		for (const {spec} of imports(file)) assert.doesNotMatch(spec, /^(ink|react)/, `${file} imports ${spec}`);
	}
});

test('recovery verdicts are pure: no nats, no node I/O', () => {
	for (const file of files('recovery')) {
		for (const {spec, typeOnly} of imports(file)) {
			if (typeOnly) continue;
			assert.doesNotMatch(spec, /^(nats|node:fs|node:net|node:child_process)/, `${file} imports ${spec}`);
			assert.doesNotMatch(
				spec,
				/core\/(connection|jsapi|sys-gather|recovery-actions|diagnosis\/(diagnose|servers|survivor-views))/,
				`${file} imports ${spec}`,
			);
		}
	}
});

test('the wizard reaches NATS and the disk only through its services', () => {
	for (const file of files('ui')) {
		for (const {spec, typeOnly} of imports(file)) {
			assert.doesNotMatch(spec, /^(nats|node:fs|node:net|node:child_process)/, `${file} imports ${spec}`);
			if (!typeOnly && spec.includes('/core/')) {
				assert.match(
					spec,
					/core\/(errors|format|terminal-text|transfer-figures)\.js$/,
					`${file} imports ${spec} at run time`,
				);
			}
		}
	}
});

test('operations sit between core and the faces: they import core and recovery, never cli, ui, ink or react', () => {
	for (const file of files('operations')) {
		for (const {spec} of imports(file)) {
			assert.doesNotMatch(spec, /^(ink|react)/, `${file} imports ${spec}`);
			assert.doesNotMatch(resolved(file, spec) ?? '', /^(cli|ui|demo)\//, `${file} imports ${spec}`);
		}
	}
});

test('core and recovery never reach up into the operations', () => {
	for (const file of [...files('core'), ...files('recovery')]) {
		for (const {spec} of imports(file))
			assert.doesNotMatch(resolved(file, spec) ?? '', /^operations\//, `${file} imports ${spec}`);
	}
});

test('the wizard state never imports from a screen, not even a type', () => {
	for (const file of files('ui/state')) {
		for (const {spec} of imports(file)) {
			assert.doesNotMatch(resolved(file, spec) ?? '', /^ui\/screens\//, `${file} imports ${spec}`);
		}
	}
});

test('no import cycles between modules (value imports; type-only imports vanish when compiled)', () => {
	const graph = new Map<string, string[]>();
	for (const file of files('')) {
		const from = path.relative(source, file).replace(/\.tsx?$/, '');
		const to = imports(file)
			.filter(ref => !ref.typeOnly)
			.map(ref => resolved(file, ref.spec))
			.filter((module): module is string => module !== undefined);
		graph.set(from, to);
	}
	assert.deepEqual(valueCycles(graph), []);
});

test('the import reader sees every form of import and re-export', () => {
	const text = [
		"import a from './a.js';",
		'import {b} from "./b.js";',
		"import type {C} from './c.js';",
		"import './side-effect.js';",
		'export {d} from "./d.js";',
		"export * from './e.js';",
		"export type {F} from './f.js';",
		"const g = await import('./g.js');",
		'const h = await import("./h.js");',
		'import {',
		'\ttype I,',
		'\tj,',
		"} from './multi-line.js';",
		"// import {k} from './commented-out.js';",
	].join('\n');
	assert.deepEqual(importsOf(text), [
		{spec: './a.js', typeOnly: false},
		{spec: './b.js', typeOnly: false},
		{spec: './c.js', typeOnly: true},
		{spec: './side-effect.js', typeOnly: false},
		{spec: './d.js', typeOnly: false},
		{spec: './e.js', typeOnly: false},
		{spec: './f.js', typeOnly: true},
		{spec: './multi-line.js', typeOnly: false},
		{spec: './g.js', typeOnly: false},
		{spec: './h.js', typeOnly: false},
	]);
});

test('the cycle finder names a cycle and ignores a diamond', () => {
	const cyclic = new Map([
		['a', ['b']],
		['b', ['c']],
		['c', ['a']],
		['d', ['a']],
	]);
	assert.deepEqual(valueCycles(cyclic), [['a', 'b', 'c', 'a']]);
	const diamond = new Map([
		['a', ['b', 'c']],
		['b', ['d']],
		['c', ['d']],
		['d', []],
	]);
	assert.deepEqual(valueCycles(diamond), []);
});
