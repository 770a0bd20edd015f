/** The audit record an action left, as the run screens end with it. */
import type {AuditEntry} from '../../core/audit.js';
import {Text} from './text.js';

export function AuditLine({entry}: {readonly entry: AuditEntry}) {
	return <Text wrap="wrap">{`Audit: ${entry.action} ${entry.subject}: ${entry.result}`}</Text>;
}
