/**
 * Turns flags, NATS_* environment variables and a natscli context into one ConnectionSettings.
 * Precedence follows natscli: a flag, else its environment variable, else the context, else the
 * default. Secrets stay in this structure; `describeConnection` is the only way to show it. Server
 * URLs lose their user part when they are parsed, so no list of servers can ever show a secret.
 */
import {readFileSync} from 'node:fs';
import {inspect} from 'node:util';
import {UsageError} from '../errors.js';
import {expandPath, resolveContext, type ContextEnv, type LoadedContext} from './context.js';

export const defaultServer = 'nats://127.0.0.1:4222';
export const defaultTimeoutMs = 5000;

/** Connection-related command-line values, as parsed (undefined = not given). */
export type ConnectionFlags = {
	server?: string;
	context?: string;
	noContext?: boolean;
	user?: string;
	password?: string;
	token?: string;
	creds?: string;
	nkey?: string;
	tlscert?: string;
	tlskey?: string;
	tlsca?: string;
	tlsfirst?: boolean;
	jsDomain?: string;
	timeoutMs?: number;
};

export type SystemFlags = {
	sysContext?: string;
	sysUser?: string;
	sysPassword?: string;
	sysCreds?: string;
};

export type Credentials =
	| {kind: 'none'}
	| {kind: 'user'; user: string; password: string}
	| {kind: 'token'; token: string}
	| {kind: 'creds'; file: string}
	| {kind: 'nkey'; file: string}
	| {kind: 'jwt'; jwt: string; seed: string | undefined};

export type ConnectionSettings = {
	servers: string[];
	credentials: Credentials;
	/** natscli adds a token on top of other credentials when both are set. */
	token: string | undefined;
	tls: {cert?: string; key?: string; ca?: string; handshakeFirst?: boolean} | undefined;
	jsDomain: string | undefined;
	jsApiPrefix: string | undefined;
	inboxPrefix: string | undefined;
	timeoutMs: number;
	context: {name: string; path: string} | undefined;
};

function pick(...values: Array<string | undefined>): string | undefined {
	return values.find(value => value !== undefined && value !== '');
}

function splitServers(value: string): string[] {
	return value
		.split(',')
		.map(url => url.trim())
		.filter(url => url !== '');
}

/**
 * A server URL split into the address and its user part, in every form natscli takes: with or
 * without a scheme, `user:password@`, a lone `token@`, percent-encoded or not. Everything before
 * the last `@` is the user part, so a password with an unencoded `@` or `/` is never left behind.
 */
export function splitUserInfo(url: string): {
	url: string;
	user: string | undefined;
	password: string | undefined;
	raw: string | undefined;
} {
	const scheme = /^[a-z][a-z\d+.-]*:\/\//i.exec(url)?.[0] ?? '';
	const rest = url.slice(scheme.length);
	const at = rest.lastIndexOf('@');
	if (at === -1) return {url, user: undefined, password: undefined, raw: undefined};
	const raw = rest.slice(0, at);
	const colon = raw.indexOf(':');
	return {
		url: scheme + rest.slice(at + 1),
		user: decoded(colon === -1 ? raw : raw.slice(0, colon)),
		password: colon === -1 ? undefined : decoded(raw.slice(colon + 1)),
		raw,
	};
}

/** nats.go decodes the user part; a `%` that starts no escape is taken as it is. */
function decoded(value: string): string {
	try {
		return decodeURIComponent(value);
	} catch {
		return value;
	}
}

const unsupportedSchemes = ['op://', 'nsc://', 'env://', 'data:'];

/** A creds/nkey reference as a file path: a bare path or file://. natscli's other URI forms are refused with a way out. */
function credentialFile(value: string, what: string, where: ContextEnv): string {
	const scheme = unsupportedSchemes.find(prefix => value.startsWith(prefix));
	if (scheme) {
		throw new UsageError(
			`${what} "${scheme}…" is not supported by nats-dr`,
			`write the ${what} to a file${scheme === 'op://' ? ' (e.g. with `op read`)' : scheme === 'nsc://' ? ' (e.g. with `nsc generate creds`)' : ''} and pass its path`,
		);
	}

	if (value.startsWith('file://')) return expandPath(value.slice('file://'.length), where);
	return expandPath(value, where);
}

export function resolveSettings(flags: ConnectionFlags, where: ContextEnv): ConnectionSettings {
	const {env} = where;
	const loaded: LoadedContext | undefined = flags.noContext ? undefined : resolveContext(flags.context, where);
	const ctx = loaded?.settings ?? {};

	const user = pick(flags.user, env['NATS_USER'], ctx.user);
	const password = pick(flags.password, env['NATS_PASSWORD'], ctx.password);
	let token = pick(flags.token, env['NATS_TOKEN'], ctx.token);
	const creds = pick(flags.creds, env['NATS_CREDS'], ctx.creds, ctx.nsc ? `nsc://${ctx.nsc}` : undefined);
	const nkey = pick(flags.nkey, env['NATS_NKEY'], ctx.nkey);
	const jwt = pick(env['NATS_JWT'], ctx.user_jwt);

	let credentials: Credentials = {kind: 'none'};
	if (user !== undefined && password !== undefined) {
		credentials = {kind: 'user', user, password};
	} else if (user !== undefined) {
		// natscli passes a user without a password to the server as a token.
		token ??= user;
	} else if (creds !== undefined) {
		credentials = {kind: 'creds', file: credentialFile(creds, 'creds', where)};
	} else if (nkey !== undefined) {
		credentials = {kind: 'nkey', file: credentialFile(nkey, 'nkey', where)};
	} else if (jwt !== undefined) {
		credentials = {kind: 'jwt', jwt, seed: pick(env['NATS_SEED'], ctx.user_seed)};
	}

	if (ctx.socks_proxy && !flags.server) {
		throw new UsageError(
			`context "${loaded?.name ?? ''}" uses a SOCKS proxy, which nats-dr cannot use`,
			'run nats-dr on a host that reaches the servers directly, or pass --server',
		);
	}

	const parsed = splitServers(pick(flags.server, env['NATS_URL'], ctx.url) ?? defaultServer).map(url =>
		splitUserInfo(url),
	);
	const servers = parsed.map(entry => entry.url);
	// nats.js ignores credentials in a server URL; nats.go (natscli) sends them: user:password, or a
	// lone user as a token. Used here when nothing else gives credentials; dropped from the URLs either way.
	const inUrl =
		credentials.kind === 'none' && token === undefined ? parsed.find(entry => entry.raw !== undefined) : undefined;
	if (inUrl?.password) credentials = {kind: 'user', user: inUrl.user ?? '', password: inUrl.password};
	else if (inUrl?.user) token = inUrl.user;
	const urlSecrets = parsed.flatMap(entry => [
		entry.raw,
		entry.password,
		entry.password === undefined ? entry.user : undefined,
	]);

	const cert = pick(flags.tlscert, env['NATS_CERT'], ctx.cert);
	const key = pick(flags.tlskey, env['NATS_KEY'], ctx.key);
	const ca = pick(flags.tlsca, env['NATS_CA'], ctx.ca);
	const handshakeFirst = flags.tlsfirst ?? ctx.tls_first;
	if ((cert === undefined) !== (key === undefined)) {
		throw new UsageError('a TLS client certificate needs both --tlscert and --tlskey');
	}

	const tls =
		cert !== undefined || ca !== undefined || handshakeFirst
			? {
					...(cert ? {cert: expandPath(cert, where)} : {}),
					...(key ? {key: expandPath(key, where)} : {}),
					...(ca ? {ca: expandPath(ca, where)} : {}),
					...(handshakeFirst ? {handshakeFirst: true} : {}),
				}
			: undefined;

	return hiddenSecrets(
		{
			servers,
			credentials,
			token,
			tls,
			jsDomain: pick(flags.jsDomain, ctx.jetstream_domain),
			jsApiPrefix: pick(ctx.jetstream_api_prefix),
			inboxPrefix: pick(ctx.inbox_prefix),
			timeoutMs: flags.timeoutMs ?? defaultTimeoutMs,
			context: loaded ? {name: loaded.name, path: loaded.path} : undefined,
		},
		urlSecrets,
	);
}

const urlSecretsKey = Symbol('secrets from the server URLs');

/**
 * Settings that cannot render their secrets: JSON.stringify and inspect show the credentials'
 * kind only, and the user parts the URLs had stay out of sight, for the scrubber alone.
 */
function hiddenSecrets(settings: ConnectionSettings, secrets: Array<string | undefined>): ConnectionSettings {
	const shown = () => ({
		...settings,
		credentials: {kind: settings.credentials.kind},
		token: settings.token === undefined ? undefined : '***',
	});
	return Object.defineProperties(settings, {
		[urlSecretsKey]: {value: secrets.filter((secret): secret is string => Boolean(secret))},
		toJSON: {value: shown},
		[inspect.custom]: {value: () => shown()},
	});
}

/**
 * Settings for the optional system-account connection: its own context, or the main servers with
 * other credentials. Undefined when nothing system-specific was given: then the main connection
 * is tried for system requests, which works when it already is a system-account user.
 */
export function resolveSystemSettings(
	flags: SystemFlags,
	main: ConnectionSettings,
	where: ContextEnv,
): ConnectionSettings | undefined {
	if (flags.sysContext === undefined && flags.sysUser === undefined && flags.sysCreds === undefined) {
		if (flags.sysPassword !== undefined) throw new UsageError('--sys-password needs --sys-user');
		return undefined;
	}

	const base = flags.sysContext
		? resolveSettings(
				{context: flags.sysContext, timeoutMs: main.timeoutMs},
				{...where, env: withoutNatsEnv(where.env)},
			)
		: {...main, credentials: {kind: 'none'} as Credentials, token: undefined, context: undefined};

	let credentials = base.credentials;
	if (flags.sysUser !== undefined) {
		credentials = {kind: 'user', user: flags.sysUser, password: flags.sysPassword ?? ''};
	} else if (flags.sysCreds !== undefined) {
		credentials = {kind: 'creds', file: credentialFile(flags.sysCreds, 'creds', where)};
	}

	// A JetStream domain never applies to system-account requests (natscli refuses it there).
	return hiddenSecrets({...base, credentials, jsDomain: undefined, jsApiPrefix: undefined}, []);
}

/** The system context alone decides its connection; NATS_* variables belong to the main one. */
function withoutNatsEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
	return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('NATS_')));
}

/**
 * Every secret the settings hold or point at, so output can be scrubbed of them as a last line of
 * defence: passwords, tokens, the user parts of URLs, JWTs and seeds, also those in creds and nkey
 * files (read here; a file that cannot be read is reported when connecting).
 */
export function secretsOf(...all: Array<ConnectionSettings | undefined>): string[] {
	const secrets: string[] = [];
	for (const settings of all) {
		if (!settings) continue;
		const {credentials} = settings;
		if (credentials.kind === 'user' && credentials.password) secrets.push(credentials.password);
		if (credentials.kind === 'token') secrets.push(credentials.token);
		if (credentials.kind === 'jwt') secrets.push(credentials.jwt, ...(credentials.seed ? [credentials.seed] : []));
		if (credentials.kind === 'creds' || credentials.kind === 'nkey') secrets.push(...fileSecrets(credentials.file));
		if (settings.token) secrets.push(settings.token);
		secrets.push(...((settings as {[urlSecretsKey]?: string[]})[urlSecretsKey] ?? []));
	}

	return [...new Set(secrets)];
}

const jwtPattern = /\beyJ[\w-]+\.[\w-]+\.[\w-]+/g;
const seedPattern = /\bS[OAUNCPX][A-Z2-7]{50,}\b/g;

function fileSecrets(file: string): string[] {
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch {
		return [];
	}

	return [...text.matchAll(jwtPattern), ...text.matchAll(seedPattern)].map(match => match[0]);
}

/** What the connection points at, in words, never with a secret. */
export function describeConnection(settings: ConnectionSettings): {
	servers: string;
	auth: string;
	context: string | undefined;
	jsDomain: string | undefined;
} {
	const {credentials} = settings;
	const auth = {
		none: () => (settings.token ? 'token' : 'no credentials'),
		user: () => `user "${(credentials as {user: string}).user}" with a password`,
		token: () => 'token',
		creds: () => `creds file ${(credentials as {file: string}).file}`,
		nkey: () => `nkey seed file ${(credentials as {file: string}).file}`,
		jwt: () => 'user JWT',
	}[credentials.kind]();
	const tls = settings.tls?.cert ? ', TLS client certificate' : settings.tls ? ', TLS' : '';
	return {
		servers: settings.servers.join(','),
		auth: auth + tls,
		context: settings.context?.name,
		jsDomain: settings.jsDomain,
	};
}
