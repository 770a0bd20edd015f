/**
 * Restore plans: everything known before the first byte is sent. Reading and verifying the backup
 * and asking the target come first; the pure pre-flight then turns those facts into findings.
 */
import {basename} from 'node:path';
import {
	BackupDirError,
	findBackups,
	readBackupDir,
	type BackupDirInfo,
	type NonBackupEntry,
} from '../archive/backup-dir.js';
import {peekArchive} from './archive-peek.js';
import {applyOverrides, restoreRequestBody, type RestoreOverrides} from './overrides.js';
import {
	accountStorage,
	isRefused,
	isUnknown,
	preflightFindings,
	type BackupFacts,
	type PreflightFinding,
	type TargetFacts,
} from './preflight.js';
import {tokensOverlap} from '../subjects.js';
import {limitsOf, type StreamLimits} from './stream-limits.js';
import {
	factTimeoutMs,
	gatherSharedFacts,
	gatherStreamFacts,
	type RestoreConnection,
	type SharedTargetFacts,
} from './target-facts.js';

export type PlanOptions = {
	overrides?: RestoreOverrides;
	/** Verify the archive as it uploads, holding back its end until it proves whole (default true); false is --no-verify. */
	verify?: boolean;
	signal?: AbortSignal;
	/** Each check as it starts and ends: some wait seconds for servers that do not answer. */
	onCheck?: (event: PlanCheckEvent) => void;
};

export type PlanCheck = 'target' | 'backup' | 'archive' | 'stream';

/** One check of the plan starting or ending, worded for a person: what runs and what it waits for. */
export type PlanCheckEvent = {check: PlanCheck; label: string; state: 'running' | 'done'};

/** What a finished restore must show before it counts as done. */
export type SettleExpectation = {
	/** backup.json state.messages; the restored stream must hold at least these, less what `limits` removed. */
	messages: number | undefined;
	/** backup.json state.last_seq: a stream that reached it has loaded the whole archive. */
	lastSeq: number | undefined;
	/** backup.json state.first_ts in ms: max_age cannot have removed messages younger than it. */
	oldestMs: number | undefined;
	/** Of the config sent: they may remove messages as soon as the stream exists. */
	limits: StreamLimits;
	/** Consumer names once the archive verified during the upload; before, and with --no-verify, backup.json's count. */
	consumers: string[] | {count: number} | undefined;
	replicas: number;
};

export type StreamRestorePlan = {
	dir: string;
	/** From backup.json; the directory's name when backup.json is unreadable. */
	stream: string;
	findings: PreflightFinding[];
	refused: boolean;
	/** Absent when backup.json could not be read. */
	backup: BackupDirInfo | undefined;
	/** The RESTORE request body. */
	body: string;
	replicas: number;
	placement: BackupFacts['placement'];
	overrides: RestoreOverrides;
	expected: SettleExpectation;
	/** Whether the upload verifies the archive (false with --no-verify). */
	verify: boolean;
};

export type AccountRestorePlan = {
	root: string;
	streams: StreamRestorePlan[];
	/** Streams that exist and are left alone (--skip-existing). */
	skipped: StreamRestorePlan[];
	/** Entries of the directory that are not backups. */
	others: NonBackupEntry[];
	refused: boolean;
	/** Findings about the account restore as a whole (existing streams, entries that are not backups). */
	findings: PreflightFinding[];
};

export async function planStreamRestore(
	connection: RestoreConnection,
	dir: string,
	options: PlanOptions = {},
): Promise<StreamRestorePlan> {
	const shared = await gatherShared(connection, options);
	return planOne(connection, shared, dir, options);
}

export async function planAccountRestore(
	connection: RestoreConnection,
	root: string,
	options: PlanOptions & {skipExisting?: boolean} = {},
): Promise<AccountRestorePlan> {
	const found = await findBackups(root);
	if (found.layout === 'stream') {
		throw new BackupDirError(
			'not-a-directory',
			root,
			`${root} is a single stream backup, not an account backup: restore it as one stream`,
		);
	}

	const shared = await gatherShared(connection, options);
	const streams: StreamRestorePlan[] = [];
	const skipped: StreamRestorePlan[] = [];
	let planned = 0;
	for (const dir of found.backups) {
		// Earlier streams of this restore take account storage too.
		const plan = await planOne(connection, withUsedStorage(shared, planned), dir, options);
		if (options.skipExisting && refusedOnlyForExisting(plan)) {
			skipped.push(plan);
			continue;
		}

		planned += (plan.backup?.state.bytes ?? 0) * plan.replicas;
		streams.push(plan);
	}

	const findings: PreflightFinding[] = found.others.map(other => ({
		check: 'backup',
		level: 'warning',
		message: `${other.name} is left out: ${other.reason === 'not-a-directory' ? 'not a directory' : 'a directory without backup.json'}`,
	}));
	const existing = streams.filter(plan =>
		plan.findings.some(finding => finding.check === 'exists' && finding.level === 'refusal'),
	);
	if (existing.length > 0) {
		findings.push({
			check: 'exists',
			level: 'refusal',
			message: `${existing.length} of ${found.backups.length} streams exist already: ${existing.map(plan => plan.stream).join(', ')}`,
			hint: 'pass --skip-existing to restore only the others, or delete those streams first',
		});
	}

	const dirsByStream = new Map<string, StreamRestorePlan[]>();
	for (const plan of [...streams, ...skipped])
		dirsByStream.set(plan.stream, [...(dirsByStream.get(plan.stream) ?? []), plan]);
	for (const [stream, plans] of dirsByStream) {
		if (plans.length < 2) continue;
		findings.push({
			check: 'name',
			level: 'refusal',
			message: `${plans.map(plan => basename(plan.dir)).join(', ')} all hold stream "${stream}": only one can be restored`,
			hint: 'move the backups that should not be restored out of the directory',
		});
	}

	findings.push(...overlapsBetween(streams));
	for (const plan of skipped) {
		findings.push({
			check: 'exists',
			level: 'warning',
			message: `stream "${plan.stream}" exists already and is skipped (--skip-existing)`,
		});
	}

	return {
		root,
		streams,
		skipped,
		others: found.others,
		refused: isRefused(findings) || streams.some(plan => plan.refused),
		findings,
	};
}

/**
 * Streams of one restore listening on the same subjects: the server would refuse the later one only
 * after its upload. Only subjects that can share a first token are compared: every pair of a
 * thousand streams took 0.3 s of CPU and much garbage, though their subjects rarely meet.
 */
export function overlapsBetween(plans: StreamRestorePlan[]): PreflightFinding[] {
	type Listening = {plan: number; order: number; subject: string; tokens: string[]};
	const byFirstToken = new Map<string, Listening[]>();
	const wildFirst: Listening[] = [];
	for (const [plan, {backup}] of plans.entries()) {
		const subjects = backup?.config['subjects'];
		if (!Array.isArray(subjects)) continue;
		for (const [order, subject] of subjects.filter((value): value is string => typeof value === 'string').entries()) {
			const listening = {plan, order, subject, tokens: subject.split('.')};
			const first = listening.tokens[0]!;
			if (first === '*' || first === '>') wildFirst.push(listening);
			else {
				const group = byFirstToken.get(first) ?? [];
				group.push(listening);
				byFirstToken.set(first, group);
			}
		}
	}

	const clashes = new Map<string, {first: number; second: number; pairs: Array<[Listening, Listening]>}>();
	const compare = (one: Listening, other: Listening): void => {
		if (one.plan === other.plan || !tokensOverlap(one.tokens, other.tokens)) return;
		const [a, b] = one.plan < other.plan ? [one, other] : [other, one];
		const key = `${a.plan} ${b.plan}`;
		const clash = clashes.get(key) ?? {first: a.plan, second: b.plan, pairs: []};
		clash.pairs.push([a, b]);
		clashes.set(key, clash);
	};

	const eachPairIn = (list: Listening[]): void => {
		for (let one = 0; one < list.length; one++)
			for (let other = one + 1; other < list.length; other++) compare(list[one]!, list[other]!);
	};

	const groups = [...byFirstToken.values()];
	for (const group of groups) eachPairIn(group);
	eachPairIn(wildFirst);
	for (const wild of wildFirst) for (const group of groups) for (const other of group) compare(wild, other);

	return [...clashes.values()]
		.sort((x, y) => x.first - y.first || x.second - y.second)
		.map(({first, second, pairs}) => {
			const described = pairs
				.sort(([a1, b1], [a2, b2]) => a1.order - a2.order || b1.order - b2.order)
				.map(([a, b]) => `${a.subject} with ${b.subject}`);
			return {
				check: 'subjects',
				level: 'refusal',
				message: `streams "${plans[first]!.stream}" and "${plans[second]!.stream}" of this restore listen on overlapping subjects: ${described.join('; ')} (the server would refuse "${plans[second]!.stream}" only after its whole upload)`,
				hint: `restore one of them alone, or move its backup out of the directory`,
			};
		});
}

/** A plan whose one obstacle is that its stream exists already: what --skip-existing skips. */
export function refusedOnlyForExisting(plan: StreamRestorePlan): boolean {
	const refusals = plan.findings.filter(finding => finding.level === 'refusal');
	return refusals.length > 0 && refusals.every(finding => finding.check === 'exists');
}

async function checking<T>(options: PlanOptions, check: PlanCheck, label: string, work: () => Promise<T>): Promise<T> {
	options.onCheck?.({check, label, state: 'running'});
	const result = await work();
	options.onCheck?.({check, label, state: 'done'});
	return result;
}

async function gatherShared(connection: RestoreConnection, options: PlanOptions): Promise<SharedTargetFacts> {
	return checking(
		options,
		'target',
		`asking the target for its servers, stream names and account limits (up to ${factTimeoutMs / 1000}s for servers that do not answer)`,
		async () => gatherSharedFacts(connection, options.signal),
	);
}

function withUsedStorage(shared: SharedTargetFacts, extraBytes: number): SharedTargetFacts {
	if (extraBytes === 0 || isUnknown(shared.account)) return shared;
	return {...shared, account: {...shared.account, storage: (shared.account.storage ?? 0) + extraBytes}};
}

async function planOne(
	connection: RestoreConnection,
	shared: SharedTargetFacts,
	dir: string,
	options: PlanOptions,
): Promise<StreamRestorePlan> {
	const overrides = options.overrides ?? {};
	let backup: BackupDirInfo;
	try {
		backup = await checking(options, 'backup', `reading ${basename(dir)}/backup.json`, async () => readBackupDir(dir));
	} catch (error) {
		if (!(error instanceof BackupDirError)) throw error;
		const target = targetFacts(shared, {stream: 'absent', overlaps: []}, 1);
		return {
			dir,
			stream: basename(dir),
			findings: preflightFindings({backup: {problem: error.message}, target}),
			refused: true,
			backup: undefined,
			body: '',
			replicas: 1,
			placement: undefined,
			overrides,
			expected: {
				messages: undefined,
				lastSeq: undefined,
				oldestMs: undefined,
				limits: {},
				consumers: undefined,
				replicas: 1,
			},
			verify: false,
		};
	}

	const config = applyOverrides(backup.config, overrides);
	const replicas =
		typeof config['num_replicas'] === 'number' && config['num_replicas'] > 0 ? config['num_replicas'] : 1;
	const placement = placementOf(config['placement']);
	const subjects = Array.isArray(config['subjects'])
		? config['subjects'].filter((subject): subject is string => typeof subject === 'string')
		: [];
	const verify = options.verify !== false;
	// The whole archive is read only while it uploads; its first bytes tell format and name now.
	const peek = await checking(
		options,
		'archive',
		`reading the first bytes of ${basename(backup.archivePath)}`,
		async () => peekArchive(backup.archivePath, options.signal),
	);
	const backupFacts: BackupFacts = {
		stream: backup.streamName,
		subjects,
		replicas,
		placement,
		archiveFile: basename(backup.archivePath),
		archiveBytes: backup.archiveBytes,
		streamBytes: backup.state.bytes,
		sourceVersion: sidecarServerVersion(backup.sidecar),
		verify,
		archiveFormat: peek.format,
		archiveStream: peek.streamName,
	};
	const streamFacts = await checking(
		options,
		'stream',
		`asking the target whether stream ${backup.streamName} exists and which streams listen on its subjects`,
		async () => gatherStreamFacts(connection, shared, backup.streamName, subjects),
	);
	const findings = preflightFindings({backup: backupFacts, target: targetFacts(shared, streamFacts, replicas)});
	const consumerCount = backup.state.consumer_count;
	return {
		dir,
		stream: backup.streamName,
		findings,
		refused: isRefused(findings),
		backup,
		body: restoreRequestBody(backup.rawText, overrides),
		replicas,
		placement,
		overrides,
		expected: {
			messages: backup.state.messages,
			lastSeq: backup.state.last_seq,
			oldestMs: firstTimestampMs(backup.raw),
			limits: limitsOf(config),
			consumers: consumerCount === undefined ? undefined : {count: consumerCount},
			replicas,
		},
		verify,
	};
}

function targetFacts(
	shared: SharedTargetFacts,
	stream: Pick<TargetFacts, 'stream' | 'overlaps'>,
	replicas: number,
): TargetFacts {
	return {
		version: shared.version,
		cluster: shared.cluster,
		servers: shared.servers,
		...stream,
		storage: isUnknown(shared.account) ? shared.account : accountStorage(shared.account, replicas),
	};
}

function firstTimestampMs(raw: Record<string, unknown>): number | undefined {
	const state = raw['state'];
	const firstTs = typeof state === 'object' && state !== null ? (state as {first_ts?: unknown}).first_ts : undefined;
	const ms = typeof firstTs === 'string' ? Date.parse(firstTs) : Number.NaN;
	return Number.isFinite(ms) ? ms : undefined;
}

function placementOf(value: unknown): BackupFacts['placement'] {
	if (typeof value !== 'object' || value === null) return undefined;
	const {cluster, tags} = value as {cluster?: unknown; tags?: unknown};
	const placement = {
		...(typeof cluster === 'string' && cluster !== '' ? {cluster} : {}),
		tags: Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === 'string') : [],
	};
	return placement.cluster === undefined && placement.tags.length === 0 ? undefined : placement;
}

/** The source server's version, as nats-dr.json records it. */
function sidecarServerVersion(sidecar: Record<string, unknown> | undefined): string | undefined {
	const server = sidecar?.['server'];
	const version = typeof server === 'object' && server !== null ? (server as {version?: unknown}).version : undefined;
	return typeof version === 'string' ? version : undefined;
}
