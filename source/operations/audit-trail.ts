/**
 * What every operation shares: the audit log it writes to, and the one audit record per run it
 * writes (the refusal or abort before the request, or the request's own result).
 */
import type {AuditEntry, AuditRecord} from '../core/audit.js';
import {AbortedError} from '../core/errors.js';

/** Appends one record to the audit log and returns it as logged; never throws for a log it cannot write. */
export type Audit = (record: AuditRecord) => Promise<AuditEntry>;

export type AuditTrail = {
	/** Runs the changing request and audits its result: `doing` names it when it fails, `done` says what it did. */
	request<T>(work: () => Promise<T>, words: {doing: string; done: string}): Promise<T>;
	/** Audits why nothing was requested; a no-op once the request was made, which audited itself. */
	refused(error: unknown): Promise<void>;
};

export function auditTrail(audit: Audit, base: Omit<AuditRecord, 'result' | 'detail'>): AuditTrail {
	let requested = false;
	return {
		async request(work, {doing, done}) {
			requested = true;
			let result;
			try {
				result = await work();
			} catch (error) {
				await audit({...base, result: 'failed', detail: `${doing} failed: ${(error as Error).message}`});
				throw error;
			}

			await audit({...base, result: 'ok', detail: done});
			return result;
		},
		async refused(error) {
			if (requested) return;
			await audit({
				...base,
				result: error instanceof AbortedError ? 'aborted' : 'refused',
				detail: (error as Error).message,
			});
		},
	};
}
