/** What an operator action needs from its caller, whichever face calls it: the session and the audit log. */
import type {AuditEntry, AuditRecord} from '../core/audit.js';
import type {Session} from '../core/connection/session.js';
import {AbortedError} from '../core/errors.js';

export type OperationDeps = {
	session: Session;
	audit: (record: AuditRecord) => Promise<AuditEntry>;
};

/** Audits why an action was not started (a refusal, an abort); the caller rethrows. */
export async function auditRefusal(
	deps: OperationDeps,
	base: Omit<AuditRecord, 'result' | 'detail'>,
	error: unknown,
): Promise<void> {
	await deps.audit({
		...base,
		result: error instanceof AbortedError ? 'aborted' : 'refused',
		detail: (error as Error).message,
	});
}
