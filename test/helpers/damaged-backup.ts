/** A copy of a backup directory whose archive has one byte flipped, far enough in to pass its first chunks. */
import {cpSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';

export function damagedCopy(from: string, to: string, offset = 1_500_000): string {
	cpSync(from, to, {recursive: true});
	const path = join(to, 'stream.tar.s2');
	const archive = readFileSync(path);
	archive[offset]! ^= 0xff;
	writeFileSync(path, archive);
	return to;
}
