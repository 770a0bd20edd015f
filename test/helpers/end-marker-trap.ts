/**
 * A TCP relay to a server that forwards NATS protocol frames from the client unchanged, except
 * the restore's end marker (an empty PUB to $JS.SNAPSHOT.RESTORE.>), which it holds back: the
 * client then waits in the server phase until the test releases the marker, if ever.
 */
import {createServer, connect as tcpConnect, type Server, type Socket} from 'node:net';

export type EndMarkerTrap = {
	url: string;
	/** Resolves once the end marker arrived and was held back. */
	trapped: Promise<void>;
	/** Sends the held end marker on to the server. */
	release: () => void;
	close: () => Promise<void>;
};

export async function endMarkerTrap(serverPort: number): Promise<EndMarkerTrap> {
	let trap: () => void = () => undefined;
	const trapped = new Promise<void>(resolve => {
		trap = resolve;
	});
	let held: {upstream: Socket; frame: Buffer} | undefined;
	const server: Server = createServer(client => {
		const upstream = tcpConnect(serverPort, '127.0.0.1');
		upstream.pipe(client);
		let pending = Buffer.alloc(0);
		client.on('data', (data: Buffer) => {
			pending = Buffer.concat([pending, data]);
			let at = 0;
			for (;;) {
				const eol = pending.indexOf('\r\n', at);
				if (eol < 0) break;
				const line = pending.toString('latin1', at, eol);
				const publish = /^H?PUB (\S+) .*?(\d+)$/i.exec(line);
				const end = publish ? eol + 2 + Number(publish[2]) + 2 : eol + 2;
				if (end > pending.length) break;
				const frame = pending.subarray(at, end);
				if (publish?.[1]!.startsWith('$JS.SNAPSHOT.RESTORE.') && Number(publish[2]) === 0) {
					held = {upstream, frame: Buffer.from(frame)};
					trap();
				} else {
					upstream.write(frame);
				}

				at = end;
			}

			pending = pending.subarray(at);
		});
		client.on('close', () => upstream.destroy());
		upstream.on('close', () => client.destroy());
		client.on('error', () => upstream.destroy());
		upstream.on('error', () => client.destroy());
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as {port: number};
	return {
		url: `nats://127.0.0.1:${port}`,
		trapped,
		release() {
			if (held && !held.upstream.destroyed) held.upstream.write(held.frame);
		},
		close: async () =>
			new Promise<void>(resolve => {
				server.close(() => resolve());
			}),
	};
}
