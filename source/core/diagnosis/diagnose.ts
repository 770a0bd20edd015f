/**
 * Gathers everything diagnosis needs in parallel, each part with its own failure: the server view
 * through the system account, and the account's streams. Returns plain data for the verdict
 * functions, the report printers and the wizard.
 */
import type {Session} from '../connection/session.js';
import {DrError} from '../errors.js';
import {gatherServers, type ServersView} from './servers.js';

export type Part<T> = {ok: true; value: T} | {ok: false; reason: string; hint: string | undefined};

export type Diagnosis = {
	time: string;
	servers: Part<ServersView>;
};

async function part<T>(work: () => Promise<T>): Promise<Part<T>> {
	try {
		return {ok: true, value: await work()};
	} catch (error) {
		if (error instanceof DrError) return {ok: false, reason: error.message, hint: error.hint};
		throw error;
	}
}

export async function diagnose(session: Session, {signal}: {signal?: AbortSignal} = {}): Promise<Diagnosis> {
	const {sys, sysError, settings} = session;
	const servers = sys
		? part(async () => gatherServers(sys, {timeoutMs: settings.timeoutMs, signal}))
		: Promise.resolve<Part<ServersView>>({ok: false, reason: sysError!.message, hint: sysError!.hint});
	return {time: new Date().toISOString(), servers: await servers};
}
