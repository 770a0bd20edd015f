/** Editing a restore's overrides (replicas, cluster, tags) on the restore plan screen. */
import type {RestoreOverrides} from '../../core/restore/overrides.js';
import type {State} from './machine.js';
import {onScreen, withUi} from './on-screen.js';
import type {OverrideField, Screen} from './screen.js';

function editOverrides(
	screen: Screen & {kind: 'restore-plan'},
	field: OverrideField,
	value: string | undefined,
): RestoreOverrides {
	const {dropPlacement: _dropped, ...overrides} = screen.overrides;
	const shown = screen.plan?.placement;
	if (field === 'replicas') return {...screen.overrides, replicas: value === undefined ? undefined : Number(value)};
	// A new placement replaces the backup's wholesale; the half not being edited keeps what the screen showed.
	const cluster = field === 'cluster' ? value : (overrides.cluster ?? shown?.cluster);
	const tags =
		field === 'tags'
			? value
					?.split(',')
					.map(tag => tag.trim())
					.filter(Boolean)
			: (overrides.tags ?? shown?.tags);
	const next: RestoreOverrides = {...(overrides.replicas === undefined ? {} : {replicas: overrides.replicas})};
	if (cluster !== undefined) next.cluster = cluster;
	if (tags && tags.length > 0) next.tags = tags;
	return next;
}

/** The typed value of an override field, or why it cannot be taken. */
function overrideProblem(field: OverrideField, value: string | undefined): string | undefined {
	if (field !== 'replicas' || value === undefined) return undefined;
	const replicas = Number(value);
	return Number.isInteger(replicas) && replicas >= 1 && replicas <= 5
		? undefined
		: `Replicas must be a whole number from 1 to 5, not "${value}"`;
}

export function setOverride(state: State, value: string | undefined): State {
	return onScreen(state, 'restore-plan', screen => {
		if (!screen.editing) return screen;
		const problem = overrideProblem(screen.editing, value);
		if (problem) return withUi(screen, {error: problem});
		return {
			...screen,
			editing: undefined,
			plan: undefined,
			problem: undefined,
			overrides: editOverrides(screen, screen.editing, value),
			ui: {...screen.ui, cursor: 0, error: undefined},
		};
	});
}
