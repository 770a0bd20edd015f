/**
 * The IO half of the pre-flight: what the target says about itself, gathered once per run (servers,
 * account, stream names) and once per stream (its name and subjects). Every failure becomes an
 * "unknown" fact with the reason, so the pure checks can say what they could not check.
 */
import type {NatsConnection} from 'nats';
import {DrError, JsApiError} from '../errors.js';
import {jsRequest, type JsApi} from '../jsapi.js';
import {gatherServers} from '../diagnosis/servers.js';
import {listStreamNames, streamInfo} from '../diagnosis/streams.js';
import type {AccountInfoReply, ServerFact, TargetFacts, Unknown} from './preflight.js';

/** The connections a restore uses: the account's, and the system account's for the server list. */
export type RestoreConnection = {js: JsApi; sys: NatsConnection | undefined; sysError?: DrError | undefined};

export type SharedTargetFacts = {
	version: string;
	cluster: string | undefined;
	servers: ServerFact[] | Unknown;
	names: string[] | Unknown;
	account: AccountInfoReply | Unknown;
};

/** How long a fact may take; a server that does not answer costs this much once. */
export const factTimeoutMs = 3000;

export async function gatherSharedFacts(
	connection: RestoreConnection,
	signal?: AbortSignal,
): Promise<SharedTargetFacts> {
	const {js} = connection;
	const timeoutMs = Math.min(js.timeoutMs, factTimeoutMs);
	const [servers, names, account] = await Promise.all([
		serverFacts(connection, timeoutMs, signal),
		known(async () => listStreamNames(js, timeoutMs)),
		known(async () => jsRequest<AccountInfoReply>(js, 'INFO', undefined, {timeoutMs})),
	]);
	return {
		version: js.nc.info?.version ?? 'unknown',
		cluster: js.nc.info?.cluster || undefined,
		servers,
		names,
		account,
	};
}

async function serverFacts(
	connection: RestoreConnection,
	timeoutMs: number,
	signal?: AbortSignal,
): Promise<ServerFact[] | Unknown> {
	// A standalone server needs no list: the replica check only asks whether it is clustered.
	if (!connection.js.nc.info?.cluster) return [];
	if (!connection.sys) return {unknown: connection.sysError?.message ?? 'no system-account connection'};
	const sys = connection.sys;
	return known(async () => {
		const view = await gatherServers(sys, {timeoutMs, ...(signal ? {signal} : {})});
		return view.servers
			.filter(server => server.answering)
			.map(server => ({name: server.name, cluster: server.cluster, tags: server.tags, jetstream: server.jetstream}));
	});
}

export async function gatherStreamFacts(
	connection: RestoreConnection,
	shared: SharedTargetFacts,
	stream: string,
	subjects: string[],
): Promise<Pick<TargetFacts, 'stream' | 'overlaps'>> {
	const timeoutMs = Math.min(connection.js.timeoutMs, factTimeoutMs);
	const [state, overlaps] = await Promise.all([
		streamState(connection.js, shared.names, stream, timeoutMs),
		known(async () =>
			Promise.all(
				subjects.map(async subject => ({subject, streams: await streamsOn(connection.js, subject, timeoutMs)})),
			),
		),
	]);
	return {stream: state, overlaps};
}

async function streamState(
	js: JsApi,
	names: string[] | Unknown,
	stream: string,
	timeoutMs: number,
): Promise<TargetFacts['stream']> {
	if ('unknown' in names) return names;
	if (!names.includes(stream)) return 'absent';
	try {
		await streamInfo(js, stream, timeoutMs);
		return 'exists';
	} catch (error) {
		if (error instanceof JsApiError && error.errCode === 10059) return 'reserved';
		// Listed by STREAM.NAMES but offline (10118) or silent (its only node is dead): the name is
		// taken all the same, and a restore would fail with 10130 after the upload.
		if (error instanceof DrError) return 'exists';
		throw error;
	}
}

type NamesReply = {total: number; streams: string[] | null};

/** STREAM.NAMES filtered by a subject lists the streams whose subjects overlap it (2.9 and later). */
async function streamsOn(js: JsApi, subject: string, timeoutMs: number): Promise<string[]> {
	const streams: string[] = [];
	for (let total = Infinity; streams.length < total;) {
		const page = await jsRequest<NamesReply>(js, 'STREAM.NAMES', {subject, offset: streams.length}, {timeoutMs});
		total = page.total;
		if (!page.streams?.length) break;
		streams.push(...page.streams);
	}

	return streams;
}

async function known<T>(work: () => Promise<T>): Promise<T | Unknown> {
	try {
		return await work();
	} catch (error) {
		if (error instanceof DrError) return {unknown: error.message};
		throw error;
	}
}
