/** What an operator action needs from its caller, whichever face calls it: the session and the audit log. */
import type {AuditRecord} from '../core/audit.js';
import type {Session} from '../core/connection/session.js';
import {auditTrail, type Audit} from './audit-trail.js';

export type OperationDeps = {
	session: Session;
	audit: Audit;
};

/** Audits why an action was not started (a refusal, an abort); the caller rethrows. */
export async function auditRefusal(
	deps: OperationDeps,
	base: Omit<AuditRecord, 'result' | 'detail'>,
	error: unknown,
): Promise<void> {
	await auditTrail(deps.audit, base).refused(error);
}
