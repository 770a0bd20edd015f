/** Binds the wizard's services to a live session, the engines and the audit log. */
import type {Session} from '../core/connection/session.js';
import {describeConnection} from '../core/connection/settings.js';
import {diagnose} from '../core/diagnosis/diagnose.js';
import {watchForLeader} from '../core/diagnosis/election.js';
import {defaultStateDir} from '../core/diagnosis/inventory.js';
import {gatherServers} from '../core/diagnosis/servers.js';
import {peerIdOf} from '../core/diagnosis/peer-id.js';
import {DrError} from '../core/errors.js';
import {deleteStream, removeMetaPeer, watchRecovery} from '../core/recovery-actions.js';
import {checkBackupTarget, completePath, listBackups} from '../core/backup-catalog.js';
import {backupStream} from '../core/backup/backup-stream.js';
import {planStreamRestore} from '../core/restore/plan.js';
import {restoreStream} from '../core/restore/restore.js';
import {natsRestoreCommand} from '../core/restore/overrides.js';
import path from 'node:path';
import {assess} from '../recovery/assess.js';
import type {ConnectionSummary, DemoService, WizardServices} from '../ui/services.js';
import type {CommandContext} from './context.js';

export function wizardServices(
	session: Session,
	context: CommandContext,
	{
		backupRoot,
		account,
		demo,
	}: {backupRoot?: string | undefined; account?: string | undefined; demo?: DemoService | undefined} = {},
): WizardServices {
	const described = describeConnection(session.settings);
	const system: ConnectionSummary['system'] = session.sys
		? {kind: session.sysSeparate ? 'separate' : 'same'}
		: {kind: 'none', reason: session.sysError?.message ?? 'no system-account connection'};
	const restoreConnection = {js: session.js, sys: session.sys, sysError: session.sysError};
	return {
		connection: () => ({servers: described.servers, auth: described.auth, context: described.context, account, system}),
		async diagnose({signal, onPart, onElectionWait}) {
			const diagnosis = await diagnose(session, {
				signal,
				onPart,
				onElectionWait,
				stateDir: defaultStateDir(context.io.env),
			});
			return {diagnosis, assessment: assess(diagnosis)};
		},
		...(session.sys && {
			async watchMetaLeader({signal, onWait}: {signal: AbortSignal; onWait: (waitedMs: number | undefined) => void}) {
				const sys = session.sys!;
				return watchForLeader(async () => gatherServers(sys, {timeoutMs: session.settings.timeoutMs, signal}), {
					signal,
					onWait,
				});
			},
		}),
		async peerRemove(server) {
			if (!session.sys)
				throw new DrError('peer-remove needs the system account', {
					hint: 'start nats-dr with --sys-user/--sys-creds/--sys-context',
				});
			await removeMetaPeer(session.sys, {name: server, peerId: peerIdOf(server)}, session.settings.timeoutMs);
		},
		async watch(targets, {signal, timeoutMs, onUpdate}) {
			return watchRecovery(session.js, targets, {signal, timeoutMs, onUpdate});
		},
		demo,
		defaultBackupRoot: () => backupRoot ?? path.resolve('nats-dr-backups'),
		completePath,
		checkBackupTarget,
		async backup(stream, dir, {signal, onStart, onProgress}) {
			try {
				return {
					stream,
					dir,
					ok: true,
					result: await backupStream(session.js, stream, dir, {
						signal,
						onStart,
						onProgress,
						inboxPrefix: session.settings.inboxPrefix,
					}),
				};
			} catch (error) {
				if (signal.aborted || !(error instanceof DrError)) throw error;
				return {stream, dir, ok: false, error};
			}
		},
		listBackups,
		async planRestore(dir, overrides, signal, onCheck) {
			return planStreamRestore(restoreConnection, dir, {overrides, signal, ...(onCheck ? {onCheck} : {})});
		},
		natsRestoreCommand: plan => natsRestoreCommand(plan.dir, plan.overrides),
		async restore(plan, {signal, onProgress}) {
			return restoreStream(plan, {connection: restoreConnection, signal, onProgress});
		},
		async deleteStream(stream) {
			await deleteStream(session.js, stream);
		},
		audit: async record => context.audit(record),
	};
}
