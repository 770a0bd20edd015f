/** The next steps to take, in words, from an assessment: what the report and the wizard suggest. Pure. */
import type {Assessment} from './assess.js';

export function nextSteps(assessment: Assessment): string[] {
	const {meta, streams} = assessment;
	const steps: string[] = [];
	if (meta.kind === 'no-quorum') steps.push(`Bring servers back until the meta group has a leader (${meta.answering} of ${meta.size} answer, ${meta.quorum} needed); nothing can be repaired before that.`);
	const byKind = (kind: string) => streams.filter(verdict => verdict.kind === kind);
	const lost = byKind('r1-on-dead-node');
	if (lost.length > 0) steps.push(`Restore from a backup (or bring the node back): ${lost.map(v => v.stream).join(', ')}.`);
	const noQuorum = byKind('no-quorum');
	if (noQuorum.length > 0) steps.push(`Bring dead replicas back, or restore from a backup: ${noQuorum.map(v => v.stream).join(', ')}.`);
	const removable = new Set([...byKind('self-healing-after-peer-remove'), ...byKind('quorum-no-spare')].flatMap(v => v.remove));
	for (const server of [...removable].sort()) {
		if (meta.peerRemovePossible) steps.push(`Peer-remove the dead server so its replicas move to spares: nats-dr peer-remove ${server}`);
	}

	if (byKind('quorum-no-spare').length > 0) steps.push('Add a JetStream server to the affected cluster so shrunk streams get back to their replica count.');
	if (byKind('unknown').length > 0) steps.push(`Look at the streams without a verdict: ${byKind('unknown').map(v => v.stream).join(', ')}.`);
	if (steps.length === 0 && meta.kind !== 'unknown') steps.push('Nothing to do: the cluster and every stream are healthy.');
	return steps;
}
