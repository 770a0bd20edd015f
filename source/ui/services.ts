/**
 * Everything the wizard may ask of the outside world. The wizard's components and effects call
 * only these; the implementation binding them to NATS and the disk lives outside source/ui, so no
 * screen ever talks to a server directly.
 */
import type {AuditEntry} from '../core/audit.js';
import type {BackupSummary} from '../core/backup-catalog.js';
import type {StreamOutcome} from '../core/backup/backup-account.js';
import type {BackupProgress, BackupStart} from '../core/backup/backup-stream.js';
import type {Diagnosis} from '../core/diagnosis/diagnose.js';
import type {RestoreOverrides} from '../core/restore/overrides.js';
import type {PlanCheckEvent, StreamRestorePlan} from '../core/restore/plan.js';
import type {RestoreProgress, StreamRestoreResult} from '../core/restore/restore.js';
import type {PeerRemoveEvent, PeerRemoveOutcome} from '../operations/peer-remove.js';
import type {Assessment} from '../recovery/assess.js';
import type {FailoverPlan} from '../recovery/failover-plan.js';
import type {StreamReadiness} from '../recovery/readiness.js';
import type {FailoverEvent, FailoverOutcome} from '../operations/failover.js';
import type {ReadinessReport} from '../operations/readiness.js';
import type {ProtectEvent, ProtectOutcome, ProtectPlan} from '../operations/protect.js';

export type ConnectionSummary = {
	servers: string;
	auth: string;
	context: string | undefined;
	/** The account the connection is in, when the system account could tell. */
	account?: string | undefined;
	/** 'separate' credentials, the 'same' connection, or 'none' with the reason. */
	system: {kind: 'separate' | 'same'} | {kind: 'none'; reason: string};
};

export type DiagnosisResult = {
	diagnosis: Diagnosis;
	assessment: Assessment;
	/** Set when a whole cluster is down: its silent streams, each with a mirror to fail over to, a backup, or nothing. */
	regionLoss?: {down: string[]; streams: StreamReadiness[]} | undefined;
};

/** Only in `nats-dr demo`: the demo's own servers, which the wizard may start again. */
export type DemoService = {
	/** The demo servers that were stopped and can be started again. */
	servers: string[];
	restart(server: string): Promise<void>;
};

export type WizardServices = {
	connection(): ConnectionSummary;
	demo?: DemoService | undefined;
	diagnose(options: {
		signal: AbortSignal;
		onPart?: (part: Partial<Diagnosis>) => void;
		/** While the diagnosis waits for a meta election. */
		onElectionWait?: (waitedMs: number, timeoutMs: number) => void;
	}): Promise<DiagnosisResult>;
	/**
	 * Resolves with the meta leader's name once there is one; meanwhile reports how long an election
	 * has been due (undefined: no quorum answers). Absent without a system-account connection.
	 */
	watchMetaLeader?(options: {signal: AbortSignal; onWait: (waitedMs: number | undefined) => void}): Promise<string>;
	/**
	 * Removes a dead server from the meta group and watches its streams recover: the operation the
	 * command runs, with its refusals. The wizard asked for the typed name before it calls this.
	 */
	peerRemove(
		server: string,
		options: {
			signal: AbortSignal;
			watchTimeoutMs: number;
			onEvent: (event: PeerRemoveEvent) => void;
			onRecorded: (entry: AuditEntry) => void;
		},
	): Promise<PeerRemoveOutcome>;
	/** Where backups go by default, and where the restore picker starts. */
	defaultBackupRoot(): string;
	completePath(partial: string): Promise<string[]>;
	checkBackupTarget(
		dir: string,
		neededBytes: number,
	): Promise<{ok: true; freeBytes: number | undefined} | {ok: false; problem: string}>;
	/**
	 * Backs up the streams one after another, each into its own subdirectory of `root`, as the command
	 * does (unsafe names refused); a stream's failure is its outcome, an abort throws once all is clean.
	 */
	backup(
		streams: string[],
		root: string,
		options: {
			signal: AbortSignal;
			onStream: (stream: string, index: number, total: number, dir: string) => void;
			onStart: (start: BackupStart) => void;
			onProgress: (progress: BackupProgress) => void;
			onOutcome: (outcome: StreamOutcome, dir: string | undefined) => void;
			onRecorded: (entry: AuditEntry) => void;
		},
	): Promise<void>;
	listBackups(root: string): Promise<BackupSummary[]>;
	/** `onCheck` names each check as it runs: some wait seconds for servers that do not answer. */
	planRestore(
		dir: string,
		overrides: RestoreOverrides,
		signal: AbortSignal,
		onCheck?: (event: PlanCheckEvent) => void,
	): Promise<StreamRestorePlan>;
	/** Runs the planned restore, as the command does, and audits it; a failure is audited, then thrown. */
	restore(
		plan: StreamRestorePlan,
		options: {
			signal: AbortSignal;
			onProgress: (event: RestoreProgress) => void;
			onRecorded: (entry: AuditEntry) => void;
		},
	): Promise<StreamRestoreResult>;
	/** Deletes a stream in the way of its restore, and audits it (a failure too). */
	deleteStream(stream: string, options: {onRecorded: (entry: AuditEntry) => void}): Promise<void>;
	/** DR readiness, as `nats-dr readiness` reports it, with the backups under the backup root. */
	readiness?(options: {signal: AbortSignal}): Promise<ReadinessReport>;
	/** Checks and plans the failover to a mirror; changes nothing. */
	planFailover?(mirror: string): Promise<FailoverPlan>;
	/** Carries out a confirmed failover plan: audited, watched until the stream serves. */
	failover?(
		plan: FailoverPlan,
		options: {signal: AbortSignal; onEvent: (event: FailoverEvent) => void; onRecorded: (entry: AuditEntry) => void},
	): Promise<FailoverOutcome>;
	/** Checks and plans a mirror of the stream in another cluster or domain; changes nothing. */
	planProtect?(stream: string, mirrorTo: string): Promise<ProtectPlan>;
	/** Creates the planned mirror, audited, and watches it catch up. */
	protect?(
		plan: ProtectPlan,
		options: {signal: AbortSignal; onEvent: (event: ProtectEvent) => void; onRecorded: (entry: AuditEntry) => void},
	): Promise<ProtectOutcome>;
};
