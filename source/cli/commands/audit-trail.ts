/** The operations' audit trail bound to a command's audit log, for the commands not yet under source/operations. */
import {auditTrail as operationTrail, type AuditTrail} from '../../operations/audit-trail.js';
import type {AuditRecord} from '../../core/audit.js';
import type {CommandContext} from '../context.js';

export function auditTrail(context: CommandContext, base: Omit<AuditRecord, 'result' | 'detail'>): AuditTrail {
	return operationTrail(context.audit, base);
}
