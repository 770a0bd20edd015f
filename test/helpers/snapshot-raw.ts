/**
 * A stream backup taken with the server's raw snapshot protocol (protocol doc §3), independent of
 * the code under test: subscribe, request, ack every chunk on receipt, write the chunks as they come,
 * stop at the empty end marker, then write backup.json from the snapshot reply as natscli does.
 */
import {once} from 'node:events';
import {createWriteStream} from 'node:fs';
import {mkdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {createInbox, type NatsConnection} from 'nats';

export async function snapshotRaw(nc: NatsConnection, stream: string, dir: string): Promise<{bytes: number}> {
	await mkdir(dir, {recursive: true});
	const inbox = createInbox();
	const sub = nc.subscribe(inbox);
	const request = new TextEncoder().encode(JSON.stringify({deliver_subject: inbox, chunk_size: 128 * 1024}));
	const reply = JSON.parse(
		new TextDecoder().decode((await nc.request(`$JS.API.STREAM.SNAPSHOT.${stream}`, request, {timeout: 30_000})).data),
	) as {
		config?: unknown;
		state?: unknown;
		error?: unknown;
	};
	if (reply.error) throw new Error(`snapshot of ${stream} refused: ${JSON.stringify(reply.error)}`);
	const file = createWriteStream(join(dir, 'stream.tar.s2'));
	let bytes = 0;
	for await (const message of sub) {
		if (message.data.length === 0) break;
		if (message.reply) message.respond();
		bytes += message.data.length;
		if (!file.write(message.data)) await once(file, 'drain');
	}

	sub.unsubscribe();
	file.end();
	await once(file, 'close');
	await writeFile(join(dir, 'backup.json'), JSON.stringify({config: reply.config, state: reply.state}, null, 2));
	return {bytes};
}
