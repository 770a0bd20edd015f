/** Binds the wizard's services to a live session, the engines and the audit log. */
import type {Session} from '../core/connection/session.js';
import {describeConnection} from '../core/connection/settings.js';
import {diagnose} from '../core/diagnosis/diagnose.js';
import {peerIdOf} from '../core/diagnosis/peer-id.js';
import {DrError} from '../core/errors.js';
import {removeMetaPeer, watchRecovery} from '../core/recovery-actions.js';
import {assess} from '../recovery/assess.js';
import type {ConnectionSummary, WizardServices} from '../ui/services.js';
import type {CommandContext} from './context.js';

export function wizardServices(session: Session, context: CommandContext): WizardServices {
	const described = describeConnection(session.settings);
	const system: ConnectionSummary['system'] = session.sys
		? {kind: session.sysSeparate ? 'separate' : 'same'}
		: {kind: 'none', reason: session.sysError?.message ?? 'no system-account connection'};
	return {
		connection: () => ({servers: described.servers, auth: described.auth, context: described.context, system}),
		async diagnose({signal, onPart}) {
			const diagnosis = await diagnose(session, {signal, onPart});
			return {diagnosis, assessment: assess(diagnosis)};
		},
		async peerRemove(server) {
			if (!session.sys) throw new DrError('peer-remove needs the system account', {hint: 'start nats-dr with --sys-user/--sys-creds/--sys-context'});
			await removeMetaPeer(session.sys, {name: server, peerId: peerIdOf(server)}, session.settings.timeoutMs);
		},
		async watch(targets, {signal, timeoutMs, onUpdate}) {
			return watchRecovery(session.js, targets, {signal, timeoutMs, onUpdate});
		},
		audit: async record => context.audit(record),
	};
}
