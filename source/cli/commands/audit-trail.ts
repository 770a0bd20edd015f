import type {AuditRecord} from '../../core/audit.js';
import {AbortedError} from '../../core/errors.js';
import type {CommandContext} from '../context.js';

export type AuditTrail = {
	/** Runs the changing request and audits its result: `doing` names it when it fails, `done` says what it did. */
	request(work: () => Promise<void>, words: {doing: string; done: string}): Promise<void>;
	/** Audits why nothing was requested; a no-op once the request was made, which audited itself. */
	refused(error: unknown): Promise<void>;
};

/** One audit line per command run: the refusal (or abort) before the request, or the request's result. */
export function auditTrail(context: CommandContext, base: Omit<AuditRecord, 'result' | 'detail'>): AuditTrail {
	let requested = false;
	return {
		async request(work, {doing, done}) {
			requested = true;
			try {
				await work();
			} catch (error) {
				await context.audit({...base, result: 'failed', detail: `${doing} failed: ${(error as Error).message}`});
				throw error;
			}

			await context.audit({...base, result: 'ok', detail: done});
		},
		async refused(error) {
			if (requested) return;
			await context.audit({
				...base,
				result: error instanceof AbortedError ? 'aborted' : 'refused',
				detail: (error as Error).message,
			});
		},
	};
}
