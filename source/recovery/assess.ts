/** Turns a diagnosis into verdicts: the meta group's and every stream's, and what the picture lacks. Pure. */
import type {Diagnosis} from '../core/diagnosis/diagnose.js';
import type {StreamView} from '../core/diagnosis/streams.js';
import {factsFromServers, type ClusterFacts} from './facts.js';
import {metaVerdict, type MetaVerdict} from './meta-verdict.js';
import {rememberedVerdict} from './remembered-verdict.js';
import {streamVerdict, type StreamVerdict} from './stream-verdict.js';

/** What the diagnosis could not see, so the next steps never present a partial picture as whole. */
export type Coverage = {
	/** Why the server view is missing, if it is. */
	serversMissing: string | undefined;
	/** Why there is no stream list at all, if there is none. */
	streamsMissing: string | undefined;
	/** Why the stream list is incomplete, if it is. */
	partial: string | undefined;
	/** Streams the API listed but could not describe. */
	undescribed: string[];
	/** Streams described from the inventory, not from a live answer. */
	remembered: string[];
	/** The meta election the diagnosis waited for, if any. */
	election: {waitedMs: number; timeoutMs: number; leaderFound: boolean} | undefined;
	inventoryProblem: string | undefined;
};

export type Assessment = {
	facts: ClusterFacts;
	meta: MetaVerdict;
	streams: StreamVerdict[];
	coverage: Coverage;
};

export function isRemembered(
	stream: StreamView,
): stream is StreamView & {source: {inventory: string; listed: boolean}} {
	return typeof stream.source === 'object' && 'inventory' in stream.source;
}

export function assess(diagnosis: Diagnosis): Assessment {
	const {servers, streams, election} = diagnosis;
	const views = streams.ok ? streams.value.streams : [];
	const facts: ClusterFacts = {
		...factsFromServers(servers.ok ? servers.value : undefined),
		election: election && {waitedMs: election.waitedMs, leaderFound: election.leader !== undefined},
	};
	// Without the system account, a server whose live streams carry no cluster name is standalone.
	if (
		!facts.serversKnown &&
		views.some(view => !isRemembered(view) && view.status === 'ok') &&
		views.every(view => view.status !== 'ok' || view.cluster === undefined)
	) {
		facts.standalone = true;
	}

	const meta = metaVerdict(facts);
	const verdicts = views.map(stream =>
		isRemembered(stream)
			? rememberedVerdict(stream, facts, diagnosis.time, diagnosis.hosting.get(stream.name))
			: streamVerdict(stream, facts, meta, diagnosis.hosting.get(stream.name)),
	);
	const coverage: Coverage = {
		serversMissing: servers.ok ? undefined : servers.reason,
		streamsMissing: streams.ok ? undefined : streams.reason,
		partial: streams.ok ? streams.value.partial : undefined,
		undescribed: views.filter(view => view.status !== 'ok').map(view => view.name),
		remembered: diagnosis.inventory.remembered,
		election: election && {
			waitedMs: election.waitedMs,
			timeoutMs: election.timeoutMs,
			leaderFound: election.leader !== undefined,
		},
		inventoryProblem: diagnosis.inventory.problem,
	};
	return {facts, meta, streams: verdicts, coverage};
}
