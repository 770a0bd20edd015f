/**
 * The next steps to take, in words, from an assessment: what the report and the wizard suggest.
 * Whenever the picture is partial or anything is not healthy, a step says what is missing and what
 * to do. Pure.
 */
import type {Assessment} from './assess.js';
import type {MetaVerdict} from './meta-verdict.js';
import type {StreamVerdict} from './stream-verdict.js';

/**
 * Who reads the steps: the command line names commands and flags, the wizard names its menu items
 * (the same advice, in the words of the face the operator is using).
 */
export type Face = 'cli' | 'wizard';

/** The newest usable backup per stream, as far as the steps need it. */
export type BackupHint = {dir: string};

function names(verdicts: StreamVerdict[], max = 10): string {
	const shown = verdicts.slice(0, max).map(verdict => verdict.stream);
	return verdicts.length > max ? `${shown.join(', ')} and ${verdicts.length - max} more` : shown.join(', ');
}

function quorumLostSteps(
	meta: MetaVerdict,
	streams: StreamVerdict[],
	backups: Map<string, BackupHint> | undefined,
	face: Face,
): string[] {
	const need = Math.max(1, (meta.quorum ?? 0) - meta.answering);
	const dead = meta.dead.length > 0 ? meta.dead.join(', ') : 'the servers that do not answer';
	const enough = meta.dead.length > need ? ` (any ${need} of them ${need === 1 ? 'is' : 'are'} enough)` : '';
	const steps = [
		`Meta quorum lost: ${meta.answering} of ${meta.size} servers answer and ${meta.quorum} are needed. Until quorum returns no stream or consumer can be created, deleted or restored, and no peer-remove works.`,
		`Bring back ${need} of ${dead}${enough}; nothing can be repaired before that.`,
	];
	const serving = streams.filter(
		verdict =>
			verdict.kind === 'healthy' ||
			verdict.kind === 'quorum-no-spare' ||
			verdict.kind === 'self-healing-after-peer-remove',
	);
	steps.push(
		serving.length > 0
			? `Still working: streams whose own group has a leader keep serving reads and writes: ${names(serving)}.`
			: 'No stream has a working group right now: clients get no JetStream service until servers come back.',
	);
	const atRisk = streams.filter(verdict => verdict.kind === 'r1-on-dead-node' || verdict.kind === 'no-quorum');
	if (atRisk.length > 0 && backups) {
		const found = atRisk.filter(verdict => backups.has(verdict.stream));
		const without = atRisk.filter(verdict => !backups.has(verdict.stream));
		if (found.length > 0)
			steps.push(
				`Backups exist for ${found.map(verdict => `${verdict.stream} (${backups.get(verdict.stream)!.dir})`).join(', ')}: restore them only once quorum is back, and only if their servers stay lost.`,
			);
		if (without.length > 0)
			steps.push(`No usable backup found for ${names(without)}: their data comes back only with their servers.`);
	} else if (atRisk.length > 0) {
		steps.push(
			face === 'wizard'
				? `Choose "Restore from a backup" to see which backups exist for ${names(atRisk)}, and restore them once quorum is back.`
				: `Run diagnose with --backups DIR to see which backups exist for ${names(atRisk)}.`,
		);
	}

	return steps;
}

function coverageSteps(assessment: Assessment, face: Face): string[] {
	const {coverage, meta} = assessment;
	const steps: string[] = [];
	const rerun = face === 'wizard' ? 'choose Refresh' : 'rerun diagnose';
	if (coverage.serversMissing && meta.kind !== 'standalone')
		steps.push(
			`The server view is missing (${coverage.serversMissing}): ${face === 'wizard' ? 'start nats-dr again' : 'run diagnose'} with system-account credentials (--sys-user/--sys-creds/--sys-context) to see which servers are dead and whether peer-remove is possible.`,
		);
	if (coverage.streamsMissing)
		steps.push(
			`The stream list is missing (${coverage.streamsMissing}): no stream could be judged; ${rerun} once the servers answer.`,
		);
	if (coverage.election && !coverage.election.leaderFound && meta.kind !== 'no-quorum') {
		steps.push(
			`No meta leader was elected within ${Math.round(coverage.election.waitedMs / 1000)} s although a quorum answers: check the servers' logs and the routes between them, then ${face === 'wizard' ? 'choose Refresh (the overview also refreshes by itself once a leader is elected)' : 'rerun diagnose (--election-timeout waits longer)'}.`,
		);
	} else if (meta.kind === 'unknown' && meta.size !== undefined && !coverage.election) {
		steps.push(`No meta leader right now: ${rerun} in a few seconds, once the election is over.`);
	}

	if (coverage.partial) {
		steps.push(
			`The stream list is partial: ${coverage.partial}. ${face === 'wizard' ? 'Choose Refresh' : 'Rerun diagnose'} once the meta group has a leader for the full list.`,
		);
	} else if (coverage.remembered.length > 0) {
		steps.push(
			`${coverage.remembered.length} stream(s) could not be described live and are shown as last seen (from the inventory): ${coverage.remembered.slice(0, 10).join(', ')}.`,
		);
	}

	const undescribed = coverage.undescribed.filter(name => !coverage.remembered.includes(name));
	if (undescribed.length > 0)
		steps.push(
			`${undescribed.length} stream(s) gave no information: ${undescribed.slice(0, 10).join(', ')}${undescribed.length > 10 ? '…' : ''}; ${face === 'wizard' ? 'choose Refresh' : 'retry diagnose'}, and see their verdicts.`,
		);
	if (coverage.inventoryProblem)
		steps.push(`The inventory of what the cluster held is not kept: ${coverage.inventoryProblem}.`);
	return steps;
}

export function nextSteps(assessment: Assessment, backups?: Map<string, BackupHint>, face: Face = 'cli'): string[] {
	const {meta, streams} = assessment;
	const steps: string[] = [];
	if (meta.kind === 'no-quorum') steps.push(...quorumLostSteps(meta, streams, backups, face));
	if (meta.kind === 'standalone') {
		steps.push(
			`Standalone server: there is no meta group and no replica, so recovery means restoring from backups (${face === 'wizard' ? '"Back up streams" regularly; "Restore from a backup" after a loss' : 'nats-dr backup --all DIR regularly; nats-dr restore DIR after a loss'}); peer-remove does not apply.`,
		);
	}

	const byKind = (kind: string) => streams.filter(verdict => verdict.kind === kind);
	const lost = byKind('r1-on-dead-node');
	if (lost.length > 0) steps.push(`Restore from a backup (or bring the node back): ${names(lost, 50)}.`);
	const noQuorum = byKind('no-quorum');
	if (noQuorum.length > 0) steps.push(`Bring dead replicas back, or restore from a backup: ${names(noQuorum, 50)}.`);
	const removable = new Set(
		[...byKind('self-healing-after-peer-remove'), ...byKind('quorum-no-spare')].flatMap(v => v.remove),
	);
	for (const server of [...removable].sort()) {
		if (meta.peerRemovePossible)
			steps.push(
				`Peer-remove the dead server so its replicas move to spares: ${face === 'wizard' ? `choose "Automatic recovery", then ${server}` : `nats-dr peer-remove ${server}`}`,
			);
	}

	const idle =
		meta.kind === 'degraded' && meta.peerRemovePossible ? meta.dead.filter(server => !removable.has(server)) : [];
	for (const server of idle)
		steps.push(
			`${server} does not answer but holds no stream replica: if it will not come back, peer-remove it from the meta group: ${face === 'wizard' ? `choose "Automatic recovery", then ${server}` : `nats-dr peer-remove ${server}`}`,
		);
	if (byKind('quorum-no-spare').length > 0)
		steps.push('Add a JetStream server to the affected cluster so shrunk streams get back to their replica count.');
	if (byKind('unknown').length > 0)
		steps.push(`Look at the streams without a verdict: ${names(byKind('unknown'), 50)}.`);
	steps.push(...coverageSteps(assessment, face));
	if (steps.length === 0 && meta.kind === 'healthy')
		steps.push('Nothing to do: the cluster and every stream are healthy.');
	if (meta.kind === 'standalone' && steps.length === 1 && streams.every(verdict => verdict.kind === 'healthy'))
		steps.push('Nothing else to do: the server and every stream are healthy.');
	return steps;
}
