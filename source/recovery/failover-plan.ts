/**
 * The failover plan, as a pure function: how a surviving mirror comes to serve its lost origin's
 * subjects, what it costs and what it loses. Two ways, chosen by the mirror's server version:
 *
 * - promote (2.12+): the mirror's own config loses its `mirror` and takes the subjects; same data,
 *   same sequence numbers, no copy, the mirror's name.
 * - copy (older servers answer 10055 "stream mirror configuration can not be updated"): a new stream
 *   sources the mirror and takes the subjects; a full copy inside the surviving cluster, renumbered
 *   sequences, a new name (the origin's own name would close a cycle: the mirror still names it).
 *
 * In one meta group (a supercluster) the dead origin still holds its subjects, so it is deleted first;
 * across domains it is out of reach and left alone.
 */
import type {TopologyStream} from '../core/topology/streams.js';
import {formatBytes, formatCount} from '../core/format.js';
import {formatAge, regionOf} from './readiness.js';

export type FailoverInput = {
	mirror: TopologyStream;
	/** The origin as read through the same API; undefined when it is in another domain (or gone). */
	origin: TopologyStream | undefined;
	/** The origin's subjects as known from its config, the mirror's record, or the operator. */
	subjects: string[];
	/** The version of the server leading the mirror. */
	serverVersion: string | undefined;
	newName: string | undefined;
	now: number;
};

type FailoverStep = {do: 'delete-origin' | 'promote' | 'create-copy' | 'drop-source'; words: string; nats: string};

export type FailoverPlan = {
	method: 'promote' | 'copy';
	mirror: string;
	origin: string;
	originDomain: string | undefined;
	/** The stream that serves the subjects afterwards. */
	target: string;
	region: string | undefined;
	subjects: string[];
	deleteOrigin: boolean;
	steps: FailoverStep[];
	/** Lines for the operator: RPO, cost, consumers, the old stream. */
	notes: string[];
	/** The config sent in the promote or create step. */
	config: Record<string, unknown>;
};

/** 2.12 is the first release that lets STREAM.UPDATE remove a mirror: verified on 2.12.15 and 2.15.3; 2.9.10, 2.10.27 and 2.11.17 refuse with 10055. */
export function canPromote(version: string | undefined): boolean {
	const [major = 0, minor = 0] = (version ?? '').split('.').map(part => Number.parseInt(part, 10));
	return major > 2 || (major === 2 && minor >= 12);
}

function quoteList(subjects: string[]): string {
	return subjects.map(subject => `--subjects '${subject}'`).join(' ');
}

export function planFailover({mirror, origin, subjects, serverVersion, newName, now}: FailoverInput): FailoverPlan {
	const link = mirror.mirror!;
	const method = canPromote(serverVersion) ? 'promote' : 'copy';
	const target = method === 'promote' ? mirror.name : (newName ?? `${mirror.name}_PROMOTED`);
	const deleteOrigin = origin !== undefined;
	const region = regionOf(mirror);
	const base = {...mirror.config};
	delete base['mirror'];
	const config =
		method === 'promote'
			? {...base, subjects}
			: {
					name: target,
					subjects,
					storage: base['storage'] ?? 'file',
					num_replicas: mirror.replicas ?? 1,
					...(base['placement'] ? {placement: base['placement']} : {}),
					sources: [{name: mirror.name}],
				};
	const steps: FailoverStep[] = [];
	if (deleteOrigin) {
		steps.push({
			do: 'delete-origin',
			words: `delete ${link.name} from the meta group: its region is gone, and it still holds ${subjects.join(', ')}`,
			nats: `nats stream rm ${link.name} -f`,
		});
	}

	if (method === 'promote') {
		steps.push({
			do: 'promote',
			words: `remove ${mirror.name}'s mirror configuration and give it the subjects ${subjects.join(', ')}`,
			nats: `nats stream edit ${mirror.name} --config promoted.json   # the config without "mirror", with the subjects`,
		});
	} else {
		steps.push(
			{
				do: 'create-copy',
				words: `create ${target} in ${region ?? "the mirror's cluster"} with the subjects ${subjects.join(', ')}, sourcing everything from ${mirror.name}`,
				nats: `nats stream add ${target} ${quoteList(subjects)} --source ${mirror.name} --replicas ${mirror.replicas ?? 1} --defaults`,
			},
			{
				do: 'drop-source',
				words: `once ${target} holds all of ${mirror.name}, drop the source so ${target} stands alone`,
				nats: `nats stream edit ${target} --config standalone.json   # the same config without "sources"`,
			},
		);
	}

	const lastMs = mirror.lastTime ? now - Date.parse(mirror.lastTime) : undefined;
	const notes: string[] = [];
	const lag = link.lag ?? 0;
	notes.push(
		`RPO: ${mirror.name} is ${formatCount(lag)} message(s) behind as last known${link.activeMs === undefined ? '' : `, last heard from ${link.name} ${formatAge(link.activeMs)} ago`}; messages ${link.name} stored after ${mirror.lastTime ?? "the mirror's newest"}${lastMs === undefined ? '' : ` (${formatAge(lastMs)} ago)`} are not in it.`,
	);
	notes.push(
		method === 'promote'
			? `Cost: no copy, seconds; ${mirror.name} keeps its ${formatCount(mirror.messages ?? 0)} messages and their sequence numbers, and serves under its own name.`
			: `Cost: the server refuses to edit a mirror (before 2.12), so ${target} copies all ${formatCount(mirror.messages ?? 0)} messages (${formatBytes(mirror.bytes ?? 0)}) from ${mirror.name}: twice the storage until ${mirror.name} is deleted, new sequence numbers, and a new name.`,
	);
	notes.push(
		`Consumers: the consumers of ${link.name} do not move; recreate them on ${target}${method === 'promote' ? ' (sequence numbers are the same, so start sequences carry over)' : ' (sequences are renumbered: start them by time)'}. Publishers and clients must use ${target}${target === link.name ? '' : ` instead of ${link.name}`}.`,
	);
	notes.push(
		deleteOrigin
			? `The old stream: ${link.name} is deleted from the meta group; when its servers return they drop their copy, and with it any messages after the RPO point.`
			: `The old stream: ${link.name} lives in domain ${link.domain ?? '?'}, out of reach; if that domain returns, ${link.name} serves ${subjects.join(', ')} there too — delete it or mirror it back from ${target} before clients use it again.`,
	);
	if (method === 'copy')
		notes.push(
			`Afterwards ${mirror.name} is a frozen copy: delete it once ${target} serves (nats stream rm ${mirror.name}).`,
		);
	return {
		method,
		mirror: mirror.name,
		origin: link.name,
		originDomain: link.domain,
		target,
		region,
		subjects,
		deleteOrigin,
		steps,
		notes,
		config,
	};
}

const recordPrefix = 'nats-dr protect: mirror of ';

/** The mirror's description written by protect: it keeps the origin's subjects for a failover after the origin is gone. */
export function mirrorRecord(origin: string, subjects: string[]): string {
	return `${recordPrefix}${origin}; subjects: ${subjects.join(' ')}`;
}

export function subjectsFromRecord(description: unknown): string[] | undefined {
	if (typeof description !== 'string' || !description.startsWith(recordPrefix)) return undefined;
	const subjects = /; subjects: (.+)$/.exec(description)?.[1]?.split(' ').filter(Boolean);
	return subjects && subjects.length > 0 ? subjects : undefined;
}
