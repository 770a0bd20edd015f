/** Binds the wizard's services to a live session, the operations and the audit log. */
import type {Session} from '../core/connection/session.js';
import {describeConnection} from '../core/connection/settings.js';
import {diagnose} from '../core/diagnosis/diagnose.js';
import {watchForLeader} from '../core/diagnosis/election.js';
import {defaultStateDir} from '../core/diagnosis/inventory.js';
import {gatherServers} from '../core/diagnosis/servers.js';
import type {AuditEntry} from '../core/audit.js';
import type {Audit} from '../operations/audit-trail.js';
import {backupStreams} from '../operations/backup.js';
import {peerRemove} from '../operations/peer-remove.js';
import {restorePlanned} from '../operations/restore.js';
import {deleteStreamForRestore} from '../operations/stream-delete.js';
import {checkBackupTarget, completePath, listBackups} from '../core/backup-catalog.js';
import {planStreamRestore} from '../core/restore/plan.js';
import path from 'node:path';
import {assess} from '../recovery/assess.js';
import {failover, prepareFailover} from '../operations/failover.js';
import {gatherReadiness} from '../operations/readiness.js';
import {prepareProtect, protect} from '../operations/protect.js';
import {placeServers, regionLoss} from './commands/region-loss.js';
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
	/** The operations write to the command's audit log; the wizard hears of each record for its summary. */
	const recorded =
		(onRecorded: (entry: AuditEntry) => void): Audit =>
		async record => {
			const entry = await context.audit(record);
			onRecorded(entry);
			return entry;
		};
	const restoreConnection = {js: session.js, sys: session.sys, sysError: session.sysError};
	const root = () => backupRoot ?? path.resolve('nats-dr-backups');
	// Backups make the difference between "restore" and "lost": a root that cannot be read just has none.
	const backups = async () => listBackups(root()).catch(() => []);
	// Plans audit only refusals; a run's records (its failure too) reach the wizard's summary through onRecorded.
	const operationDeps = {session, audit: context.audit};
	// As long as the wizard watches a peer-remove: past it, the screen says what is still pending.
	const watchTimeoutMs = 120_000;
	const protectRequest = (stream: string, mirrorTo: string) => ({
		stream,
		mirrorTo,
		newName: undefined,
		replicas: undefined,
	});
	const failoverRequest = (mirror: string) => ({mirror, newName: undefined, force: false, subjects: []});
	return {
		connection: () => ({servers: described.servers, auth: described.auth, context: described.context, account, system}),
		async diagnose({signal, onPart, onElectionWait}) {
			const diagnosis = await diagnose(session, {
				signal,
				onPart,
				onElectionWait,
				stateDir: defaultStateDir(context.io.env),
			});
			// The region-loss view adds to the diagnosis; without it the overview still offers the node-level paths.
			const loss = await regionLoss(session, diagnosis, backups, signal).catch(() => undefined);
			const placed = placeServers(diagnosis, loss);
			return {diagnosis: placed, assessment: assess(placed), regionLoss: loss};
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
		async peerRemove(server, {signal, watchTimeoutMs, onEvent, onRecorded}) {
			return peerRemove(
				session,
				{server, force: false, watch: true, watchTimeoutMs},
				// The wizard took the typed name on its own screen before it got here.
				{signal, audit: recorded(onRecorded), confirm: async () => undefined, onEvent},
			);
		},
		demo,
		defaultBackupRoot: root,
		completePath,
		checkBackupTarget,
		async backup(streams, root, {signal, onStream, onStart, onProgress, onOutcome, onRecorded}) {
			// One at a time: the wizard draws one stream's progress bar under the finished ones.
			const settings = {inboxPrefix: session.settings.inboxPrefix, concurrency: 1};
			await backupStreams(session.js, root, streams, settings, {
				signal,
				audit: recorded(onRecorded),
				onStream,
				onStart,
				onProgress,
				onOutcome,
			});
		},
		listBackups,
		async planRestore(dir, overrides, signal, onCheck) {
			return planStreamRestore(restoreConnection, dir, {overrides, signal, ...(onCheck ? {onCheck} : {})});
		},
		async restore(plan, {signal, onProgress, onRecorded}) {
			return restorePlanned(restoreConnection, plan, {}, {signal, onProgress, audit: recorded(onRecorded)});
		},
		async deleteStream(stream, {onRecorded}) {
			await deleteStreamForRestore(session.js, stream, {audit: recorded(onRecorded)});
		},
		async readiness({signal}) {
			return gatherReadiness(session, {backups: await backups(), maxRpoMs: undefined, signal});
		},
		async planFailover(mirror) {
			return prepareFailover(operationDeps, failoverRequest(mirror));
		},
		async failover(plan, {signal, onEvent, onRecorded}) {
			const deps = {session, audit: recorded(onRecorded)};
			return failover(deps, failoverRequest(plan.mirror), plan, {signal, onEvent, watchTimeoutMs});
		},
		async planProtect(stream, mirrorTo) {
			return prepareProtect(operationDeps, protectRequest(stream, mirrorTo));
		},
		async protect(plan, {signal, onEvent, onRecorded}) {
			const deps = {session, audit: recorded(onRecorded)};
			return protect(deps, protectRequest(plan.stream, plan.target.name), plan, {
				signal,
				onEvent,
				watchTimeoutMs,
			});
		},
	};
}
