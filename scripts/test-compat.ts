/**
 * `npm run test:compat`: runs test/compat/*.test.ts once per nats-server of the matrix (the PATH's, the
 * oldest supported, plus every release `scripts/servers.sh` built), with the real `nats` CLI, and prints the
 * time each version took. The tests record per version what worked; this gathers it into
 * docs/compatibility.json and renders docs/compatibility.md from it.
 *
 *   npm run test:compat                  every server found
 *   npm run test:compat -- 2.9 2.15      only versions starting with these
 */
import {execFileSync, spawn} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {renderCompatibility, type CompatResults, type ServerResult} from './render-compatibility.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const jsonFile = path.join(root, 'docs', 'compatibility.json');
const markdownFile = path.join(root, 'docs', 'compatibility.md');

type Binary = {name: string; version: string; path: string};

function builtBinaries(): Binary[] {
	const output = execFileSync(path.join(root, 'scripts', 'servers.sh'), ['--list'], {encoding: 'utf8'});
	return output
		.split('\n')
		.filter(Boolean)
		.map(line => {
			const [name, version, file] = line.split(' ');
			return {name: name!, version: version!.replace(/^v/, ''), path: file!};
		});
}

function pathServer(): Binary | undefined {
	try {
		const output = execFileSync('nats-server', ['--version'], {encoding: 'utf8'});
		const version = /v?(\d+\.\d+\.\d+)/.exec(output)?.[1];
		return version ? {name: 'nats-server', version, path: 'nats-server'} : undefined;
	} catch {
		return undefined;
	}
}

function compareVersions(a: string, b: string): number {
	const [x, y] = [a, b].map(version => version.split('.').map(Number));
	for (let i = 0; i < 3; i++) if (x![i] !== y![i]) return x![i]! - y![i]!;
	return 0;
}

async function runSuite(server: Binary, cli: Binary, resultsFile: string): Promise<number> {
	const files = readdirSync(path.join(root, 'test', 'compat'))
		.filter(name => name.endsWith('.test.ts'))
		.map(name => path.join('test', 'compat', name));
	const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], {
		cwd: root,
		stdio: 'inherit',
		env: {...process.env, NATS_SERVER_BIN: server.path, NATS_CLI_BIN: cli.path, NATS_DR_COMPAT_RESULTS: resultsFile},
	});
	return new Promise(resolve => child.once('close', code => resolve(code ?? 1)));
}

function readRecords(file: string): Array<Record<string, string>> {
	if (!existsSync(file)) return [];
	return readFileSync(file, 'utf8')
		.split('\n')
		.filter(Boolean)
		.map(line => JSON.parse(line) as Record<string, string>);
}

function serverResult(
	server: Binary,
	seconds: number,
	passed: boolean,
	records: Array<Record<string, string>>,
): ServerResult {
	const features: ServerResult['features'] = {};
	const behaviours: ServerResult['behaviours'] = {};
	const rank = {yes: 0, no: 1, fails: 2} as const;
	for (const entry of records) {
		if (entry['kind'] === 'behaviour') {
			behaviours[entry['behaviour']!] = entry['observed']!;
			continue;
		}

		// A feature checked in several tests takes its worst outcome.
		const name = entry['feature']!;
		const result = entry['result'] as keyof typeof rank;
		const earlier = features[name];
		if (!earlier || rank[result] > rank[earlier.result])
			features[name] = {result, ...(entry['note'] ? {note: entry['note']} : {})};
	}

	return {version: server.version, seconds, passed, features, behaviours};
}

async function main(): Promise<void> {
	const wanted = process.argv.slice(2);
	const built = builtBinaries();
	const cli = built.filter(binary => binary.name === 'nats').at(-1);
	const fromPath = pathServer();
	const servers = [...(fromPath ? [fromPath] : []), ...built.filter(binary => binary.name === 'nats-server')]
		.filter((server, index, all) => all.findIndex(other => other.version === server.version) === index)
		.filter(server => wanted.length === 0 || wanted.some(prefix => server.version.startsWith(prefix)))
		.sort((a, b) => compareVersions(a.version, b.version));
	if (!cli)
		throw new Error('no nats CLI built: run scripts/servers.sh first (it needs Go), then npm run test:compat again');
	if (servers.length === 0) throw new Error('no nats-server found: install one on the PATH or run scripts/servers.sh');

	const scratch = mkdtempSync(path.join(tmpdir(), 'nats-dr-compat-results-'));
	const results: ServerResult[] = [];
	try {
		for (const server of servers) {
			console.log(`\n=== nats-server ${server.version} (${server.path}) with nats ${cli.version}`);
			const started = performance.now();
			const file = path.join(scratch, `${server.version}.jsonl`);
			const code = await runSuite(server, cli, file);
			const seconds = Math.round((performance.now() - started) / 1000);
			console.log(`=== nats-server ${server.version}: ${code === 0 ? 'passed' : 'FAILED'} in ${seconds} s`);
			results.push(serverResult(server, seconds, code === 0, readRecords(file)));
		}
	} finally {
		rmSync(scratch, {recursive: true, force: true});
	}

	console.log('\nCompatibility suite, time per server version:');
	for (const result of results)
		console.log(`  ${result.version.padEnd(8)} ${result.passed ? 'passed' : 'FAILED'}  ${result.seconds} s`);
	console.log(`  total    ${results.reduce((sum, result) => sum + result.seconds, 0)} s`);

	// A partial run does not describe the matrix, so only a full one rewrites the docs.
	if (wanted.length === 0) {
		const document: CompatResults = {
			generated: new Date().toISOString(),
			natscli: cli.version,
			node: process.version,
			servers: results,
		};
		writeFileSync(jsonFile, `${JSON.stringify(document, null, '\t')}\n`);
		writeFileSync(markdownFile, renderCompatibility(document));
		console.log(`Wrote ${path.relative(root, jsonFile)} and ${path.relative(root, markdownFile)}`);
	}
	if (results.some(result => !result.passed)) process.exitCode = 1;
}

await main();
