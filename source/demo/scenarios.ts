/**
 * The demo's failure scenarios and which servers each one kills. Pure: decided over the placement
 * the seeded cluster actually got, so a scenario always breaks what its text promises.
 */
import {UsageError} from '../core/errors.js';

const scenarioNames = ['node-loss', 'quorum-loss', 'r1-loss', 'region-loss'] as const;

export type ScenarioName = (typeof scenarioNames)[number];

export function parseScenario(value: string | undefined): ScenarioName {
	if (value === undefined) return 'node-loss';
	const known = scenarioNames.find(name => name === value);
	if (!known)
		throw new UsageError(`unknown scenario "${value}"`, `use --scenario ${scenarioNames.join(', --scenario ')}`);
	return known;
}

/** Where the R3 stream landed, and who leads. */
export type SeededPlacement = {
	servers: string[];
	metaLeader: string;
	/** The R3 stream's peers, leader included. */
	replicatedPeers: string[];
	replicatedLeader: string | undefined;
};

export type Victims = {
	/** Killed, in order; the first one also hosts the pinned R1 stream. */
	killed: string[];
	/** The server outside the R3 stream's peer set: the spare a replacement replica moves to. */
	spare: string;
};

/**
 * Victims hold a replica of the R3 stream and are never the meta leader, so one loss leaves a meta
 * group that can still peer-remove. The R3 stream's own leader goes last: killing a follower leaves
 * the stream answering at once, with no election for the operator to wait out.
 */
export function chooseVictims(scenario: ScenarioName, placement: SeededPlacement): Victims {
	const {servers, metaLeader, replicatedPeers, replicatedLeader} = placement;
	if (replicatedPeers.length !== 3 || servers.length !== 4) {
		throw new Error(
			`the demo needs an R3 stream on a 4-server cluster, got ${replicatedPeers.length} peers on ${servers.length} servers`,
		);
	}

	const spare = servers.find(server => !replicatedPeers.includes(server))!;
	const candidates = replicatedPeers
		.filter(peer => peer !== metaLeader)
		.sort((a, b) => Number(a === replicatedLeader) - Number(b === replicatedLeader) || a.localeCompare(b));
	const count = scenario === 'quorum-loss' ? 2 : 1;
	return {killed: candidates.slice(0, count), spare};
}
