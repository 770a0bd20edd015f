import {UsageError} from '../errors.js';

const multipliers: Record<string, number> = {
	'': 1,
	b: 1,
	k: 1024,
	kb: 1024,
	kib: 1024,
	m: 1024 ** 2,
	mb: 1024 ** 2,
	mib: 1024 ** 2,
};

/**
 * Parses a size such as `131072`, `128KiB` or `1MiB`. K/KB/M/MB count in 1024s too: natscli's
 * chunk sizes are binary, and a decimal reading of `128KB` would give odd-sized chunks for no gain.
 */
export function parseSize(text: string, flag: string): number {
	const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
	const multiplier = match ? multipliers[match[2]!.toLowerCase()] : undefined;
	if (!match || multiplier === undefined) {
		throw new UsageError(`${flag} "${text}" is not a size`, 'use bytes or a value like 128KiB or 1MiB');
	}

	return Math.round(Number(match[1]) * multiplier);
}
