/**
 * Findings as the wizard lists them: the restore checks and the diagnosis's next steps, most severe
 * first, each hint in the wizard's words (the menu item that does it, not the command-line flag).
 */
import type {PreflightCheck, PreflightFinding} from '../../core/restore/preflight.js';

/** `step` is a next step of the diagnosis: it has an order but no level. */
export type FindingRow = {level: 'refusal' | 'warning' | 'step' | 'ok'; text: string; hint?: string | undefined};

const severity: Record<FindingRow['level'], number> = {refusal: 0, warning: 1, step: 1, ok: 2};

/** Most severe first; a stable sort, so rows of one level keep the order their check gave them. */
export function bySeverity<T extends {level: FindingRow['level']}>(rows: T[]): T[] {
	return [...rows].sort((a, b) => severity[a.level] - severity[b.level]);
}

const menuWords = (hint: string): string =>
	hint
		.replaceAll(/pass --replicas (\d+)/g, 'set Replicas to $1')
		.replaceAll(/--cluster (\S+)/g, 'Cluster $1')
		.replaceAll(/--tag (\S+)/g, 'Tags $1')
		.replaceAll('drop it with --no-placement', 'choose Drop the placement');

const same = (hint: string): string => hint;

/** Per check, its hint in the wizard's words; the command line keeps the core's wording. */
const wizardHints: Record<PreflightCheck, (hint: string) => string> = {
	backup: () => 'pick a directory written by a backup (Esc goes back to the list)',
	archive: () => 'pick another backup (Esc goes back to the list): the wizard restores only archives that verify',
	format: same,
	name: same,
	exists: () =>
		'nats-dr never overwrites a stream: choose the item below that ends in "first" (it deletes the stream, or peer-removes its dead node), then restore',
	subjects: same,
	replicas: menuWords,
	placement: menuWords,
	storage: same,
};

export function wizardHint(finding: Pick<PreflightFinding, 'check' | 'hint'>): string | undefined {
	return finding.hint === undefined ? undefined : wizardHints[finding.check](finding.hint);
}

export function planFindingRows(findings: PreflightFinding[]): FindingRow[] {
	return bySeverity(
		findings.map(finding => ({
			level: finding.level,
			text: finding.message,
			hint: finding.level === 'ok' ? undefined : wizardHint(finding),
		})),
	);
}

export function findingMatches(row: FindingRow, filter: string): boolean {
	const wanted = filter.toLowerCase();
	return (
		filter === '' ||
		row.text.toLowerCase().includes(wanted) ||
		(row.hint?.toLowerCase().includes(wanted) ?? false) ||
		levelWord[row.level].toLowerCase().includes(wanted)
	);
}

/** The badge each level is drawn with, which `/` also matches: `/refuse` keeps the refusals. */
export const levelWord: Record<FindingRow['level'], string> = {
	refusal: 'REFUSE',
	warning: 'warn',
	step: 'next',
	ok: 'ok',
};
