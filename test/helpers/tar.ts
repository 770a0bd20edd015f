/** Tar archives for tests: a minimal ustar writer and a nats-server 2.9 stream snapshot. */
import {createHash} from 'node:crypto';
import {highwayHash64Hex} from '../../source/core/archive/highwayhash.js';

export type TarInput = {
	name: string;
	content?: string | Buffer;
	typeflag?: string;
	pax?: Record<string, string>;
	size?: number;
};

/** A minimal ustar writer: one header per entry, bodies padded to 512 bytes, then two zero blocks. */
export function tarOf(entries: TarInput[], {end = true} = {}): Buffer {
	const parts: Buffer[] = [];
	for (const entry of entries) {
		const body = Buffer.from(entry.content ?? '');
		if (entry.pax) {
			const records = Object.entries(entry.pax)
				.map(([key, value]) => paxRecord(key, value))
				.join('');
			parts.push(header('PaxHeaders.0/x', Buffer.byteLength(records), 'x'), padded(Buffer.from(records)));
		}

		parts.push(header(entry.name, entry.size ?? body.length, entry.typeflag ?? '0'), padded(body));
	}

	if (end) parts.push(Buffer.alloc(1024));
	return Buffer.concat(parts);
}

function paxRecord(key: string, value: string): string {
	const text = ` ${key}=${value}\n`;
	let length = text.length + 1;
	while (String(length).length + text.length !== length) length++;
	return `${length}${text}`;
}

function header(name: string, size: number, typeflag: string): Buffer {
	const block = Buffer.alloc(512);
	block.write(name.slice(0, 100), 0, 'utf8');
	block.write('0000600\0', 100);
	block.write('0000000\0', 108);
	block.write('0000000\0', 116);
	block.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
	block.write('00000000000\0', 136);
	block.write(typeflag, 156);
	block.write('ustar\u000000', 257, 'latin1');
	block.fill(0x20, 148, 156);
	let sum = 0;
	for (const byte of block) sum += byte;
	block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
	return block;
}

function padded(body: Buffer): Buffer {
	return Buffer.concat([body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
}

/** A stream snapshot as nats-server 2.9 lays it out, with a valid meta.sum. */
export function snapshotTar(streamName: string, extra: TarInput[] = []): Buffer {
	const meta = Buffer.from(JSON.stringify({name: streamName, subjects: [`${streamName}.>`]}));
	const sum = highwayHash64Hex(meta, createHash('sha256').update(streamName).digest());
	return tarOf([
		{name: 'meta.inf', content: meta},
		{name: 'meta.sum', content: sum},
		{name: 'msgs/1.idx', content: Buffer.alloc(37)},
		{name: 'msgs/1.blk', content: Buffer.alloc(3000, 1)},
		...extra,
	]);
}
