/**
 * A cheap look at the start of a `stream.tar.s2`: its format and the stream named in `meta.inf`,
 * which nats-server writes first. This runs even with --no-verify, so the format and name checks
 * hold without reading the whole archive; a damaged start only makes both unknown.
 */
import {createReadStream} from 'node:fs';
import {S2Decoder} from '../archive/s2-decode.js';
import {TarWalker} from '../archive/tar-walk.js';
import type {ArchiveFormat} from '../archive/verify-archive.js';

const natsArc1Magic = Buffer.from('NATSARC1', 'latin1');
// meta.inf is a few KiB at the head of the tar, but it arrives in the first S2 chunk, which may
// hold up to 4 MiB; past one such chunk, give up rather than read on.
const peekLimitBytes = (4 << 20) + 64 * 1024;

export type ArchivePeek = {format: ArchiveFormat; streamName?: string};

export async function peekArchive(path: string, signal?: AbortSignal): Promise<ArchivePeek> {
	const decoder = new S2Decoder();
	let head = Buffer.alloc(0);
	let format: ArchiveFormat = 'unknown';
	let streamName: string | undefined;
	let done = false;
	const tar = new TarWalker({wantContent: name => name === 'meta.inf'});
	const onEntry = (entry: {name: string; content?: Buffer}): void => {
		if (entry.name === 'meta.inf') streamName = nameOf(entry.content);
		done = true;
	};

	try {
		for await (const data of createReadStream(path, {highWaterMark: 64 * 1024, end: peekLimitBytes - 1, signal})) {
			decoder.write(data as Buffer);
			for (let block = decoder.read(); block !== undefined && !done; block = decoder.read()) {
				if (format === 'unknown') {
					// The magic may straddle blocks.
					const taken = Math.min(natsArc1Magic.length - head.length, block.length);
					head = Buffer.concat([head, block.subarray(0, taken)]);
					if (head.length < natsArc1Magic.length) continue;
					format = head.equals(natsArc1Magic) ? 'natsarc1' : 'tar';
					if (format === 'natsarc1') return {format};
					tar.push(head, onEntry);
					block = block.subarray(taken);
				}

				tar.push(block, onEntry);
			}

			if (done) break;
		}
	} catch (error) {
		if (signal?.aborted) throw error;
		return {format: 'unknown'};
	}

	return streamName === undefined ? {format} : {format, streamName};
}

function nameOf(content: Buffer | undefined): string | undefined {
	try {
		const {name} = JSON.parse(content?.toString('utf8') ?? '') as {name?: unknown};
		return typeof name === 'string' && name !== '' ? name : undefined;
	} catch {
		return undefined;
	}
}
