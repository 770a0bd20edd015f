/**
 * The items of every list the wizard shows, with the action each one takes. The screens draw
 * these and the reducer runs them, so what is highlighted is exactly what Enter does.
 */
import type {BackupSummary} from '../../core/backup-catalog.js';
import {formatBytes} from '../../core/format.js';
import type {StreamView} from '../../core/diagnosis/streams.js';
import {removalImpact} from '../../recovery/impact.js';
import {verdictOrder, verdictTitles, type StreamVerdict} from '../../recovery/stream-verdict.js';
import type {Action, State} from './machine.js';
import {latestDiagnosis} from './diagnosis.js';
import {missingServers, vanished} from './known-servers.js';
import {isBusy, isTextEntry, open, planScreen, type Screen, type ScreenOf} from './screen.js';
import {findingMatches, planFindingRows, type FindingRow} from './findings.js';
import {nextSteps} from '../../recovery/next-steps.js';
import {readinessItem, regionLossItems, regionScreenItems} from './region-menus.js';

export type Item = {key: string; label: string; action: Action};

/** Lists that can be long enough to need `/`. */
export function filterable(screen: Screen): boolean {
	return (
		screen.kind === 'streams' ||
		screen.kind === 'servers' ||
		screen.kind === 'restore-pick' ||
		screen.kind === 'backup-select' ||
		screen.kind === 'findings'
	);
}

export function isMultiSelect(screen: Screen): boolean {
	return screen.kind === 'backup-select';
}

export function hasMenu(state: State): boolean {
	// A filterable list keeps its keys even when the filter matches nothing, and is not built just to ask.
	return (
		!isBusy(state.screen) && !isTextEntry(state.screen) && (filterable(state.screen) || menuItems(state).length > 0)
	);
}

function matches(name: string, filter: string): boolean {
	return filter === '' || name.toLowerCase().includes(filter.toLowerCase());
}

const sortedCache = new WeakMap<StreamVerdict[], StreamVerdict[]>();

/** Most urgent first; sorted once per diagnosis, so filtering 10,000 streams per key stays cheap. */
function sortedVerdicts(verdicts: StreamVerdict[]): StreamVerdict[] {
	let sorted = sortedCache.get(verdicts);
	if (!sorted) {
		// Stream names are ASCII: a plain comparison sorts them as localeCompare would, many times faster.
		sorted = [...verdicts].sort(
			(a, b) =>
				verdictOrder.indexOf(a.kind) - verdictOrder.indexOf(b.kind) ||
				(a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0),
		);
		sortedCache.set(verdicts, sorted);
	}

	return sorted;
}

const streamItemCache = new WeakMap<StreamVerdict[], Item[]>();

/** The stream list's items, built once per diagnosis: a key press in a list of 10,000 only filters. */
function streamItems(verdicts: StreamVerdict[]): Item[] {
	let items = streamItemCache.get(verdicts);
	if (!items) {
		items = sortedVerdicts(verdicts).map(verdict => ({
			key: verdict.stream,
			label: `${verdict.stream} — ${verdictTitles[verdict.kind]}`,
			action: {type: 'go', screen: open({kind: 'inspect', stream: verdict.stream})},
		}));
		streamItemCache.set(verdicts, items);
	}

	return items;
}

export function replicasWord(replicas: number | undefined, verdict: StreamVerdict | undefined): string {
	// An R1 stream whose node is dead answers no STREAM.INFO, but its verdict says what it was.
	return `R${replicas ?? verdict?.replicas ?? (verdict?.kind === 'r1-on-dead-node' ? 1 : '?')}`;
}

export function streamsOf(state: State): StreamView[] {
	const result = latestDiagnosis(state.diagnosis);
	return result?.diagnosis.streams.ok ? result.diagnosis.streams.value.streams : [];
}

const choiceCache = new WeakMap<StreamView[], Array<{key: string; label: string}>>();

/** The streams of the backup selection, filtered, as the multi-select lists them; labels are built once per diagnosis. */
export function backupChoices(state: State): Array<{key: string; label: string}> {
	const filter = state.screen.ui.filter.value;
	const streams = streamsOf(state);
	let choices = choiceCache.get(streams);
	if (!choices) {
		const verdicts = new Map(
			(latestDiagnosis(state.diagnosis)?.assessment.streams ?? []).map(verdict => [verdict.stream, verdict]),
		);
		choices = streams.map(stream => ({
			key: stream.name,
			label: `${stream.name}  ${replicasWord(stream.replicas, verdicts.get(stream.name))} ${stream.storage ?? ''}  ${stream.messages ?? '?'} msgs  ${stream.bytes === undefined ? '?' : formatBytes(stream.bytes)}${stream.storage === 'memory' ? '  (memory: cannot be snapshotted)' : ''}${stream.status === 'ok' ? '' : `  (${stream.status})`}`,
		}));
		choiceCache.set(streams, choices);
	}

	return filter === '' ? choices : choices.filter(choice => matches(choice.key, filter));
}

function backupLabel(backup: BackupSummary): string {
	if (backup.problem) return `${backup.dir}: ${backup.problem}`;
	const verified =
		backup.verified === undefined ? 'not verified by nats-dr' : backup.verified ? 'verified' : 'VERIFICATION FAILED';
	return `${backup.stream.padEnd(12)} ${formatBytes(backup.archiveBytes).padStart(9)}  ${backup.messages ?? '?'} msgs  ${backup.created.slice(0, 19).replace('T', ' ')}  ${verified}`;
}

const home: Action = {type: 'home'};

function overviewItems(state: State): Item[] {
	const result = latestDiagnosis(state.diagnosis);
	const meta = result?.assessment.meta;
	const dead = meta?.dead.length ?? 0;
	const items: Item[] = regionLossItems(state);
	if (meta?.kind === 'no-quorum') {
		const missing = (meta.quorum ?? 0) - meta.answering;
		const absent = (meta.size ?? meta.answering) - meta.answering;
		items.push({
			key: 'quorum',
			label: `Meta quorum lost: bring back ${missing} of the ${absent} missing servers`,
			action: {
				type: 'go',
				screen: open({kind: 'quorum', restarting: undefined, waiting: undefined, restarted: [], problem: undefined}),
			},
		});
	} else if (dead > 0) {
		items.push({
			key: 'recovery',
			label: `Automatic recovery (${dead} dead node${dead > 1 ? 's' : ''})`,
			action: {type: 'go', screen: open({kind: 'recovery-node', returnTo: undefined})},
		});
	}

	const streams = result?.assessment.streams ?? [];
	const lost = streams.filter(verdict => verdict.kind === 'r1-on-dead-node' || verdict.kind === 'no-quorum').length;
	const restore: Action = {
		type: 'go',
		screen: open({kind: 'restore-dir', loading: false, problem: undefined, choices: []}, state.backupRoot),
	};
	if (lost > 0)
		items.push({
			key: 'restore',
			label: `Restore from a backup (${lost} stream${lost > 1 ? 's' : ''} need${lost > 1 ? '' : 's'} one)`,
			action: restore,
		});
	if (streams.length > 0)
		items.push({
			key: 'backup',
			label: 'Back up streams',
			action: {type: 'go', screen: open({kind: 'backup-select', selected: []})},
		});
	if (lost === 0) items.push({key: 'restore', label: 'Restore from a backup', action: restore});
	if (streams.length > 0)
		items.push({key: 'inspect', label: 'Inspect a stream', action: {type: 'go', screen: open({kind: 'streams'})}});
	const steps = result
		? nextSteps(result.assessment, undefined, 'wizard').filter(step => !step.startsWith('Nothing to do'))
		: [];
	if (steps.length > 0)
		items.push({
			key: 'steps',
			label: `Next steps (${steps.length})`,
			action: {
				type: 'go',
				screen: findingsScreen(
					'Next steps',
					steps.map(step => ({level: 'step', text: step})),
				),
			},
		});
	const servers = result?.diagnosis.servers.ok ? result.diagnosis.servers.value.servers.length : 0;
	if (servers > 0)
		items.push({
			key: 'servers',
			label: `List the servers (${servers})`,
			action: {type: 'go', screen: open({kind: 'servers'})},
		});
	if (streams.length > 0) items.push(readinessItem());
	items.push(
		{key: 'refresh', label: 'Refresh', action: {type: 'refresh'}},
		{key: 'quit', label: 'Quit', action: {type: 'quit', code: 0}},
	);
	return items;
}

/** Every server, those that do not answer first; Enter on a dead one opens its recovery plan. */
function serverItems(state: State): Item[] {
	const result = latestDiagnosis(state.diagnosis);
	const listed = result?.diagnosis.servers.ok ? result.diagnosis.servers.value.servers : [];
	const gone = vanished(state.known, listed).map(server => ({
		name: server.name,
		cluster: server.cluster,
		version: undefined,
		answering: false,
		metaLeader: false,
	}));
	const all = [...listed, ...gone].filter(server => matches(server.name, state.screen.ui.filter.value));
	const ordered = [...all.filter(server => !server.answering), ...all.filter(server => server.answering)];
	const dead = new Set(result?.assessment.meta.dead ?? []);
	const width = Math.max(0, ...ordered.map(server => server.name.length)) + 2;
	return ordered.map(server => ({
		key: server.name,
		label: `${`${server.name}${server.metaLeader ? '*' : ''}`.padEnd(width)} ${(server.cluster ?? '-').padEnd(14)} ${(server.version ?? '-').padEnd(8)} ${server.answering ? 'online' : 'NOT ANSWERING'}`,
		action: dead.has(server.name)
			? {type: 'go', screen: open({kind: 'recovery-plan', server: server.name, returnTo: undefined})}
			: {
					type: 'notice',
					message: server.answering
						? `${server.name} answers: nothing to recover on it`
						: `${server.name} does not answer and the meta group does not name it: see Meta group on the overview`,
				},
	}));
}

function restorePlanItems(state: State, screen: Screen & {kind: 'restore-plan'}): Item[] {
	const {plan, overrides} = screen;
	if (!plan || screen.editing) return [];
	const result = latestDiagnosis(state.diagnosis);
	const verdict = result?.assessment.streams.find(candidate => candidate.stream === plan.stream);
	const broken = verdict?.kind === 'r1-on-dead-node' || verdict?.kind === 'no-quorum';
	// A stream of a lost region is deleted by the meta group itself; removing the region's servers would shrink
	// the meta group across the supercluster instead.
	const regionLost = result?.regionLoss?.streams.some(stream => stream.stream === plan.stream) ?? false;
	const blockedBy =
		verdict?.kind === 'r1-on-dead-node' && !regionLost
			? verdict.deadPeers.find(server => result?.assessment.meta.dead.includes(server))
			: undefined;
	// A stream whose only node is dead answers no STREAM.INFO: pre-flight can only warn, but the name is taken.
	const exists = plan.findings.some(
		finding => finding.check === 'exists' && (finding.level === 'refusal' || (finding.level === 'warning' && broken)),
	);
	const edit = (field: 'replicas' | 'cluster' | 'tags'): Action => ({type: 'edit', field});
	const items: Item[] = [];
	if (!plan.refused)
		items.push({
			key: 'continue',
			label: `Restore ${plan.stream} (you will type its name)`,
			action: {type: 'go', screen: open({kind: 'restore-confirm', plan})},
		});
	if (exists && blockedBy) {
		items.push({
			key: 'peer-remove',
			label: `Peer-remove ${blockedBy} first: the server cannot delete a stream whose only node is dead and still a member`,
			action: {
				type: 'go',
				screen: open({kind: 'recovery-plan', server: blockedBy, returnTo: {screen, history: state.history}}),
			},
		});
	} else if (exists) {
		items.push({
			key: 'delete',
			label: `Delete the ${broken ? 'broken' : 'existing'} stream ${plan.stream} first (you will type its name)`,
			action: {type: 'go', screen: open({kind: 'delete-confirm', stream: plan.stream, returnTo: screen})},
		});
	}

	const problems = plan.findings.filter(finding => finding.level !== 'ok').length;
	items.push(
		{
			key: 'replicas',
			label: `Replicas: ${overrides.replicas ?? `${plan.replicas} (from the backup)`}`,
			action: edit('replicas'),
		},
		{
			key: 'cluster',
			label: `Cluster: ${overrides.cluster ?? plan.placement?.cluster ?? 'any'}`,
			action: edit('cluster'),
		},
		{
			key: 'tags',
			label: `Tags: ${(overrides.tags ?? plan.placement?.tags ?? []).join(',') || 'none'}`,
			action: edit('tags'),
		},
		{
			key: 'no-placement',
			label: 'Drop the placement',
			action: {
				type: 'overrides',
				overrides: {...(overrides.replicas === undefined ? {} : {replicas: overrides.replicas}), dropPlacement: true},
			},
		},
		{
			key: 'findings',
			label: `Read the ${plan.findings.length} findings one by one (${problems === 0 ? 'all ok' : `${problems} to act on`})`,
			action: {
				type: 'go',
				screen: findingsScreen(`Pre-flight for ${plan.stream} from ${screen.dir}`, planFindingRows(plan.findings)),
			},
		},
	);
	return items;
}

function findingsScreen(title: string, findings: FindingRow[]): Screen {
	return open({kind: 'findings', title, findings});
}

/** The findings the filter leaves, in the order the screen lists them. */
export function shownFindings(screen: ScreenOf<'findings'>): FindingRow[] {
	const filter = screen.ui.filter.value;
	return filter === '' ? screen.findings : screen.findings.filter(row => findingMatches(row, filter));
}

function recoveryDoneItems(screen: Screen & {kind: 'recovery-run'}): Item[] {
	const items: Item[] = [];
	if (screen.returnTo) {
		const {screen: back} = screen.returnTo;
		const label =
			back.kind === 'restore-plan'
				? `Back to the restore of ${back.plan?.stream ?? back.dir}`
				: 'Back to where you were';
		items.push({key: 'return', label, action: {type: 'return', detour: screen.returnTo}});
	}

	const lost = screen.impacts.filter(impact => impact.kind === 'data-lost').map(impact => impact.stream);
	if (lost.length > 0 && !screen.returnTo) {
		items.push({key: 'restore', label: `Restore ${lost.join(', ')} from a backup`, action: {type: 'restore-lost'}});
	}

	items.push({key: 'home', label: 'Back to the overview', action: home});
	return items;
}

function listItems(state: State): Item[] {
	const {screen} = state;
	const result = latestDiagnosis(state.diagnosis);
	switch (screen.kind) {
		case 'overview': {
			return overviewItems(state);
		}

		case 'streams': {
			const items = streamItems(result?.assessment.streams ?? []);
			const filter = screen.ui.filter.value;
			return filter === '' ? items : items.filter(item => matches(item.key, filter));
		}

		case 'quorum': {
			if (screen.restarting) return [];
			const lost = result?.assessment.meta.kind === 'no-quorum';
			const restartable = lost
				? missingServers(state.known, result).filter(
						server => state.demoServers.includes(server) && !screen.restarted.includes(server),
					)
				: [];
			return [
				...restartable.map((server): Item => ({
					key: `restart-${server}`,
					label: `Restart ${server} (a demo server: starts it again with its data)`,
					action: {type: 'restart', server},
				})),
				...(lost ? [{key: 'refresh', label: 'Refresh the diagnosis', action: {type: 'refresh'}} satisfies Item] : []),
				{key: 'home', label: 'Back to the overview', action: home},
			];
		}

		case 'servers': {
			return serverItems(state);
		}

		case 'recovery-node': {
			return (result?.assessment.meta.dead ?? []).map(server => ({
				key: server,
				label: server,
				action: {type: 'go', screen: open({kind: 'recovery-plan', server, returnTo: screen.returnTo})},
			}));
		}

		case 'recovery-plan': {
			if (!result) return [];
			const {meta} = result.assessment;
			if (!meta.peerRemovePossible || meta.kind === 'no-quorum') {
				return [
					{key: 'refresh', label: 'Refresh the diagnosis (after bringing a server back)', action: {type: 'refresh'}},
					{key: 'home', label: 'Back to the overview', action: home},
				];
			}

			const impacts = removalImpact(screen.server, streamsOf(state), result.assessment);
			return [
				{
					key: 'go',
					label: `Peer-remove ${screen.server} (you will type its name)`,
					action: {
						type: 'go',
						screen: open({kind: 'recovery-confirm', server: screen.server, impacts, returnTo: screen.returnTo}),
					},
				},
			];
		}

		case 'recovery-run': {
			return screen.phase === 'done' || screen.phase === 'failed' ? recoveryDoneItems(screen) : [];
		}

		case 'backup-run': {
			return screen.phase === 'done' ? [{key: 'home', label: 'Back to the overview', action: home}] : [];
		}

		case 'restore-pick': {
			return screen.backups
				.filter(backup => matches(backup.stream ?? backup.dir, screen.ui.filter.value))
				.map(backup => ({
					key: backup.dir,
					label: backupLabel(backup),
					action: {type: 'go', screen: planScreen(backup.dir)},
				}));
		}

		case 'restore-plan': {
			return restorePlanItems(state, screen);
		}

		case 'findings': {
			// Enter on a finding goes back to the screen it explains, where the menu acts on it.
			const filter = screen.ui.filter.value;
			return screen.findings.flatMap((row, index): Item[] =>
				findingMatches(row, filter) ? [{key: `${index}`, label: row.text, action: {type: 'back'}}] : [],
			);
		}

		case 'restore-run': {
			return screen.phase === 'running' ? [] : [{key: 'home', label: 'Back to the overview', action: home}];
		}

		case 'delete-run': {
			return screen.phase === 'failed'
				? [
						{
							key: 'back',
							label: 'Back to the restore',
							action: {type: 'return', detour: {screen: screen.returnTo, history: state.history.slice(0, -1)}},
						},
					]
				: [];
		}

		default: {
			return [];
		}
	}
}

export function menuItems(state: State): Item[] {
	return regionScreenItems(state) ?? listItems(state);
}
