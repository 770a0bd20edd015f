/**
 * Everything the wizard may ask of the outside world. The wizard's components and effects call
 * only these; the implementation binding them to NATS and the disk lives outside source/ui, so no
 * screen ever talks to a server directly.
 */
import type {AuditEntry, AuditRecord} from '../core/audit.js';
import type {Diagnosis} from '../core/diagnosis/diagnose.js';
import type {WatchState, WatchTarget} from '../core/recovery-actions.js';
import type {Assessment} from '../recovery/assess.js';

export type ConnectionSummary = {
	servers: string;
	auth: string;
	context: string | undefined;
	/** 'separate' credentials, the 'same' connection, or 'none' with the reason. */
	system: {kind: 'separate' | 'same'} | {kind: 'none'; reason: string};
};

export type DiagnosisResult = {diagnosis: Diagnosis; assessment: Assessment};

export type WizardServices = {
	connection(): ConnectionSummary;
	diagnose(options: {signal: AbortSignal; onPart?: (part: Partial<Diagnosis>) => void}): Promise<DiagnosisResult>;
	peerRemove(server: string): Promise<void>;
	watch(targets: WatchTarget[], options: {signal: AbortSignal; timeoutMs: number; onUpdate: (states: WatchState[]) => void}): Promise<{complete: boolean; states: WatchState[]}>;
	audit(record: AuditRecord): Promise<AuditEntry>;
};
