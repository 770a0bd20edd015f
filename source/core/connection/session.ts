/**
 * One account connection plus the optional system-account connection, opened from settings.
 * The system side is best effort: its failure is kept as a reason, so diagnosis can say what it
 * could not see instead of failing altogether.
 */
import type {NatsConnection} from 'nats';
import {DrError} from '../errors.js';
import {jsApiPrefix, type JsApi} from '../jsapi.js';
import {connectNats} from './connect.js';
import type {ConnectionSettings} from './settings.js';

export type Session = {
	settings: ConnectionSettings;
	nc: NatsConnection;
	js: JsApi;
	/** The connection for $SYS requests: a separate one, or the account connection itself. */
	sys: NatsConnection | undefined;
	/** Why there is no usable system connection, when there is none. */
	sysError: DrError | undefined;
	/** Whether `sys` is a connection of its own (with explicit system credentials). */
	sysSeparate: boolean;
	close(): Promise<void>;
};

export async function openSession(
	settings: ConnectionSettings,
	sysSettings: ConnectionSettings | undefined,
): Promise<Session> {
	const nc = await connectNats(settings, 'account');
	let sys: NatsConnection | undefined = nc;
	let sysError: DrError | undefined;
	if (sysSettings) {
		try {
			sys = await connectNats(sysSettings, 'system');
		} catch (error) {
			sys = undefined;
			sysError = error instanceof DrError ? error : new DrError(String(error));
		}
	}

	return {
		settings,
		nc,
		js: {nc, prefix: jsApiPrefix(settings.jsDomain, settings.jsApiPrefix), timeoutMs: settings.timeoutMs},
		sys,
		sysError,
		sysSeparate: sysSettings !== undefined && sys !== undefined,
		async close() {
			const closing = [nc.close()];
			if (sys && sys !== nc) closing.push(sys.close());
			await Promise.allSettled(closing);
		},
	};
}
