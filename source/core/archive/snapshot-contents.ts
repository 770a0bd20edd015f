/**
 * What a nats-server stream snapshot tar must contain, and the checks on it: `meta.inf` names the
 * stream, `meta.sum` matches it, `errors.txt` is absent. The layout is nats-server's
 * (server/filestore.go streamSnapshot, 2.9 and 2.10).
 */

import {createHash} from 'node:crypto';
import {highwayHash64Hex} from './highwayhash.js';
import type {TarEntry} from './tar-walk.js';

const metaFile = 'meta.inf';
const metaSumFile = 'meta.sum';
/** nats-server ≤2.10 reports a failure in the middle of a snapshot only through this entry. */
const errorsFile = 'errors.txt';
/** Unsafe entries named in the findings; the rest are only counted, so a hostile archive costs no memory. */
const namedUnsafeEntries = 3;
const consumerMetaPattern = /^obs\/([^/]+)\/meta\.(?:inf|sum)$/;
const messageBlockPattern = /^msgs\/\d+\.blk$/;

/** The small entries worth buffering; message blocks are only counted. */
export function wantsContent(name: string): boolean {
	return name === metaFile || name === metaSumFile || name === errorsFile || consumerMetaPattern.test(name);
}

export type SnapshotFindings = {
	streamName?: string;
	metaSumOk?: boolean;
	errorsTxt?: string;
	problems: string[];
	warnings: string[];
};

/** Collects entries as the tar walker reports them. */
export class SnapshotContents {
	entries = 0;
	messageBlocks = 0;
	readonly consumers = new Set<string>();
	readonly #files = new Map<string, {content: Buffer; truncated: boolean}>();
	readonly #unsafe: string[] = [];
	#unsafeCount = 0;

	add(entry: TarEntry): void {
		this.entries++;
		const unsafe = unsafeEntry(entry);
		if (unsafe !== undefined) {
			this.#unsafeCount++;
			if (this.#unsafe.length < namedUnsafeEntries) this.#unsafe.push(unsafe);
			return;
		}

		if (messageBlockPattern.test(entry.name)) this.messageBlocks++;
		const consumer = /^obs\/([^/]+)\//.exec(entry.name)?.[1];
		if (consumer !== undefined) this.consumers.add(consumer);
		if (entry.content)
			this.#files.set(entry.name, {content: entry.content, truncated: entry.contentTruncated === true});
	}

	/**
	 * `complete` is false when the tar was cut short: then absent entries may simply not have been
	 * reached, so they are not reported as missing.
	 */
	inspect(complete: boolean): SnapshotFindings {
		const findings: SnapshotFindings = {problems: [], warnings: []};
		if (this.#unsafeCount > 0) {
			const more = this.#unsafeCount - this.#unsafe.length;
			findings.problems.push(
				`the archive holds ${this.#unsafeCount === 1 ? 'an entry' : `${this.#unsafeCount} entries`} a stream snapshot never has, which a restore could write outside the stream's directory: ${this.#unsafe.join(', ')}${more > 0 ? ` and ${more} more` : ''}`,
			);
		}

		const errors = this.#files.get(errorsFile);
		if (errors !== undefined) {
			findings.errorsTxt = errors.content.toString('utf8');
			const text = findings.errorsTxt.trim();
			findings.problems.push(
				`the server reported an error while writing the snapshot: ${text === '' ? '(errors.txt is empty)' : text}`,
			);
		}

		const meta = this.#files.get(metaFile);
		if (meta === undefined) {
			if (complete)
				findings.problems.push(
					'no meta.inf in the archive: the stream configuration is missing, so it cannot be restored',
				);
			return findings;
		}

		const streamName = streamNameOf(meta.content);
		if (streamName === undefined) {
			findings.problems.push('meta.inf in the archive is not a stream configuration with a name');
			return findings;
		}

		findings.streamName = streamName;
		const sum = this.#files.get(metaSumFile);
		if (sum === undefined) {
			if (complete) findings.warnings.push('no meta.sum in the archive: the stream configuration cannot be checked');
		} else if (!meta.truncated) {
			findings.metaSumOk = sumMatches(meta.content, sum.content, streamName);
			if (!findings.metaSumOk) {
				// The bytes passed their CRCs, so the server wrote a mismatching pair; a server that finds
				// one when it loads its stream directories skips the stream.
				findings.problems.push(
					'meta.sum does not match meta.inf: the server would ignore the restored stream after a restart',
				);
			}
		}

		for (const consumer of this.consumers) this.#inspectConsumer(streamName, consumer, complete, findings);
		return findings;
	}

	#inspectConsumer(streamName: string, consumer: string, complete: boolean, findings: SnapshotFindings): void {
		const meta = this.#files.get(`obs/${consumer}/${metaFile}`);
		const sum = this.#files.get(`obs/${consumer}/${metaSumFile}`);
		if (meta === undefined || sum === undefined) {
			if (complete)
				findings.problems.push(
					`consumer ${consumer} has no meta.inf or meta.sum in the archive: it would not be restored`,
				);
			return;
		}

		if (!meta.truncated && !sumMatches(meta.content, sum.content, `${streamName}/${consumer}`)) {
			findings.problems.push(
				`meta.sum of consumer ${consumer} does not match its meta.inf: the consumer would be lost after a restart`,
			);
		}
	}
}

/**
 * Why an entry cannot belong to a snapshot, quoted with its name, or undefined. nats-server writes
 * only regular files and directories under relative names. Control characters are allowed: the
 * server accepts them in consumer names, whose directories they become; they are printed escaped.
 */
export function unsafeEntry(entry: Pick<TarEntry, 'name' | 'type'>): string | undefined {
	const {name} = entry;
	// JSON quoting escapes control characters, so the name is shown without acting on a terminal.
	const quoted = JSON.stringify(name);
	if (entry.type === 'symlink' || entry.type === 'hardlink') return `${quoted} (a link)`;
	if (entry.type === 'other') return `${quoted} (a device, FIFO or unknown entry type)`;
	if (name === '') return 'an entry without a name';
	if (name.startsWith('/')) return `${quoted} (an absolute path)`;
	if (/^[a-z]:/i.test(name)) return `${quoted} (a drive letter)`;
	if (name.includes('\\')) return `${quoted} (a backslash)`;
	if (name.split('/').includes('..')) return `${quoted} (a ".." segment)`;
	return undefined;
}

function streamNameOf(meta: Buffer): string | undefined {
	try {
		const parsed: unknown = JSON.parse(meta.toString('utf8'));
		if (typeof parsed !== 'object' || parsed === null) return undefined;
		const {name} = parsed as {name?: unknown};
		return typeof name === 'string' && name !== '' ? name : undefined;
	} catch {
		return undefined;
	}
}

/** nats-server keys the hash with SHA-256 of the stream name, or of "stream/consumer" for consumers. */
function sumMatches(meta: Buffer, sum: Buffer, keyName: string): boolean {
	const key = createHash('sha256').update(keyName).digest();
	return highwayHash64Hex(meta, key) === sum.toString('latin1').trim().toLowerCase();
}
