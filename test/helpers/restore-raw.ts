/**
 * A restore done with the server's raw protocol (protocol doc §4), independent of the code under
 * test: RESTORE with backup.json, the archive in 64 KiB requests, an empty request, and the final
 * stream_create_response. Then the stream's state and consumers as the server reports them.
 */
import {existsSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import type {NatsConnection} from 'nats';
import {waitFor} from './nats-server.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export async function restoreRaw(nc: NatsConnection, dir: string, {replicas}: {replicas?: number} = {}): Promise<void> {
	const backup = JSON.parse(await readFile(join(dir, 'backup.json'), 'utf8')) as {
		config: {name: string; num_replicas?: number};
	};
	if (replicas !== undefined) backup.config.num_replicas = replicas;
	const name = backup.config.name;
	const start = json(
		await nc.request(`$JS.API.STREAM.RESTORE.${name}`, encoder.encode(JSON.stringify(backup)), {timeout: 30_000}),
	);
	if (start['error']) throw new Error(`restore of ${name} refused: ${JSON.stringify(start['error'])}`);
	const deliver = start['deliver_subject'] as string;
	// nats-dr keeps a 2.15 NATSARC1 archive as stream.arc.s2.
	const natsarc = join(dir, 'stream.arc.s2');
	const archive = await readFile(existsSync(natsarc) ? natsarc : join(dir, 'stream.tar.s2'));
	for (let at = 0; at < archive.length; at += 64 * 1024) {
		const reply = await nc.request(deliver, archive.subarray(at, at + 64 * 1024), {timeout: 5000});
		if (reply.data.length > 0) throw new Error(`restore chunk at ${at} rejected: ${decoder.decode(reply.data)}`);
	}

	const done = json(await nc.request(deliver, new Uint8Array(), {timeout: 60_000}));
	if (done['type'] !== 'io.nats.jetstream.api.v1.stream_create_response' || done['error']) {
		throw new Error(`restore of ${name} failed: ${JSON.stringify(done)}`);
	}
}

export type StreamFacts = {
	messages: number;
	firstSeq: number;
	lastSeq: number;
	/** name → [delivered stream seq, ack floor stream seq] */
	consumers: Record<string, [number, number]>;
};

/** What a restore must reproduce. Waits for `consumerCount` consumers: a cluster adds them after its reply. */
export async function streamFacts(nc: NatsConnection, stream: string, consumerCount = 0): Promise<StreamFacts> {
	const jsm = await nc.jetstreamManager();
	const {state} = await jsm.streams.info(stream);
	const list = await waitFor(
		async () => {
			const infos = await jsm.consumers.list(stream).next();
			return infos.length >= consumerCount && infos;
		},
		{what: `${consumerCount} consumers on ${stream}`},
	);
	const consumers: StreamFacts['consumers'] = {};
	for (const info of list) consumers[info.name] = [info.delivered.stream_seq, info.ack_floor.stream_seq];
	return {messages: state.messages, firstSeq: state.first_seq, lastSeq: state.last_seq, consumers};
}

function json(message: {data: Uint8Array}): Record<string, unknown> {
	return JSON.parse(decoder.decode(message.data)) as Record<string, unknown>;
}
