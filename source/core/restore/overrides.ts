/**
 * Config changes on restore: replicas and placement, the only parts of a stream's identity that may
 * differ from the backup (protocol doc §4.5). They are patched into `backup.json` member by member,
 * so fields this tool does not know and integers above 2^53 reach the server exactly as written.
 */
import {rawMembers} from '../backup/raw-json.js';

export type RestoreOverrides = {
	replicas?: number;
	cluster?: string;
	/** Placement tags; with `cluster`, they replace the backup's placement wholesale, as natscli does. */
	tags?: string[];
	/** Drop the backup's placement, e.g. one that pins the stream by tag to a node that is gone. */
	dropPlacement?: boolean;
};

/** The largest replica count JetStream allows. */
const maxReplicas = 5;

/** Why the overrides cannot be applied together, or undefined when they can. */
export function overridesProblem(overrides: RestoreOverrides): string | undefined {
	const {replicas, cluster, tags = [], dropPlacement} = overrides;
	if (replicas !== undefined && (!Number.isInteger(replicas) || replicas < 1 || replicas > maxReplicas)) {
		return `--replicas must be a whole number from 1 to ${maxReplicas}, not ${replicas}`;
	}

	if (dropPlacement && (cluster !== undefined || tags.length > 0)) {
		return '--no-placement drops the placement, while --cluster/--tag set a new one: use one or the other';
	}

	return undefined;
}

type Placement = {cluster?: string; tags?: string[]};

function placementOf(overrides: RestoreOverrides): Placement | undefined {
	const {cluster, tags = []} = overrides;
	if (cluster === undefined && tags.length === 0) return undefined;
	return {...(cluster === undefined ? {} : {cluster}), ...(tags.length > 0 ? {tags} : {})};
}

/** The parsed config with the overrides applied; the input is left as it was. */
export function applyOverrides(config: Record<string, unknown>, overrides: RestoreOverrides): Record<string, unknown> {
	const patched = {...config};
	if (overrides.replicas !== undefined) patched['num_replicas'] = overrides.replicas;
	const placement = placementOf(overrides);
	if (placement) patched['placement'] = placement;
	else if (overrides.dropPlacement) delete patched['placement'];
	return patched;
}

function hasOverrides(overrides: RestoreOverrides): boolean {
	return overrides.replicas !== undefined || placementOf(overrides) !== undefined || overrides.dropPlacement === true;
}

/**
 * The RESTORE request body: `backup.json` verbatim without overrides (as jsm.go sends it), else
 * with only the changed config members rewritten and every other token kept as the file has it.
 */
export function restoreRequestBody(backupJsonText: string, overrides: RestoreOverrides): string {
	if (!hasOverrides(overrides)) return backupJsonText;
	const top = rawMembers(backupJsonText);
	const config = rawMembers(top.get('config') ?? '{}');
	if (overrides.replicas !== undefined) config.set('num_replicas', String(overrides.replicas));
	const placement = placementOf(overrides);
	if (placement) config.set('placement', JSON.stringify(placement));
	else if (overrides.dropPlacement) config.delete('placement');
	top.set('config', objectText(config));
	return objectText(top);
}

function objectText(members: Map<string, string>): string {
	return `{${[...members].map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`;
}
