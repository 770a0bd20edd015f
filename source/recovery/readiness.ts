/**
 * Disaster-recovery readiness, as a pure function over gathered facts: for each stream, the region
 * (cluster, or domain) its replicas live in, the copies it has in other regions (mirrors, sources)
 * with their lag, its newest verified backup, and the resulting recovery point objective (RPO: what a
 * recovery after losing the stream's region would lose). The meta group is judged across all clusters.
 */
import type {BackupSummary} from '../core/backup-catalog.js';
import type {TopologyStream} from '../core/topology/streams.js';
import {formatCount} from '../core/format.js';

export type ServerFact = {name: string; cluster: string | undefined; answering: boolean; jetstream: boolean};

export type ReadinessInput = {
	streams: TopologyStream[];
	/** Undefined when the system account could not be read. */
	servers: ServerFact[] | undefined;
	metaClusterSize: number | undefined;
	backups: BackupSummary[];
	now: number;
	maxRpoMs: number | undefined;
	/** Clusters (or domains) of which no server answers: a silent stream with no known place is taken to be there when there is one. */
	downRegions?: string[];
};

export type Copy = {
	stream: string;
	domain: string | undefined;
	region: string | undefined;
	kind: 'mirror' | 'source';
	answering: boolean;
	lagMessages: number | undefined;
	/** How far behind in time; undefined when it cannot be known (a source, or the origin is gone). */
	lagMs: number | undefined;
	/** Since the copy last heard from its origin. */
	activeMs: number | undefined;
};

type Rpo = {
	by: 'mirror' | 'source' | 'backup' | 'none';
	/** Undefined with `none` (everything is lost) or when the time behind is unknown. */
	ms: number | undefined;
	messages: number | undefined;
	/** The copy or the backup directory that gives this RPO. */
	from: string | undefined;
};

export type StreamReadiness = {
	stream: string;
	domain: string | undefined;
	region: string | undefined;
	answering: boolean;
	replicas: number | undefined;
	servers: string[];
	/** This stream is itself a mirror of another one: protection, not something to protect. */
	copyOf: string | undefined;
	copies: Copy[];
	backup: {dir: string; created: string; ageMs: number; messages: number | undefined} | undefined;
	rpo: Rpo;
	verdict: 'protected' | 'rpo-exceeded' | 'unprotected' | 'copy';
	/** One sentence for the operator. */
	words: string;
	messages: number | undefined;
	bytes: number | undefined;
};

export type RegionLoss = {
	region: string;
	/** Origin streams that live there. */
	streams: number;
	/** Of those, how many would lose messages, and how many at most. */
	losing: number;
	/** Summed over the streams whose counts are known. */
	lostMessages: number;
	lostBytes: number;
	/** Losing streams that do not answer, so how much they hold is unknown. */
	uncounted: string[];
	/** Streams with nothing outside the region: all of their data would be gone. */
	unprotected: string[];
	metaQuorumLost: boolean;
};

type MetaReadiness = {
	size: number;
	quorum: number;
	clusters: Array<{cluster: string; servers: number; lossKeepsQuorum: boolean}>;
	words: string;
};

type AccountSummary = {
	/** Streams to protect: every stream but the copies. */
	streams: number;
	protectedStreams: number;
	unprotected: string[];
	overLimit: string[];
	/** What the unprotected streams hold (the ones that answer). */
	atRiskMessages: number;
	atRiskBytes: number;
	/** The worst RPO among the protected streams; undefined when none has a known time. */
	worstRpoMs: number | undefined;
};

export type Readiness = {
	summary: AccountSummary;
	streams: StreamReadiness[];
	regions: RegionLoss[];
	meta: MetaReadiness | undefined;
	maxRpoMs: number | undefined;
	/** Streams past --max-rpo or without protection, when a threshold was given. */
	breaches: string[];
};

export function regionOf(stream: Pick<TopologyStream, 'domain' | 'cluster' | 'placement'>): string | undefined {
	const cluster = stream.cluster ?? stream.placement.cluster;
	if (stream.domain && cluster) return `${stream.domain}/${cluster}`;
	return stream.domain ?? cluster;
}

function sameStream(name: string, domain: string | undefined, stream: TopologyStream): boolean {
	return stream.name === name && stream.domain === domain;
}

function timeMs(iso: string | undefined): number | undefined {
	const value = iso ? Date.parse(iso) : Number.NaN;
	return Number.isNaN(value) ? undefined : value;
}

function copiesOf(origin: TopologyStream, all: TopologyStream[]): Copy[] {
	const copies: Copy[] = [];
	for (const candidate of all) {
		const links = [
			...(candidate.mirror ? [{link: candidate.mirror, kind: 'mirror' as const}] : []),
			...candidate.sources.map(link => ({link, kind: 'source' as const})),
		];
		for (const {link, kind} of links) {
			if (!sameStream(link.name, link.domain ?? candidate.domain, origin)) continue;
			const lagMessages = link.lag;
			const originTime = timeMs(origin.lastTime);
			const copyTime = timeMs(candidate.lastTime);
			let lagMs: number | undefined;
			if (lagMessages === 0 && origin.status === 'ok') lagMs = 0;
			// A mirror keeps its origin's timestamps, so the gap between the two newest messages is the time behind.
			else if (kind === 'mirror' && originTime !== undefined && copyTime !== undefined)
				lagMs = Math.max(0, originTime - copyTime);
			copies.push({
				stream: candidate.name,
				domain: candidate.domain,
				region: regionOf(candidate),
				kind,
				answering: candidate.status === 'ok',
				lagMessages,
				lagMs,
				activeMs: link.activeMs,
			});
		}
	}

	return copies;
}

function newestBackup(stream: string, backups: BackupSummary[]): BackupSummary | undefined {
	let newest: BackupSummary | undefined;
	for (const backup of backups) {
		if (backup.problem || backup.stream !== stream || backup.verified === false) continue;
		if (!newest || backup.created > newest.created) newest = backup;
	}

	return newest;
}

function rpoOf(stream: TopologyStream, outside: Copy[], backup: StreamReadiness['backup']): Rpo {
	const candidates: Rpo[] = outside
		.filter(copy => copy.answering)
		.map(copy => ({by: copy.kind, ms: copy.lagMs, messages: copy.lagMessages, from: copy.stream}));
	if (backup) {
		const messages =
			stream.messages !== undefined && backup.messages !== undefined
				? Math.max(0, stream.messages - backup.messages)
				: undefined;
		candidates.push({by: 'backup', ms: backup.ageMs, messages, from: backup.dir});
	}

	// Unknown time behind sorts after any known one: it cannot be promised.
	candidates.sort(
		(a, b) => (a.ms ?? Infinity) - (b.ms ?? Infinity) || (a.messages ?? Infinity) - (b.messages ?? Infinity),
	);
	return candidates[0] ?? {by: 'none', ms: undefined, messages: stream.messages, from: undefined};
}

export function formatAge(ms: number): string {
	if (ms < 1000) return `${Math.round(ms)} ms`;
	if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
	if (ms < 2 * 3_600_000) return `${Math.round(ms / 60_000)} min`;
	if (ms < 3 * 86_400_000) return `${Math.round(ms / 3_600_000)} h`;
	return `${Math.round(ms / 86_400_000)} d`;
}

function count(value: number | undefined, unit: string): string {
	return value === undefined ? `? ${unit}s` : `${formatCount(value)} ${unit}${value === 1 ? '' : 's'}`;
}

function behind(copy: Copy): string {
	if (copy.lagMs !== undefined) return `${count(copy.lagMessages, 'message')} / ${formatAge(copy.lagMs)} behind`;
	const heard = copy.activeMs === undefined ? '' : ` (last heard from its origin ${formatAge(copy.activeMs)} ago)`;
	return `${count(copy.lagMessages, 'message')} behind${heard}`;
}

function wordsFor(
	entry: Omit<StreamReadiness, 'words' | 'verdict'>,
	verdict: StreamReadiness['verdict'],
	originSeen: boolean,
): string {
	const best = entry.copies.find(copy => copy.stream === entry.rpo.from && copy.answering);
	const where = (copy: Copy) => `a ${copy.kind} in ${copy.region ?? '?'} (${copy.stream})`;
	if (verdict === 'copy' && !originSeen) {
		return `a copy of ${entry.copyOf!}, which is not among the streams read (its region lost, or another domain: add --domain): if it is lost, fail over (nats-dr failover ${entry.stream})`;
	}

	if (verdict === 'copy') return `a copy of ${entry.copyOf!}`;
	if (!entry.answering) {
		if (best) return `region lost — ${where(best)} is ${behind(best)}: fail over (nats-dr failover ${best.stream})`;
		if (entry.backup)
			return `region lost — newest backup ${formatAge(entry.backup.ageMs)} old: restore it into a surviving cluster`;
		return 'region lost — no mirror, no backup';
	}

	if (verdict === 'unprotected')
		return `no copy outside ${entry.region ?? 'its region'} and no backup: losing ${entry.region ?? 'its region'} loses all of it`;
	const rpo =
		entry.rpo.ms === undefined
			? `${count(entry.rpo.messages, 'message')} (time unknown)`
			: `${formatAge(entry.rpo.ms)}, ${count(entry.rpo.messages, 'message')}`;
	const by = best ? `${where(best)}, ${behind(best)}` : `backup ${formatAge(entry.backup!.ageMs)} old`;
	return `${verdict === 'rpo-exceeded' ? 'RPO over the limit' : 'protected'}: ${by}; RPO ${rpo}`;
}

function assessStream(stream: TopologyStream, input: ReadinessInput): StreamReadiness {
	const down = input.downRegions ?? [];
	const region = regionOf(stream) ?? (stream.status !== 'ok' && down.length === 1 ? down[0] : undefined);
	const copies = copiesOf(stream, input.streams);
	const outside = copies.filter(copy => copy.region === undefined || copy.region !== region);
	const found = newestBackup(stream.name, input.backups);
	const backup = found
		? {
				dir: found.dir,
				created: found.created,
				ageMs: Math.max(0, input.now - (timeMs(found.created) ?? input.now)),
				messages: found.messages,
			}
		: undefined;
	const rpo = rpoOf(stream, outside, backup);
	const copyOf = stream.mirror?.name;
	const base = {
		stream: stream.name,
		domain: stream.domain,
		region,
		answering: stream.status === 'ok',
		replicas: stream.replicas,
		servers: stream.peers.map(peer => peer.name),
		copyOf,
		copies,
		backup,
		rpo,
		messages: stream.messages,
		bytes: stream.bytes,
	};
	let verdict: StreamReadiness['verdict'] = 'protected';
	if (copyOf !== undefined) verdict = 'copy';
	else if (rpo.by === 'none') verdict = 'unprotected';
	else if (input.maxRpoMs !== undefined && (rpo.ms === undefined || rpo.ms > input.maxRpoMs)) verdict = 'rpo-exceeded';
	const link = stream.mirror;
	const originSeen =
		link === undefined || input.streams.some(other => sameStream(link.name, link.domain ?? stream.domain, other));
	return {...base, verdict, words: wordsFor(base, verdict, originSeen)};
}

export function metaReadiness(
	servers: ServerFact[] | undefined,
	metaClusterSize: number | undefined,
): MetaReadiness | undefined {
	const members = (servers ?? []).filter(server => server.jetstream);
	if (members.length === 0) return undefined;
	const size = Math.max(members.length, metaClusterSize ?? 0);
	const quorum = Math.floor(size / 2) + 1;
	const answering = members.filter(server => server.answering);
	const names = [...new Set(members.map(server => server.cluster ?? '?'))].sort();
	const clusters = names.map(cluster => ({
		cluster,
		servers: members.filter(server => (server.cluster ?? '?') === cluster).length,
		// What is left if this cluster goes too, counting what is already down.
		lossKeepsQuorum: answering.filter(server => (server.cluster ?? '?') !== cluster).length >= quorum,
	}));
	const down = names.filter(cluster => !answering.some(server => (server.cluster ?? '?') === cluster));
	const alive = clusters.filter(cluster => !down.includes(cluster.cluster));
	const fatal = alive.filter(cluster => !cluster.lossKeepsQuorum).map(cluster => cluster.cluster);
	const state = down.length > 0 ? `${down.join(', ')} down, ${answering.length} of ${size} members answering; ` : '';
	let words: string;
	if (answering.length < quorum)
		words = `${state}the meta group has lost its quorum (${quorum} of ${size} needed): no stream can be created, changed or failed over`;
	else if (clusters.length === 1)
		words = `one cluster (${clusters[0]!.cluster}) holds the whole meta group of ${size}: losing it loses JetStream`;
	else if (fatal.length === 0)
		words = `${state}the meta group of ${size} across ${clusters.length} clusters keeps its quorum of ${quorum} when any one ${down.length > 0 ? 'more ' : ''}cluster is lost`;
	else if (fatal.length === alive.length)
		words = `${state}losing any one ${down.length > 0 ? 'more ' : ''}of the clusters loses the meta quorum (${quorum} of ${size}): no stream can be created, changed or failed over until it returns`;
	else
		words = `${state}losing ${fatal.join(' or ')} loses the meta quorum (${quorum} of ${size}): no stream can be created, changed or failed over until it returns`;
	return {size, quorum, clusters, words};
}

function regionLosses(streams: StreamReadiness[], meta: MetaReadiness | undefined): RegionLoss[] {
	const regions = new Set<string>([
		...streams.flatMap(stream => (stream.region ? [stream.region] : [])),
		...(meta?.clusters.map(cluster => cluster.cluster) ?? []),
	]);
	return [...regions].sort().map(region => {
		const here = streams.filter(stream => stream.region === region && stream.verdict !== 'copy');
		let lostMessages = 0;
		let lostBytes = 0;
		let losing = 0;
		const uncounted: string[] = [];
		for (const stream of here) {
			if (stream.rpo.by === 'none' && stream.messages === undefined) {
				losing++;
				uncounted.push(stream.stream);
			} else if (stream.rpo.by === 'none') {
				losing++;
				lostMessages += stream.messages ?? 0;
				lostBytes += stream.bytes ?? 0;
			} else if ((stream.rpo.messages ?? 1) > 0) {
				losing++;
				lostMessages += stream.rpo.messages ?? 0;
			}
		}

		const cluster = meta?.clusters.find(entry => entry.cluster === region || region.endsWith(`/${entry.cluster}`));
		return {
			region,
			streams: here.length,
			losing,
			lostMessages,
			lostBytes,
			uncounted,
			unprotected: here.filter(stream => stream.rpo.by === 'none').map(stream => stream.stream),
			metaQuorumLost: cluster ? !cluster.lossKeepsQuorum : false,
		};
	});
}

function accountSummary(all: StreamReadiness[]): AccountSummary {
	const streams = all.filter(stream => stream.verdict !== 'copy');
	const unprotected = streams.filter(stream => stream.verdict === 'unprotected');
	const covered = streams.filter(stream => stream.rpo.by !== 'none');
	const times = covered.map(stream => stream.rpo.ms).filter((ms): ms is number => ms !== undefined);
	return {
		streams: streams.length,
		protectedStreams: covered.length,
		unprotected: unprotected.map(stream => stream.stream),
		overLimit: streams.filter(stream => stream.verdict === 'rpo-exceeded').map(stream => stream.stream),
		atRiskMessages: unprotected.reduce((sum, stream) => sum + (stream.messages ?? 0), 0),
		atRiskBytes: unprotected.reduce((sum, stream) => sum + (stream.bytes ?? 0), 0),
		worstRpoMs: times.length > 0 ? Math.max(...times) : undefined,
	};
}

export function assessReadiness(input: ReadinessInput): Readiness {
	const streams = input.streams.map(stream => assessStream(stream, input));
	const meta = metaReadiness(input.servers, input.metaClusterSize);
	const breaches =
		input.maxRpoMs === undefined
			? []
			: streams
					.filter(stream => stream.verdict === 'unprotected' || stream.verdict === 'rpo-exceeded')
					.map(stream => stream.stream);
	return {
		summary: accountSummary(streams),
		streams,
		regions: regionLosses(streams, meta),
		meta,
		maxRpoMs: input.maxRpoMs,
		breaches,
	};
}
