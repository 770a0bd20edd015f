/**
 * The layering rules as a test: protocol and I/O code knows nothing about React, and the wizard's
 * components never talk to NATS or the disk themselves (they go through WizardServices).
 */
import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

const source = fileURLToPath(new URL('../../source/', import.meta.url));

function files(dir: string): string[] {
	return readdirSync(path.join(source, dir), {withFileTypes: true, recursive: true})
		.filter(entry => entry.isFile() && /\.tsx?$/.test(entry.name))
		.map(entry => path.join(entry.parentPath, entry.name));
}

function imports(file: string): Array<{spec: string; typeOnly: boolean}> {
	const text = readFileSync(file, 'utf8');
	return [...text.matchAll(/^import\s+(type\s+)?[^'"]*?from\s+'([^']+)'/gm), ...text.matchAll(/import\('([^']+)'\)/g)].map(match =>
		match.length === 3 ? {spec: match[2]!, typeOnly: Boolean(match[1])} : {spec: match[1]!, typeOnly: false},
	);
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
			assert.doesNotMatch(spec, /core\/(connection|jsapi|sys-gather|recovery-actions|diagnosis\/(diagnose|servers|survivor-views))/, `${file} imports ${spec}`);
		}
	}
});

test('the wizard reaches NATS and the disk only through its services', () => {
	for (const file of files('ui')) {
		for (const {spec, typeOnly} of imports(file)) {
			assert.doesNotMatch(spec, /^(nats|node:fs|node:net|node:child_process)/, `${file} imports ${spec}`);
			if (!typeOnly && spec.includes('/core/')) {
				assert.match(spec, /core\/(errors|format|terminal-text)\.js$/, `${file} imports ${spec} at run time`);
			}
		}
	}
});
