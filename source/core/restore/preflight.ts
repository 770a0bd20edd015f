/**
 * The checks before a restore sends a single byte, as a pure function of facts gathered first.
 * Each finding says what was found and, when it blocks, what to do; the server itself would refuse
 * several of these only after the whole upload (protocol doc §4.4, §10).
 */
import {streamDeleteCommand} from '../nats-command.js';
import type {ArchiveFormat} from '../archive/verify-archive.js';
import {formatBytes} from '../format.js';

export type FindingLevel = 'ok' | 'warning' | 'refusal';

export type PreflightCheck =
	'backup' | 'archive' | 'format' | 'name' | 'exists' | 'subjects' | 'replicas' | 'placement' | 'storage';

export type PreflightFinding = {
	check: PreflightCheck;
	level: FindingLevel;
	message: string;
	/** What to do about it. */
	hint?: string;
};

/** What the backup directory says, with the overrides already applied to replicas and placement. */
export type BackupFacts = {
	stream: string;
	subjects: string[];
	replicas: number;
	placement: {cluster?: string; tags: string[]} | undefined;
	/** The archive's file name: stream.tar.s2, or stream.arc.s2 as nats-server 2.15 writes it. */
	archiveFile: string;
	archiveBytes: number;
	/** Message bytes when the backup was taken (backup.json state.bytes). */
	streamBytes: number | undefined;
	/** The nats-server version that wrote the backup, when its nats-dr.json says. */
	sourceVersion: string | undefined;
	/** Whether the upload verifies the archive; false with --no-verify. */
	verify: boolean;
	/** Read from the archive's first bytes, verified or not. */
	archiveFormat: ArchiveFormat;
	/** The name in the archive's meta.inf, when it could be read. */
	archiveStream: string | undefined;
};

export type Unknown = {unknown: string};

export type ServerFact = {name: string; cluster: string | undefined; tags: string[]; jetstream: boolean};

export type AccountStorage = {used: number; limit: number};

export type TargetFacts = {
	version: string;
	/** The connected server's cluster; undefined on a standalone server. */
	cluster: string | undefined;
	/** The servers answering right now. */
	servers: ServerFact[] | Unknown;
	/** 'reserved': listed by STREAM.NAMES but unknown to STREAM.INFO, what an interrupted clustered restore leaves behind on 2.9. */
	stream: 'absent' | 'exists' | 'reserved' | Unknown;
	/** Existing streams whose subjects overlap each of the backup's subjects. */
	overlaps: Array<{subject: string; streams: string[]}> | Unknown;
	/** A negative limit means unlimited. */
	storage: AccountStorage | Unknown;
};

export type PreflightFacts = {backup: BackupFacts | {problem: string}; target: TargetFacts};

export function isUnknown(value: unknown): value is Unknown {
	return typeof value === 'object' && value !== null && 'unknown' in value;
}

export function isRefused(findings: PreflightFinding[]): boolean {
	return findings.some(finding => finding.level === 'refusal');
}

export function preflightFindings({backup, target}: PreflightFacts): PreflightFinding[] {
	if ('problem' in backup) {
		return [
			{
				check: 'backup',
				level: 'refusal',
				message: backup.problem,
				hint: 'point at a directory written by `nats stream backup` or `nats-dr backup`',
			},
		];
	}

	return [
		{
			check: 'backup',
			level: 'ok',
			message: `backup.json and ${backup.archiveFile} (${formatBytes(backup.archiveBytes)}) are present`,
		},
		...archiveFindings(backup),
		...formatFindings(backup, target),
		...nameFindings(backup),
		...existsFindings(backup.stream, target.stream),
		...subjectFindings(backup, target.overlaps),
		...placementFindings(backup, target),
		...storageFindings(backup, target.storage),
	];
}

function archiveFindings({verify, archiveFormat}: BackupFacts): PreflightFinding[] {
	if (!verify) {
		return [
			{
				check: 'archive',
				level: 'warning',
				message:
					'the archive was not verified (--no-verify): only the server can find it damaged, some versions only after the whole upload',
			},
		];
	}

	return [
		{
			check: 'archive',
			level: 'ok',
			message:
				archiveFormat === 'natsarc1'
					? "the archive's S2 checksums are verified while it uploads: a damaged one restores nothing (its NATSARC1 contents are not inspected)"
					: 'the archive is verified while it uploads (checksums, tar structure, meta.inf): a damaged one restores nothing',
		},
	];
}

function formatFindings({archiveFormat, sourceVersion}: BackupFacts, {version}: TargetFacts): PreflightFinding[] {
	if (archiveFormat === 'natsarc1') {
		if (versionAtLeast(version, 2, 15))
			return [{check: 'format', level: 'ok', message: `NATSARC1 archive: nats-server ${version} reads it`}];
		return [
			{
				check: 'format',
				level: 'refusal',
				message: `the archive is in the NATSARC1 format, which only nats-server 2.15 or later can restore; the target runs ${version}`,
				hint: 'restore into a nats-server 2.15 or later, or use a backup taken from a server before 2.15',
			},
		];
	}

	if (archiveFormat === 'unknown') return [];
	const source = parseVersion(sourceVersion);
	const target = parseVersion(version);
	if (
		source &&
		target &&
		(source.major > target.major || (source.major === target.major && source.minor > target.minor))
	) {
		return [
			{
				check: 'format',
				level: 'warning',
				message: `the backup was taken on nats-server ${sourceVersion!}, newer than the target's ${version}: restoring into an older server is not verified`,
			},
		];
	}

	return [{check: 'format', level: 'ok', message: `tar archive: nats-server ${version} reads it`}];
}

/** Stream names become directory names on the server (nats-server#3199). */
const badNameCharacters = /[\s.*>/\\]/;

function nameFindings({stream, archiveStream}: BackupFacts): PreflightFinding[] {
	if (badNameCharacters.test(stream)) {
		return [
			{
				check: 'name',
				level: 'refusal',
				message: `stream name "${stream}" contains whitespace, ".", "*", ">" or a path separator, which the server cannot restore`,
			},
		];
	}

	if (archiveStream === undefined) {
		return [
			{
				check: 'name',
				level: 'warning',
				message:
					'the stream name inside the archive could not be read: the server compares it with backup.json only after the upload',
			},
		];
	}

	if (archiveStream !== stream) {
		return [
			{
				check: 'name',
				level: 'refusal',
				message: `backup.json names stream "${stream}" but the archive holds "${archiveStream}": a stream cannot be renamed on restore, the server would fail with "stream names do not match" after the upload`,
				hint: 'use the backup.json written together with this archive',
			},
		];
	}

	return [{check: 'name', level: 'ok', message: `stream "${stream}" keeps its name, as the archive has it`}];
}

function existsFindings(stream: string, state: TargetFacts['stream']): PreflightFinding[] {
	if (isUnknown(state))
		return [
			{
				check: 'exists',
				level: 'warning',
				message: `could not check whether stream "${stream}" exists: ${state.unknown}`,
			},
		];
	if (state === 'exists') {
		return [
			{
				check: 'exists',
				level: 'refusal',
				message: `Stream "${stream}" already exist`,
				hint: `nats-dr never overwrites a stream: delete it first (${streamDeleteCommand(stream, {force: false})}) if the backup should replace it`,
			},
		];
	}

	if (state === 'reserved') {
		return [
			{
				check: 'exists',
				level: 'refusal',
				message: `the name "${stream}" is still taken by an unfinished restore (STREAM.NAMES lists it, STREAM.INFO finds no stream): the server would refuse with "stream name already in use"`,
				hint: `delete it first: ${streamDeleteCommand(stream, {force: false})}`,
			},
		];
	}

	return [{check: 'exists', level: 'ok', message: `no stream "${stream}" exists yet`}];
}

function subjectFindings({stream, subjects}: BackupFacts, overlaps: TargetFacts['overlaps']): PreflightFinding[] {
	if (subjects.length === 0)
		return [{check: 'subjects', level: 'ok', message: 'the stream listens on no subjects of its own'}];
	if (isUnknown(overlaps))
		return [
			{
				check: 'subjects',
				level: 'warning',
				message: `could not check the subjects against existing streams: ${overlaps.unknown}`,
			},
		];
	const clashes = overlaps
		.map(({subject, streams}) => ({subject, streams: streams.filter(name => name !== stream)}))
		.filter(({streams}) => streams.length > 0);
	if (clashes.length === 0)
		return [{check: 'subjects', level: 'ok', message: `no other stream listens on ${subjects.join(', ')}`}];
	const names = [...new Set(clashes.flatMap(clash => clash.streams))];
	return [
		{
			check: 'subjects',
			level: 'refusal',
			message: `subjects overlap with existing streams: ${clashes.map(clash => `${clash.subject} with ${clash.streams.join(', ')}`).join('; ')} (the server would refuse only after the whole upload)`,
			hint: `delete or change ${names.length === 1 ? `stream ${names[0]!}` : `streams ${names.join(', ')}`} first`,
		},
	];
}

function placementFindings(backup: BackupFacts, target: TargetFacts): PreflightFinding[] {
	const {replicas, placement} = backup;
	if (target.cluster === undefined) {
		const findings: PreflightFinding[] =
			replicas > 1
				? [
						{
							check: 'replicas',
							level: 'refusal',
							message: `the stream has ${replicas} replicas, but the target is a standalone server, which keeps one`,
							hint: 'pass --replicas 1',
						},
					]
				: [{check: 'replicas', level: 'ok', message: 'R1 on a standalone server'}];
		if (placement)
			findings.push({
				check: 'placement',
				level: 'warning',
				message: `a standalone server ignores the placement (${describePlacement(placement)})`,
			});
		return findings;
	}

	if (isUnknown(target.servers)) {
		const reason = `cannot list the servers (${target.servers.unknown})`;
		return [
			{
				check: 'replicas',
				level: 'warning',
				message: `R${replicas}: ${reason}; the server checks the replica count itself`,
			},
			...(placement
				? [
						{
							check: 'placement',
							level: 'warning',
							message: `${describePlacement(placement)}: ${reason}; the server checks the placement itself`,
						} satisfies PreflightFinding,
					]
				: []),
		];
	}

	const jetstream = target.servers.filter(server => server.jetstream);
	const clusterName = placement?.cluster ?? target.cluster;
	const inCluster = jetstream.filter(server => server.cluster === clusterName);
	const replaceHint = (alternatives: string): string =>
		`replace the placement with ${alternatives}, or drop it with --no-placement`;
	if (placement?.cluster !== undefined && inCluster.length === 0) {
		const clusters = [...new Set(jetstream.map(server => server.cluster).filter(Boolean))];
		return [
			{
				check: 'placement',
				level: 'refusal',
				message: `placement cluster "${placement.cluster}" has no answering JetStream server (clusters answering: ${clusters.join(', ') || 'none'})`,
				hint: replaceHint(`--cluster ${clusters[0] ?? 'NAME'}`),
			},
		];
	}

	const tags = placement?.tags ?? [];
	const matching = inCluster.filter(server => tags.every(tag => server.tags.includes(tag)));
	const findings: PreflightFinding[] = [];
	const tagsInUse = [...new Set(inCluster.flatMap(server => server.tags))].sort();
	const tagHint = replaceHint(
		`--tag TAG${tagsInUse.length > 0 ? ` (tags in use: ${tagsInUse.join(', ')})` : ''} or --cluster NAME`,
	);
	const unmet = tags.filter(tag => !inCluster.some(server => server.tags.includes(tag)));
	if (unmet.length > 0) {
		findings.push({
			check: 'placement',
			level: 'refusal',
			message: `placement tag${unmet.length > 1 ? 's' : ''} ${unmet.map(tag => `"${tag}"`).join(', ')} ${unmet.length > 1 ? 'are' : 'is'} on no answering server in cluster ${clusterName!} (a stream pinned to a node that is gone fails with 10005 "no suitable peers for placement")`,
			hint: tagHint,
		});
	} else if (matching.length < replicas && tags.length > 0) {
		findings.push({
			check: 'placement',
			level: 'refusal',
			message: `R${replicas} needs ${replicas} servers with tags ${tags.join(', ')} in cluster ${clusterName!}, and only ${matching.map(server => server.name).join(', ') || 'none'} ${matching.length === 1 ? 'has' : 'have'} them`,
			hint: `pass --replicas ${Math.max(1, matching.length)}, or ${tagHint}`,
		});
	} else if (placement) {
		findings.push({
			check: 'placement',
			level: 'ok',
			message: `${describePlacement(placement)}: met by ${matching.map(server => server.name).join(', ')}`,
		});
	}

	if (inCluster.length < replicas) {
		findings.push({
			check: 'replicas',
			level: 'refusal',
			message: `the stream has ${replicas} replicas, but cluster ${clusterName!} has ${inCluster.length} answering JetStream server${inCluster.length === 1 ? '' : 's'}`,
			hint: `pass --replicas ${Math.max(1, inCluster.length)}, or bring the missing servers back first`,
		});
	} else {
		findings.push({
			check: 'replicas',
			level: 'ok',
			message: `R${replicas}: cluster ${clusterName!} has ${inCluster.length} answering JetStream servers`,
		});
	}

	return findings;
}

function storageFindings({streamBytes, replicas}: BackupFacts, storage: TargetFacts['storage']): PreflightFinding[] {
	if (isUnknown(storage))
		return [
			{
				check: 'storage',
				level: 'warning',
				message: `could not read the account's JetStream limits: ${storage.unknown}`,
			},
		];
	if (streamBytes === undefined)
		return [
			{
				check: 'storage',
				level: 'warning',
				message: "backup.json has no state.bytes: the account's room cannot be checked",
			},
		];
	if (storage.limit < 0)
		return [
			{
				check: 'storage',
				level: 'ok',
				message: 'the account has no storage limit (free disk on the servers is not checked)',
			},
		];
	const needed = streamBytes * replicas;
	const free = Math.max(0, storage.limit - storage.used);
	const words = `${formatBytes(needed)}${replicas > 1 ? ` (${formatBytes(streamBytes)} × R${replicas})` : ''} of account storage, and ${formatBytes(free)} of its ${formatBytes(storage.limit)} limit ${free === 1 ? 'is' : 'are'} free`;
	if (needed > free) {
		return [
			{
				check: 'storage',
				level: 'refusal',
				message: `the restore needs ${words}`,
				hint: 'free space in the account, or raise its max_storage',
			},
		];
	}

	return [{check: 'storage', level: 'ok', message: `the account has room: the restore needs ${words}`}];
}

function describePlacement(placement: {cluster?: string; tags: string[]}): string {
	const parts = [
		...(placement.cluster === undefined ? [] : [`cluster ${placement.cluster}`]),
		...(placement.tags.length > 0 ? [`tags ${placement.tags.join(', ')}`] : []),
	];
	return `placement ${parts.join(', ') || '(empty)'}`;
}

function parseVersion(version: string | undefined): {major: number; minor: number} | undefined {
	const match = /^v?(\d+)\.(\d+)/.exec(version ?? '');
	return match ? {major: Number(match[1]), minor: Number(match[2])} : undefined;
}

function versionAtLeast(version: string, major: number, minor: number): boolean {
	const parsed = parseVersion(version);
	return parsed !== undefined && (parsed.major > major || (parsed.major === major && parsed.minor >= minor));
}

/**
 * The account's used and allowed storage for a stream of `replicas`: with tiered limits (R1, R3…)
 * the stream counts against its own tier. Usage already counts every replica's copy.
 */
export function accountStorage(info: AccountInfoReply, replicas: number): AccountStorage | Unknown {
	const tier = info.tiers?.[`R${replicas}`];
	const source = tier ?? info;
	const limit = source.limits?.max_storage;
	if (limit === undefined) return {unknown: 'the account info has no storage limit'};
	// 0 in the top-level limits of an account with tiers means "see the tiers", not "no room".
	if (limit === 0 && tier === undefined && info.tiers !== undefined)
		return {unknown: `the account has tiered limits but none for R${replicas}`};
	return {used: source.storage ?? 0, limit};
}

export type AccountInfoReply = {
	storage?: number;
	limits?: {max_storage?: number};
	tiers?: Record<string, {storage?: number; limits?: {max_storage?: number}}>;
};
