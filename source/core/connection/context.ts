/**
 * natscli context files, read the way natscli (jsm.go natscontext) reads them: a name or a path to
 * a .json file from --context or NATS_CONTEXT, else the name selected in context.txt, from
 * $XDG_CONFIG_HOME/nats or ~/.config/nats.
 */
import {existsSync, readFileSync} from 'node:fs';
import {homedir} from 'node:os';
import path from 'node:path';
import {DrError, UsageError} from '../errors.js';

/** The fields of a natscli context file that matter to a connection. Unknown fields are ignored. */
export type ContextFile = {
	description?: string;
	url?: string;
	token?: string;
	user?: string;
	password?: string;
	creds?: string;
	nkey?: string;
	cert?: string;
	key?: string;
	ca?: string;
	nsc?: string;
	jetstream_domain?: string;
	jetstream_api_prefix?: string;
	inbox_prefix?: string;
	user_jwt?: string;
	user_seed?: string;
	tls_first?: boolean;
	socks_proxy?: string;
};

export type LoadedContext = {name: string; path: string; settings: ContextFile};

export type ContextEnv = {
	env: NodeJS.ProcessEnv;
	home?: string;
};

export function natsConfigDir({env, home = homedir()}: ContextEnv): string {
	const base = env['XDG_CONFIG_HOME'] ? env['XDG_CONFIG_HOME'] : path.join(home, '.config');
	return path.join(base, 'nats');
}

/** Lists the names of the contexts in the config directory, for the wizard's picker. */
export async function listContexts(where: ContextEnv): Promise<{names: string[]; selected: string | undefined}> {
	const {readdir} = await import('node:fs/promises');
	const dir = natsConfigDir(where);
	let names: string[] = [];
	try {
		names = (await readdir(path.join(dir, 'context')))
			.filter(file => file.endsWith('.json'))
			.map(file => file.slice(0, -'.json'.length))
			.sort();
	} catch {}

	return {names, selected: selectedContextName(where)};
}

function selectedContextName(where: ContextEnv): string | undefined {
	try {
		const name = readFileSync(path.join(natsConfigDir(where), 'context.txt'), 'utf8').trim();
		return name === '' ? undefined : name;
	} catch {
		return undefined;
	}
}

/**
 * Resolves the context to use. `requested` is the --context flag; NATS_CONTEXT is its default, as
 * in natscli. Returns undefined when no context is requested or selected.
 */
export function resolveContext(requested: string | undefined, where: ContextEnv): LoadedContext | undefined {
	const wanted = requested ?? (where.env['NATS_CONTEXT'] || undefined) ?? selectedContextName(where);
	if (wanted === undefined) return undefined;
	if (wanted.endsWith('.json') && existsSync(wanted)) {
		return load(path.basename(wanted, '.json'), path.resolve(wanted));
	}

	if (wanted.includes('..') || wanted.includes('/') || wanted.includes('\\')) {
		throw new UsageError(
			`context "${wanted}" is neither a context name nor an existing .json file`,
			'pass a context name from `nats context ls` or the path of a context .json file',
		);
	}

	const file = path.join(natsConfigDir(where), 'context', `${wanted}.json`);
	if (!existsSync(file)) {
		throw new UsageError(`unknown context "${wanted}": ${file} does not exist`, 'list contexts with `nats context ls`');
	}

	return load(wanted, file);
}

function load(name: string, file: string): LoadedContext {
	let parsed: unknown;
	try {
		parsed = JSON.parse(readFileSync(file, 'utf8'));
	} catch (error) {
		throw new DrError(`context file ${file} cannot be read: ${(error as Error).message}`);
	}

	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw new DrError(`context file ${file} does not hold a JSON object`);
	}

	return {name, path: file, settings: parsed as ContextFile};
}

/** Expands ~ and $VAR in path-like context values, as natscli does for creds, nkey, cert, key and ca. */
export function expandPath(value: string, where: ContextEnv): string {
	const home = where.home ?? homedir();
	const withHome = value === '~' || value.startsWith('~/') ? path.join(home, value.slice(1)) : value;
	return withHome.replaceAll(/\$(\w+)|\$\{(\w+)\}/g, (_, a?: string, b?: string) => where.env[a ?? b ?? ''] ?? '');
}
