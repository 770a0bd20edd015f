import {createServer} from 'node:net';

/**
 * Ports the kernel hands out as free on 127.0.0.1 right now. All are held open together before any
 * is released, so one call never returns the same port twice.
 */
export async function freePorts(count: number): Promise<number[]> {
	const listeners = await Promise.all(
		Array.from({length: count}, async () => {
			const listener = createServer();
			await new Promise<void>((resolve, reject) => {
				listener.once('error', reject);
				listener.listen(0, '127.0.0.1', resolve);
			});
			return listener;
		}),
	);
	const ports = listeners.map(listener => {
		const address = listener.address();
		if (address === null || typeof address === 'string') throw new Error('a TCP listener has no port');
		return address.port;
	});
	await Promise.all(listeners.map(async listener => new Promise(resolve => listener.close(resolve))));
	return ports;
}
