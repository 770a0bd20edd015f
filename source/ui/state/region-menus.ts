/**
 * The wizard's lists after (and before) losing a region: what the overview offers for each stream of
 * a lost cluster — fail over to its mirror, restore its backup into a surviving cluster, or nothing —
 * what was done about it in this session, and the readiness and failover screens, whose text is a
 * list of lines so that it scrolls in the same viewport as any other list.
 */
import type {AuditEntry} from '../../core/audit.js';
import {formatAge, type StreamReadiness} from '../../recovery/readiness.js';
import {accountWords, copiesText, regionWords, rpoText, topologyWords} from '../../recovery/readiness-words.js';
import type {DiagnosisResult} from '../services.js';
import type {Action, State} from './machine.js';
import type {Item} from './menus.js';
import {latestDiagnosis} from './diagnosis.js';
import {open, planScreen, type ScreenOf} from './screen.js';
import {formatCount} from '../../core/format.js';

const home: Action = {type: 'home'};
/** Lines of text in a list: Enter on them does nothing. */
const nothing: Action = {type: 'notice', message: undefined};

function text(key: string, label: string): Item {
	return {key, label, action: nothing};
}

/**
 * The surviving cluster a lost stream is restored into: the one already serving most of the account's
 * streams (where the mirrors live and failovers land), then the one with most servers answering.
 */
export function survivingCluster(result: DiagnosisResult): string | undefined {
	const loss = result.regionLoss;
	if (!loss || !result.diagnosis.servers.ok) return undefined;
	const answering = result.diagnosis.servers.value.servers.filter(server => server.answering && server.cluster);
	const clusters = [...new Set(answering.map(server => server.cluster!))].filter(name => !loss.down.includes(name));
	const streams = result.diagnosis.streams.ok ? result.diagnosis.streams.value.streams : [];
	const serving = (cluster: string) =>
		streams.filter(stream => stream.status === 'ok' && stream.cluster === cluster).length;
	const servers = (cluster: string) => answering.filter(server => server.cluster === cluster).length;
	return clusters.sort((a, b) => serving(b) - serving(a) || servers(b) - servers(a) || (a < b ? -1 : a > b ? 1 : 0))[0];
}

function doneItems(done: AuditEntry[]): Item[] {
	return done
		.filter(entry => entry.result === 'ok' && (entry.action === 'failover' || entry.action === 'restore'))
		.map((entry, index) => {
			if (entry.action === 'failover') return text(`done-${index}`, `Failed over: ${entry.detail}`);
			const cluster = entry.parameters?.['cluster'];
			return text(
				`done-${index}`,
				`Restored: ${entry.subject} from its backup${typeof cluster === 'string' ? ` into ${cluster}` : ''}`,
			);
		});
}

function lossItem(stream: StreamReadiness, result: DiagnosisResult): Item {
	const by = stream.rpo.by;
	if ((by === 'mirror' || by === 'source') && stream.rpo.from) {
		const copy = stream.copies.find(candidate => candidate.stream === stream.rpo.from);
		return {
			key: `failover-${stream.stream}`,
			label: `Fail over ${stream.stream} to its ${by} ${stream.rpo.from}${copy?.region ? ` in ${copy.region}` : ''}`,
			action: {
				type: 'go',
				screen: open({kind: 'failover-plan', mirror: stream.rpo.from, plan: undefined, problem: undefined}),
			},
		};
	}

	const into = survivingCluster(result);
	if (by === 'backup' && stream.backup) {
		const screen = planScreen(stream.backup.dir);
		return {
			key: `restore-${stream.stream}`,
			label: `Restore ${stream.stream} from its backup (${formatAge(stream.backup.ageMs)} old)${into ? ` into ${into}` : ''}`,
			action: {type: 'go', screen: into ? {...screen, overrides: {cluster: into}} : screen},
		};
	}

	return {
		key: `lost-${stream.stream}`,
		label: `Lost: ${stream.stream} — no mirror, no backup outside ${stream.region ?? 'its region'}`,
		action: {
			type: 'notice',
			message: `${stream.stream} had no copy outside ${stream.region ?? 'its region'}: its data comes back only with that region. Protect streams before a loss: nats-dr protect STREAM --mirror-to CLUSTER`,
		},
	};
}

/** First on the overview: what was done about a lost region, then what is left to do for each of its streams. */
export function regionLossItems(state: State): Item[] {
	const result = latestDiagnosis(state.diagnosis);
	const streams = result?.regionLoss?.streams ?? [];
	// A refresh still under way must not offer again what was just done.
	const handled = (stream: StreamReadiness) =>
		state.done.some(
			entry =>
				entry.result === 'ok' &&
				((entry.action === 'restore' && entry.subject === stream.stream) ||
					(entry.action === 'failover' && entry.subject === stream.rpo.from)),
		);
	const order = (item: Item) => ['failover-', 'restore-', 'lost-'].findIndex(prefix => item.key.startsWith(prefix));
	const offers = result
		? streams
				.filter(stream => !handled(stream))
				.map(stream => lossItem(stream, result))
				.sort((a, b) => order(a) - order(b))
		: [];
	return [...doneItems(state.done), ...offers];
}

export function readinessItem(): Item {
	return {
		key: 'readiness',
		label: 'DR readiness: what losing a region would cost (RPO per stream)',
		action: {type: 'go', screen: open({kind: 'readiness', report: undefined, problem: undefined})},
	};
}

function streamLines(stream: StreamReadiness, clusters: string[]): Item[] {
	const name = stream.domain ? `${stream.stream} @${stream.domain}` : stream.stream;
	const replicas = stream.replicas === undefined ? '?' : `R${stream.replicas}`;
	const where = stream.servers.length > 0 ? ` on ${stream.servers.join(', ')}` : '';
	const backup = stream.backup ? `${formatAge(stream.backup.ageMs)} old` : '-';
	const failover =
		!stream.answering && (stream.rpo.by === 'mirror' || stream.rpo.by === 'source') && stream.rpo.from
			? open({kind: 'failover-plan', mirror: stream.rpo.from, plan: undefined, problem: undefined})
			: undefined;
	return [
		{
			key: `stream-${name}`,
			label: `${name}: ${stream.region ?? '?'}, ${replicas}${where} · ${stream.verdict} · RPO ${rpoText(stream)}`,
			action: failover ? {type: 'go', screen: failover} : nothing,
		},
		text(`copies-${name}`, `  copies: ${copiesText(stream)} · backup: ${backup}`),
		text(`words-${name}`, `  ${stream.words}`),
		...(stream.answering && (stream.verdict === 'unprotected' || stream.verdict === 'rpo-exceeded') && !stream.domain
			? clusters
					.filter(cluster => cluster !== stream.region)
					.map((cluster): Item => ({
						key: `protect-${name}-${cluster}`,
						label: `  → Protect ${name}: mirror it into ${cluster}`,
						action: {
							type: 'go',
							screen: open({
								kind: 'protect-plan',
								stream: stream.stream,
								to: cluster,
								plan: undefined,
								problem: undefined,
							}),
						},
					}))
			: []),
	];
}

function readinessItems(screen: ScreenOf<'readiness'>): Item[] {
	const back = {key: 'home', label: 'Back to the overview', action: home};
	if (!screen.report) return screen.problem ? [back] : [];
	const {view, readiness} = screen.report;
	return [
		...topologyWords(view, readiness).map((line, index) => text(`topology-${index}`, line)),
		...readiness.streams.flatMap(stream =>
			streamLines(
				stream,
				view.clusters.filter(cluster => !cluster.down).map(cluster => cluster.name),
			),
		),
		text('account', accountWords(readiness)),
		text('regions', 'If a region were lost:'),
		...readiness.regions.map(region => text(`region-${region.region}`, `  ${regionWords(region)}`)),
		back,
	];
}

function failoverPlanItems(screen: ScreenOf<'failover-plan'>): Item[] {
	const back = {key: 'back', label: 'Back', action: {type: 'back'} satisfies Action};
	const {plan} = screen;
	if (!plan) return screen.problem ? [back] : [];
	return [
		{
			key: 'go',
			label: `Fail over ${plan.origin} to ${plan.target} (you will type ${plan.mirror})`,
			action: {type: 'go', screen: open({kind: 'failover-confirm', plan})},
		},
		back,
		...plan.steps.map((step, index) => text(`step-${index}`, `${index + 1}. ${step.words}`)),
		...plan.notes.map((note, index) => text(`note-${index}`, note)),
		text('equivalent', 'Equivalent:'),
		...plan.steps.map((step, index) => text(`nats-${index}`, `  ${step.nats}`)),
	];
}

function failoverRunItems(screen: ScreenOf<'failover-run'>): Item[] {
	if (screen.phase === 'running') return [];
	const {plan, outcome} = screen;
	return [
		{key: 'home', label: 'Back to the overview', action: home},
		...(outcome
			? [
					text('equivalent', 'Equivalent:'),
					...outcome.nats.map((command, index) => text(`nats-${index}`, `  ${command}`)),
					...plan.notes.slice(2).map((note, index) => text(`note-${index}`, note)),
				]
			: []),
	];
}

function protectPlanItems(screen: ScreenOf<'protect-plan'>): Item[] {
	const back = {key: 'back', label: 'Back', action: {type: 'back'} satisfies Action};
	const {plan} = screen;
	if (!plan) return screen.problem ? [back] : [];
	return [
		{
			key: 'go',
			label: `Create the mirror ${plan.mirror} in ${plan.where} (you will type ${plan.stream})`,
			action: {type: 'go', screen: open({kind: 'protect-confirm', plan})},
		},
		back,
		text(
			'what',
			`The mirror copies all ${formatCount(plan.originMessages)} messages of ${plan.stream} from ${plan.originRegion ?? '?'}, R${plan.replicas}, keeps its limits, and records the subjects ${plan.subjects.join(', ') || '(none)'} for a failover.`,
		),
		text('equivalent', 'Equivalent:'),
		text('nats', `  ${plan.nats}`),
		text('config', '  mirror.json:'),
		...JSON.stringify(plan.config, undefined, 2)
			.split('\n')
			.map((line, index) => text(`config-${index}`, `    ${line}`)),
	];
}

/** The items of the screens this module owns; undefined for any other screen. */
export function regionScreenItems(state: State): Item[] | undefined {
	const {screen} = state;
	switch (screen.kind) {
		case 'readiness': {
			return readinessItems(screen);
		}

		case 'failover-plan': {
			return failoverPlanItems(screen);
		}

		case 'failover-run': {
			return failoverRunItems(screen);
		}

		case 'protect-plan': {
			return protectPlanItems(screen);
		}

		case 'protect-run': {
			return screen.phase === 'running' ? [] : [{key: 'home', label: 'Back to the overview', action: home}];
		}

		default: {
			return undefined;
		}
	}
}
