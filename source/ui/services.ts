/**
 * Everything the wizard may ask of the outside world. The wizard's components and effects call
 * only these; the implementation binding them to NATS and the disk lives outside source/ui, so no
 * screen ever talks to a server directly.
 */
import type {AuditEntry, AuditRecord} from '../core/audit.js';
import type {BackupSummary} from '../core/backup-catalog.js';
import type {BackupProgress, BackupResult, BackupStart} from '../core/backup/backup-stream.js';
import type {Diagnosis} from '../core/diagnosis/diagnose.js';
import type {DrError} from '../core/errors.js';
import type {WatchState, WatchTarget} from '../core/recovery-actions.js';
import type {RestoreOverrides} from '../core/restore/overrides.js';
import type {PlanCheckEvent, StreamRestorePlan} from '../core/restore/plan.js';
import type {RestoreProgress, StreamRestoreResult} from '../core/restore/restore.js';
import type {Assessment} from '../recovery/assess.js';

export type ConnectionSummary = {
	servers: string;
	auth: string;
	context: string | undefined;
	/** The account the connection is in, when the system account could tell. */
	account?: string | undefined;
	/** 'separate' credentials, the 'same' connection, or 'none' with the reason. */
	system: {kind: 'separate' | 'same'} | {kind: 'none'; reason: string};
};

export type DiagnosisResult = {diagnosis: Diagnosis; assessment: Assessment};

export type StreamBackupOutcome = {stream: string; dir: string} & (
	{ok: true; result: BackupResult} | {ok: false; error: DrError}
);

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
	peerRemove(server: string): Promise<void>;
	watch(
		targets: WatchTarget[],
		options: {signal: AbortSignal; timeoutMs: number; onUpdate: (states: WatchState[]) => void},
	): Promise<{complete: boolean; states: WatchState[]}>;
	/** Where backups go by default, and where the restore picker starts. */
	defaultBackupRoot(): string;
	completePath(partial: string): Promise<string[]>;
	checkBackupTarget(
		dir: string,
		neededBytes: number,
	): Promise<{ok: true; freeBytes: number | undefined} | {ok: false; problem: string}>;
	/** Backs up one stream into `dir` (its own directory); never throws for the stream's own failure. */
	backup(
		stream: string,
		dir: string,
		options: {
			signal: AbortSignal;
			onStart: (start: BackupStart) => void;
			onProgress: (progress: BackupProgress) => void;
		},
	): Promise<StreamBackupOutcome>;
	listBackups(root: string): Promise<BackupSummary[]>;
	/** `onCheck` names each check as it runs: some wait seconds for servers that do not answer. */
	planRestore(
		dir: string,
		overrides: RestoreOverrides,
		signal: AbortSignal,
		onCheck?: (event: PlanCheckEvent) => void,
	): Promise<StreamRestorePlan>;
	/** The `nats` command that does the same restore, for the audit log and the summary. */
	natsRestoreCommand(plan: StreamRestorePlan): string;
	restore(
		plan: StreamRestorePlan,
		options: {signal: AbortSignal; onProgress: (event: RestoreProgress) => void},
	): Promise<StreamRestoreResult>;
	deleteStream(stream: string): Promise<void>;
	audit(record: AuditRecord): Promise<AuditEntry>;
};
