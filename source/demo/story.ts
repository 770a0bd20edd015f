/**
 * What each scenario broke, what the operator should find, and what to do about it, in words and
 * exact commands against the demo's own contexts. Pure, so the wizard, the plain briefing and the
 * JSON line all tell the same story.
 */
import {demoStreams} from './seed.js';
import {regions, regionStreams} from './seed-regions.js';
import type {ScenarioName} from './scenarios.js';
import {nodeTag} from './server-config.js';

export type StoryStep = {say: string; run: string[]};

export type Story = {
	title: string;
	broke: string[];
	/** What `nats-dr diagnose` reports, verdict by verdict. */
	find: string[];
	steps: StoryStep[];
};

export type StoryFacts = {
	scenario: ScenarioName;
	killed: string[];
	spare: string;
	metaLeader: string;
	contexts: {app: string; sys: string};
	auditLog: string;
	/** Config, log and store of each server, for the restart and wipe texts. */
	files: Record<string, {configFile: string; logFile: string; storeDir: string}>;
	backupDir: string | undefined;
};

/** Quotes a shell word only when it needs it. */
export function shellWord(word: string): string {
	return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

export function connectionArgs(facts: Pick<StoryFacts, 'contexts'>): string {
	return `--context ${shellWord(facts.contexts.app)} --sys-context ${shellWord(facts.contexts.sys)}`;
}

export function diagnoseCommand(facts: Pick<StoryFacts, 'contexts'>): string {
	return `nats-dr diagnose ${connectionArgs(facts)}`;
}

export function story(facts: StoryFacts): Story {
	switch (facts.scenario) {
		case 'node-loss': {
			return nodeLoss(facts);
		}

		case 'quorum-loss': {
			return quorumLoss(facts);
		}

		case 'r1-loss': {
			return r1Loss(facts);
		}

		case 'region-loss': {
			return regionLoss(facts);
		}
	}
}

const {replicated, pinned, safe} = demoStreams;

function peerRemoveStep(facts: StoryFacts, victim: string, outcome: string): StoryStep {
	return {
		say: `remove ${victim} from the meta group: ${outcome}`,
		run: [
			`nats-dr peer-remove ${victim} ${connectionArgs(facts)} --audit-log ${shellWord(facts.auditLog)}`,
			`nats --context ${shellWord(facts.contexts.sys)} server cluster peer-remove ${victim}`,
		],
	};
}

function nodeLoss(facts: StoryFacts): Story {
	const [victim = '?'] = facts.killed;
	return {
		title: `node-loss: ${victim} is gone for good`,
		broke: [
			`${victim} was killed with SIGKILL, as when its host dies.`,
			`It held a replica of ${replicated} (R3, durable consumers fulfillment and analytics) and the only copy of ${pinned} (R1, pinned to it by the tag ${nodeTag(victim)}).`,
		],
		find: [
			`${replicated}: self-healing-after-peer-remove: 2 of 3 replicas alive, so quorum holds, and ${facts.spare} is a spare`,
			`${pinned}: r1-on-dead-node: its data is only on ${victim}`,
			`${safe}: healthy (R1 on ${facts.spare})`,
			`meta group: degraded: ${facts.metaLeader} leads, 3 of 4 servers answer, so peer-remove is possible`,
		],
		steps: [
			peerRemoveStep(facts, victim, `${replicated} gets a new replica on ${facts.spare} and catches up by itself`),
			{
				say: `${pinned} has no backup in this scenario: peer-remove warns that its data goes with ${victim}. With a real server, bring it back with its disk if you can, and back up R1 streams (see --scenario r1-loss)`,
				run: [],
			},
		],
	};
}

function quorumLoss(facts: StoryFacts): Story {
	const [first = '?', second = '?'] = facts.killed;
	const restart = facts.files[first];
	return {
		title: `quorum-loss: ${first} and ${second} are down`,
		broke: [
			`${first} and ${second} were killed with SIGKILL. Both held ${replicated} replicas: ${replicated} has 1 of 3 left and its RAFT group needs 2.`,
			`With 4 servers, 2 dead leave the meta group at 2 of 4 while it needs 3: there is no meta quorum either, so nothing can be peer-removed.`,
			`${first} also held ${pinned} (R1).`,
		],
		find: [
			`meta group: no-quorum: 2 of 4 servers answer and it needs 3`,
			`${replicated}: no-quorum: 1 of 3 replicas alive and RAFT needs 2`,
			`${pinned}: r1-on-dead-node: its data is only on ${first}`,
			`${safe}: healthy (R1 on ${facts.spare})`,
			`next steps: no stream or consumer can be created, deleted or restored until quorum returns; bring back 1 of ${first}, ${second}; ${safe} keeps serving`,
		],
		steps: [
			{
				say: 'see that nothing can be forced without a meta quorum: peer-remove refuses, and says why',
				run: [`nats-dr peer-remove ${second} ${connectionArgs(facts)} --audit-log ${shellWord(facts.auditLog)}`],
			},
			{
				say: `bring a dead server back, its disk is intact: the meta group (3 of 4) and ${replicated} (2 of 3) regain quorum. The wizard's overview watches for the meta leader and refreshes by itself once one is elected. A server you start is yours to stop: kill it before you stop the demo`,
				run: restart ? [`nats-server -c ${shellWord(restart.configFile)} >> ${shellWord(restart.logFile)} 2>&1 &`] : [],
			},
			peerRemoveStep(facts, second, `then ${replicated} moves that replica to ${facts.spare}`),
		],
	};
}

function r1Loss(facts: StoryFacts): Story {
	const [victim = '?'] = facts.killed;
	const backup = facts.backupDir ?? '(no backup)';
	const store = facts.files[victim]?.storeDir ?? 'its store';
	const app = shellWord(facts.contexts.app);
	return {
		title: `r1-loss: ${victim} and its disk are gone`,
		broke: [
			`A backup of ${pinned} was taken first, into ${backup}.`,
			`Then ${victim} was killed and its data directory ${store} wiped, as when a disk is lost: ${pinned} (R1, pinned to ${victim} by the tag ${nodeTag(victim)}) now exists only in that backup.`,
			`${victim} also held a replica of ${replicated}.`,
		],
		find: [
			`${pinned}: r1-on-dead-node: its data was only on ${victim}`,
			`${replicated}: self-healing-after-peer-remove, with ${facts.spare} as the spare`,
			`${safe}: healthy (R1 on ${facts.spare})`,
		],
		steps: [
			{say: 'check the backup before you count on it', run: [`nats-dr verify ${shellWord(backup)}`]},
			peerRemoveStep(facts, victim, `${replicated} heals onto ${facts.spare}; ${pinned} stays offline`),
			{
				say: `delete the offline ${pinned} definition, so its backup can be restored`,
				run: [`nats --context ${app} stream rm ${pinned} -f`],
			},
			{
				say: `restore ${pinned} onto a live server: the backup pins it to ${nodeTag(victim)}, which no live server carries, so give it another placement`,
				run: [
					`nats-dr restore ${shellWord(backup)} --tag ${nodeTag(facts.spare)} --context ${app} --audit-log ${shellWord(facts.auditLog)}`,
				],
			},
		],
	};
}

function regionLoss(facts: StoryFacts): Story {
	const {lost, surviving, third} = regions;
	const {failover, mirror, restore, lost: unprotected} = regionStreams;
	const backup = facts.backupDir ?? '(no backup)';
	const backups = shellWord(backup.replace(/\/[^/]+$/, ''));
	const app = shellWord(facts.contexts.app);
	const audit = `--audit-log ${shellWord(facts.auditLog)}`;
	return {
		title: `region-loss: cluster ${lost} is gone`,
		broke: [
			`Three clusters, ${lost}, ${surviving} and ${third}, one server each, joined by gateways. The JetStream meta group spans all three: 3 members and a quorum of 2, so it survives losing any one cluster. Two equal clusters could not: losing either would take half of the meta group, and its quorum, with it.`,
			`${failover}, ${restore} and ${unprotected} lived in ${lost}. ${failover} had a mirror ${mirror} in ${surviving}; ${restore} had a backup taken by nats-dr into ${backup}; ${unprotected} had nothing outside ${lost}.`,
			`Then every server of ${lost} was killed with SIGKILL, as when a data centre goes dark.`,
		],
		find: [
			`${failover}: region lost — a mirror in ${surviving} (${mirror}) is 0 messages behind: fail over (nats-dr failover ${mirror})`,
			`${restore}: region lost — newest backup seconds old: restore it into a surviving cluster`,
			`${unprotected}: region lost — no mirror, no backup`,
			`meta group: ${lost} down, 2 of 3 members answering: failover and restore still work`,
		],
		steps: [
			{
				say: `see what the loss of ${lost} cost, stream by stream`,
				run: [`nats-dr readiness --backups ${backups} ${connectionArgs(facts)}`],
			},
			{
				say: `fail ${failover} over to its mirror: on 2.12+ ${mirror} is promoted in place, on older servers copied into ${mirror}_PROMOTED`,
				run: [`nats-dr failover ${mirror} ${connectionArgs(facts)} ${audit}`],
			},
			{
				say: `delete the lost ${restore} (its server is gone, so the reply may time out; the deletion still happens), then restore it from the backup into ${surviving}`,
				run: [
					`nats --context ${app} stream rm ${restore} -f`,
					`nats-dr restore ${shellWord(backup)} --cluster ${surviving} --context ${app} ${audit}`,
				],
			},
			{
				say: `${unprotected} had no mirror and no backup: it is lost with ${lost}. Protect streams before a loss: nats-dr protect STREAM --mirror-to ${surviving}`,
				run: [],
			},
		],
	};
}
