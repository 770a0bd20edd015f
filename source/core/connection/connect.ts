/**
 * Opens nats.js connections from ConnectionSettings and turns the errors an operator will meet
 * into one sentence each. Error texts are built here from settings, never from raw server text
 * that might echo credentials.
 */
import {readFile} from 'node:fs/promises';
import {
	connect,
	credsAuthenticator,
	jwtAuthenticator,
	nkeyAuthenticator,
	type Authenticator,
	type ConnectionOptions,
	type NatsConnection,
} from 'nats';
import {DrError} from '../errors.js';
import {describeConnection, type ConnectionSettings} from './settings.js';

export type ConnectPurpose = 'account' | 'system';

async function readSecretFile(file: string, what: string): Promise<Uint8Array> {
	try {
		return await readFile(file);
	} catch (error) {
		const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message;
		throw new DrError(`cannot read the ${what} file ${file}: ${reason}`);
	}
}

async function authenticator(settings: ConnectionSettings): Promise<Authenticator | undefined> {
	const {credentials} = settings;
	switch (credentials.kind) {
		case 'creds': {
			return credsAuthenticator(await readSecretFile(credentials.file, 'creds'));
		}

		case 'nkey': {
			const seed = new TextDecoder().decode(await readSecretFile(credentials.file, 'nkey seed')).trim();
			return nkeyAuthenticator(new TextEncoder().encode(seed));
		}

		case 'jwt': {
			return jwtAuthenticator(
				credentials.jwt,
				credentials.seed ? new TextEncoder().encode(credentials.seed) : undefined,
			);
		}

		default: {
			return undefined;
		}
	}
}

async function connectionOptions(settings: ConnectionSettings, name: string): Promise<ConnectionOptions> {
	const {credentials, tls} = settings;
	const options: ConnectionOptions = {
		servers: settings.servers,
		name,
		timeout: settings.timeoutMs,
		// Fail fast at start: an unreachable cluster must be reported, not retried in silence.
		waitOnFirstConnect: false,
		maxReconnectAttempts: 10,
		reconnectTimeWait: 1000,
		// Every request would capture a stack trace (an Error) that our error sentences never show:
		// measured as the costliest call in an account backup of 300 small streams.
		noAsyncTraces: true,
	};
	if (credentials.kind === 'user') {
		options.user = credentials.user;
		options.pass = credentials.password;
	}

	const token = credentials.kind === 'token' ? credentials.token : settings.token;
	if (token) options.token = token;
	const auth = await authenticator(settings);
	if (auth) options.authenticator = auth;
	if (settings.inboxPrefix) options.inboxPrefix = settings.inboxPrefix;
	if (tls) {
		options.tls = {
			...(tls.cert ? {certFile: tls.cert} : {}),
			...(tls.key ? {keyFile: tls.key} : {}),
			...(tls.ca ? {caFile: tls.ca} : {}),
			...(tls.handshakeFirst ? {handshakeFirst: true} : {}),
		};
	}

	return options;
}

/** Connects, or throws a DrError whose message names the server and the cause in plain words. */
export async function connectNats(
	settings: ConnectionSettings,
	purpose: ConnectPurpose = 'account',
): Promise<NatsConnection> {
	const options = await connectionOptions(settings, purpose === 'system' ? 'nats-dr (system)' : 'nats-dr');
	try {
		return await connect(options);
	} catch (error) {
		const cause = settings.tls && isTimeout(error) ? ((await tlsFailure(options)) ?? error) : error;
		throw connectError(cause, settings, purpose);
	}
}

function isTimeout(error: unknown): boolean {
	const code = String((error as {code?: unknown}).code ?? '');
	return code === 'CONNECTION_TIMEOUT' || code === 'TIMEOUT';
}

/**
 * A server that refuses the client certificate says so after the TLS 1.3 handshake; nats.js then
 * reconnects in silence until the connect timeout. An attempt without reconnects shows the cause,
 * unless the server's reset overtakes its TLS alert: then it is tried again, up to three times.
 */
async function tlsFailure(options: ConnectionOptions): Promise<unknown> {
	let failure: unknown;
	for (let attempt = 0; attempt < 3; attempt++) {
		try {
			const probe = await connect({...options, reconnect: false, timeout: Math.min(options.timeout ?? 2000, 2000)});
			await probe.close();
			return undefined;
		} catch (error) {
			if (isTimeout(error)) return undefined;
			failure = error;
			if (!isReset(error)) break;
		}
	}

	return failure;
}

function isReset(error: unknown): boolean {
	return /ECONNRESET/.test(
		`${String((error as {code?: unknown}).code ?? '')} ${String((error as Error).message ?? '')}`,
	);
}

function connectError(error: unknown, settings: ConnectionSettings, purpose: ConnectPurpose): DrError {
	const where = describeConnection(settings);
	const role = purpose === 'system' ? 'system-account ' : '';
	const code = String((error as {code?: unknown}).code ?? '');
	const message = String((error as Error).message ?? '');
	const hintFlags =
		purpose === 'system'
			? '--sys-user/--sys-password, --sys-creds or --sys-context'
			: '--user/--password, --token, --creds, --nkey or --context';
	if (code === 'AUTHORIZATION_VIOLATION' || /authorization/i.test(message)) {
		return new DrError(
			`authentication failed at ${where.servers}: the server rejected the ${role}credentials (${where.auth})`,
			{
				hint: `check ${hintFlags}`,
				cause: error,
			},
		);
	}

	if (code === 'AUTHENTICATION_EXPIRED' || code === 'ACCOUNT_EXPIRED') {
		return new DrError(`the ${role}credentials for ${where.servers} have expired`, {
			hint: 'renew the creds file',
			cause: error,
		});
	}

	if (code === 'CONNECTION_REFUSED' || /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH/.test(message)) {
		return new DrError(`cannot reach a NATS server at ${where.servers}: connection refused or host not found`, {
			hint: 'check --server (or the context url) and that the server is running',
			cause: error,
		});
	}

	if (code === 'CONNECTION_TIMEOUT' || code === 'TIMEOUT') {
		return new DrError(`timed out after ${settings.timeoutMs} ms connecting to ${where.servers}`, {
			hint: 'check the address and firewall, or raise --timeout',
			cause: error,
		});
	}

	if (settings.tls && isReset(error)) {
		return new DrError(
			`TLS handshake with ${where.servers} failed: the server closed the connection${settings.tls.cert ? ' (it may have rejected the client certificate)' : ' (it may require a client certificate)'}`,
			{hint: 'check --tlscert/--tlskey/--tlsca and that the server expects TLS', cause: error},
		);
	}

	if (code === 'TLS' || code.startsWith('ERR_SSL') || /tls|certificate|ssl/i.test(message)) {
		return new DrError(`TLS handshake with ${where.servers} failed: ${tlsReason(code, message, settings)}`, {
			hint: 'check --tlscert/--tlskey/--tlsca and that the server expects TLS',
			cause: error,
		});
	}

	return new DrError(`cannot connect to ${where.servers}: ${code || message}`, {cause: error});
}

function tlsReason(code: string, message: string, settings: ConnectionSettings): string {
	if (/ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED)$/.test(code)) {
		return settings.tls?.cert
			? 'the server rejected the client certificate'
			: 'the server requires a client certificate, and none was given';
	}

	// OpenSSL's "…:error:0A000412:SSL routines:func:reason:file:line:…" carries one readable part.
	const openssl = /:SSL routines:[^:]*:([^:]+)/.exec(message)?.[1];
	return (openssl ?? message).replace(/\s+/g, ' ').trim().slice(0, 200) || 'unknown TLS error';
}
