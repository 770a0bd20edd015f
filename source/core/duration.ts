import {UsageError} from './errors.js';

const units: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000};
/** Every duration flag is a wait or a timeout: a day is past any sane one, and far below setTimeout's 24.8-day limit. */
const maxMs = 24 * 3_600_000;

/**
 * Parses Go-style durations as natscli accepts them ("5s", "500ms", "1m30s"); a bare number means
 * seconds, because that is what operators type after `--timeout`.
 */
export function parseDuration(text: string, flag = '--timeout'): number {
	const ms = parseAnyDuration(text, flag);
	if (ms < 1) throw new UsageError(`${flag} must be longer than 0, not "${text}"`, 'use a value like 5s, 500ms or 2m');
	if (ms > maxMs)
		throw new UsageError(`${flag} "${text}" is longer than the limit of 24h`, 'use a value like 5s, 500ms or 2m');
	return ms;
}

function parseAnyDuration(text: string, flag: string): number {
	const trimmed = text.trim();
	if (/^-\d/.test(trimmed))
		throw new UsageError(`${flag} must be longer than 0, not "${text}"`, 'use a value like 5s, 500ms or 2m');
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
	const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
	const consumed = parts.map(part => part[0]).join('');
	if (parts.length === 0 || consumed !== trimmed) {
		throw new UsageError(`${flag} "${text}" is not a duration`, 'use a value like 5s, 500ms or 2m');
	}

	return Math.round(parts.reduce((total, part) => total + Number(part[1]) * units[part[2]!]!, 0));
}

export function formatDuration(ms: number): string {
	if (ms < 1000) return `${Math.round(ms)}ms`;
	if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 3 : 1).replace(/\.?0+$/, '')}s`;
	const minutes = Math.floor(ms / 60_000);
	const seconds = Math.round((ms % 60_000) / 1000);
	return `${minutes}m${seconds}s`;
}
