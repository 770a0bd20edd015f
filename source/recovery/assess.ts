/** Turns a diagnosis into verdicts: the meta group's and every stream's. Pure. */
import type {Diagnosis} from '../core/diagnosis/diagnose.js';
import {factsFromServers, type ClusterFacts} from './facts.js';
import {metaVerdict, type MetaVerdict} from './meta-verdict.js';
import {streamVerdict, type StreamVerdict} from './stream-verdict.js';

export type Assessment = {
	facts: ClusterFacts;
	meta: MetaVerdict;
	streams: StreamVerdict[];
};

export function assess(diagnosis: Diagnosis): Assessment {
	const facts = factsFromServers(diagnosis.servers.ok ? diagnosis.servers.value : undefined);
	const meta = metaVerdict(facts);
	const streams = diagnosis.streams.ok
		? diagnosis.streams.value.streams.map(stream => streamVerdict(stream, facts, meta, diagnosis.hosting.get(stream.name)))
		: [];
	return {facts, meta, streams};
}
