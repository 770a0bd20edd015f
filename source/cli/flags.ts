/**
 * The whole command surface: flags, which command takes which, and parsing with meow into a typed
 * Invocation. Unknown flags and missing values become one-line UsageErrors here, so every command
 * starts from validated input.
 */
import meow from 'meow';
import {parseDuration} from '../core/duration.js';
import {UsageError} from '../core/errors.js';

type FlagSpec = {type: 'string' | 'boolean' | 'number'; shortFlag?: string; isMultiple?: boolean; default?: unknown};

/** Flags every command accepts: connection, output and confirmation. */
const globalFlags = {
	server: {type: 'string', shortFlag: 's'},
	context: {type: 'string'},
	user: {type: 'string'},
	password: {type: 'string'},
	token: {type: 'string'},
	creds: {type: 'string'},
	nkey: {type: 'string'},
	tlscert: {type: 'string'},
	tlskey: {type: 'string'},
	tlsca: {type: 'string'},
	tlsfirst: {type: 'boolean'},
	jsDomain: {type: 'string'},
	timeout: {type: 'string'},
	sysContext: {type: 'string'},
	sysUser: {type: 'string'},
	sysPassword: {type: 'string'},
	sysCreds: {type: 'string'},
	json: {type: 'boolean', default: false},
	progress: {type: 'boolean', default: true},
	plain: {type: 'boolean', default: false},
	color: {type: 'boolean', default: true},
	ascii: {type: 'boolean', default: false},
	yes: {type: 'boolean', default: false},
	confirm: {type: 'string'},
	auditLog: {type: 'string'},
	help: {type: 'boolean', shortFlag: 'h', default: false},
	version: {type: 'boolean', default: false},
} as const satisfies Record<string, FlagSpec>;

/** Flags that belong to one or a few commands; using them elsewhere is a usage error. */
const commandFlags = {
	backups: {type: 'string'},
	electionTimeout: {type: 'string'},
	all: {type: 'boolean', default: false},
	consumers: {type: 'boolean', default: true},
	check: {type: 'boolean', default: false},
	chunkSize: {type: 'string'},
	window: {type: 'number'},
	settleTimeout: {type: 'string'},
	concurrency: {type: 'number'},
	idleTimeout: {type: 'string'},
	force: {type: 'boolean', default: false},
	replicas: {type: 'number'},
	cluster: {type: 'string'},
	tag: {type: 'string', isMultiple: true},
	placement: {type: 'boolean', default: true},
	verify: {type: 'boolean', default: true},
	skipExisting: {type: 'boolean', default: false},
	stream: {type: 'string'},
	watchTimeout: {type: 'string'},
	watch: {type: 'boolean', default: true},
	scenario: {type: 'string'},
	keep: {type: 'boolean', default: false},
	natsServer: {type: 'string'},
	maxRpo: {type: 'string'},
	domain: {type: 'string', isMultiple: true},
	mirrorTo: {type: 'string'},
	newName: {type: 'string'},
	subjects: {type: 'string', isMultiple: true},
} as const satisfies Record<string, FlagSpec>;

export type CommandName =
	| 'diagnose'
	| 'readiness'
	| 'backup'
	| 'restore'
	| 'verify'
	| 'peer-remove'
	| 'step-down'
	| 'failover'
	| 'protect'
	| 'demo';

type CommandFlag = keyof typeof commandFlags;

export type CommandSpec = {
	usage: string;
	summary: string;
	/** Positional argument names, in order; `?` marks optional ones. */
	args: string[];
	flags: CommandFlag[];
};

export const commands: Record<CommandName, CommandSpec> = {
	diagnose: {
		usage: 'nats-dr diagnose [--backups DIR] [--election-timeout DURATION] [--json]',
		summary: 'servers, meta group and every stream, with a recovery verdict per stream',
		args: [],
		flags: ['backups', 'electionTimeout'],
	},
	readiness: {
		usage: 'nats-dr readiness [--backups DIR] [--max-rpo 5m] [--domain D…] [--json]',
		summary: 'per stream: where it lives, its copies in other clusters or domains, its RPO if a region is lost',
		args: [],
		flags: ['backups', 'maxRpo', 'domain'],
	},
	backup: {
		usage: 'nats-dr backup STREAM DIR | nats-dr backup --all DIR',
		summary: 'snapshot one stream, or every stream of the account, into a natscli-compatible backup',
		args: ['STREAM', 'DIR?'],
		flags: ['all', 'concurrency', 'consumers', 'check', 'chunkSize', 'idleTimeout', 'force'],
	},
	restore: {
		usage: 'nats-dr restore DIR [--replicas N] [--cluster C] [--tag T…] [--confirm NAME | --yes]',
		summary: 'restore a stream backup, or every backup under an account backup directory',
		args: ['DIR'],
		flags: [
			'replicas',
			'cluster',
			'tag',
			'placement',
			'verify',
			'skipExisting',
			'concurrency',
			'chunkSize',
			'window',
			'settleTimeout',
		],
	},
	verify: {
		usage: 'nats-dr verify DIR',
		summary: 'check a backup: archive CRCs, tar structure, stream name, consumers',
		args: ['DIR'],
		flags: [],
	},
	'peer-remove': {
		usage: 'nats-dr peer-remove SERVER [--stream NAME] [--force] [--confirm SERVER | --yes]',
		summary: 'remove a dead server from the meta group (or from one stream) so replicas move to a spare',
		args: ['SERVER'],
		flags: ['stream', 'force', 'watchTimeout', 'watch'],
	},
	'step-down': {
		usage: 'nats-dr step-down STREAM [--confirm STREAM | --yes]',
		summary: 'make a stream leader step down, when a stream is stuck on a bad leader',
		args: ['STREAM'],
		flags: [],
	},
	failover: {
		usage: 'nats-dr failover MIRROR [--subjects S…] [--new-name NAME] [--confirm MIRROR | --yes]',
		summary: "make a mirror serve its lost origin's subjects (promote it, or copy it where the server refuses)",
		args: ['MIRROR'],
		flags: ['newName', 'subjects', 'force', 'watchTimeout', 'watch'],
	},
	protect: {
		usage:
			'nats-dr protect STREAM --mirror-to CLUSTER|DOMAIN [--replicas N] [--new-name NAME] [--confirm STREAM | --yes]',
		summary: 'create a mirror of a stream in another cluster or domain and watch it catch up',
		args: ['STREAM'],
		flags: ['mirrorTo', 'replicas', 'newName', 'watchTimeout', 'watch'],
	},
	demo: {
		usage: 'nats-dr demo [--scenario node-loss|quorum-loss|r1-loss|region-loss] [--keep] [--nats-server PATH]',
		summary: 'start a local 4-node training cluster, break it, and rehearse the recovery',
		args: [],
		flags: ['scenario', 'keep', 'natsServer'],
	},
};

const allFlags = {...globalFlags, ...commandFlags};
type AllFlags = typeof allFlags;
type FlagValue<S> = S extends {isMultiple: true}
	? string[]
	: S extends {type: 'boolean'}
		? boolean
		: S extends {type: 'number'}
			? number | undefined
			: string | undefined;
export type Flags = {[K in keyof AllFlags]: FlagValue<AllFlags[K]>};

export type Invocation = {
	command: CommandName | undefined;
	args: string[];
	flags: Flags;
	timeoutMs: number | undefined;
	help: boolean;
	/** `--no-context`: ignore natscli contexts (NATS_CONTEXT and context.txt), as natscli's flag does. */
	noContext: boolean;
};

function kebab(key: string): string {
	return key.replaceAll(/[A-Z]/g, letter => `-${letter.toLowerCase()}`);
}

function camel(name: string): string {
	return name.replaceAll(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

const shortFlags = new Map<string, string>(
	Object.entries(allFlags).flatMap(([key, spec]) => ('shortFlag' in spec ? [[spec.shortFlag, key] as const] : [])),
);

/**
 * The flags written on the command line, by key. Read from argv rather than from meow's result,
 * which mixes in defaults and cannot tell `--no-consumers` given from not given.
 */
function givenFlags(argv: string[]): string[] {
	const given: string[] = [];
	for (const token of argv) {
		if (token === '--') break;
		if (!token.startsWith('-') || token === '-' || /^-\d/.test(token)) continue;
		if (!token.startsWith('--')) {
			for (const letter of token.slice(1).split('=')[0]!) given.push(shortFlags.get(letter) ?? `-${letter}`);
			continue;
		}

		const name = camel(token.slice(2).split('=')[0]!);
		const negated = name.startsWith('no') && name.length > 2 ? name[2]!.toLowerCase() + name.slice(3) : undefined;
		// Only booleans negate: meow would turn `--no-server` into server: false, which no code expects.
		const negatable =
			negated !== undefined && negated in allFlags && allFlags[negated as keyof AllFlags].type === 'boolean';
		given.push(name in allFlags ? name : negatable ? negated : `--${kebab(name)}`);
	}

	return given;
}

export function parseArgs(all: string[]): Invocation {
	// natscli's --no-context negates a string flag, which meow cannot express: it is taken out first.
	const separator = all.includes('--') ? all.indexOf('--') : all.length;
	const noContext = all.slice(0, separator).includes('--no-context');
	const withoutNoContext = all.filter((arg, index) => !(arg === '--no-context' && index < separator));
	if (noContext && withoutNoContext.some(arg => arg === '--context' || arg.startsWith('--context='))) {
		throw new UsageError('--context and --no-context contradict each other');
	}

	const argv = joinNegativeValues(withoutNoContext);
	const given = givenFlags(argv);
	const unknown = given.find(key => key.startsWith('-'));
	if (unknown !== undefined) {
		throw new UsageError(`unknown flag ${unknown}`, 'see `nats-dr --help` for the flags');
	}

	const cli = meowUsage(argv);
	const [first, ...rest] = cli.input;
	const flags = cli.flags as unknown as Flags;
	if (first !== undefined && !(first in commands)) {
		throw new UsageError(`unknown command "${first}"`, `commands: ${Object.keys(commands).join(', ')}`);
	}

	const command = first as CommandName | undefined;
	checkMissingValues(argv);
	checkValues(flags);
	checkCommandFlags(command, given);
	const timeoutMs = flags.timeout === undefined ? undefined : parseDuration(flags.timeout);
	return {command, args: rest.map(String), flags, timeoutMs, help: flags.help, noContext};
}

function valueFlag(token: string): string | undefined {
	const key = token.startsWith('--')
		? camel(token.slice(2))
		: /^-[a-z]$/i.test(token)
			? shortFlags.get(token[1]!)
			: undefined;
	return key !== undefined && key in allFlags && allFlags[key as keyof AllFlags].type !== 'boolean' ? key : undefined;
}

/** `--timeout -5s` would reach meow as the short flags -5 and -s: a value that looks negative is joined to its flag. */
function joinNegativeValues(argv: string[]): string[] {
	const joined: string[] = [];
	for (let index = 0; index < argv.length; index++) {
		const token = argv[index]!;
		const next = argv[index + 1];
		if (token === '--') return [...joined, ...argv.slice(index)];
		if (valueFlag(token) !== undefined && next !== undefined && /^-\d/.test(next)) {
			joined.push(`${token.startsWith('--') ? token : `--${kebab(shortFlags.get(token[1]!)!)}`}=${next}`);
			index++;
		} else {
			joined.push(token);
		}
	}

	return joined;
}

/** A flag that takes a value, last or followed by another flag: meow would silently drop a repeatable one. */
function checkMissingValues(argv: string[]): void {
	for (let index = 0; index < argv.length; index++) {
		const token = argv[index]!;
		if (token === '--') return;
		const key = valueFlag(token);
		if (key === undefined) continue;
		const next = argv[index + 1];
		if (next === undefined || (next.startsWith('-') && next !== '-')) {
			throw new UsageError(
				`--${kebab(key)} needs a value`,
				next === undefined ? undefined : `for a value that starts with "-", write --${kebab(key)}=VALUE`,
			);
		}

		index++;
	}
}

/** meow throws plain Errors for input it refuses (a repeated flag); they are usage errors. */
function meowUsage(argv: string[]) {
	try {
		return meow({
			importMeta: import.meta,
			argv,
			flags: allFlags,
			allowUnknownFlags: true,
			autoHelp: false,
			autoVersion: false,
		});
	} catch (error) {
		const repeated = /^The flag --(\S+) can only be set once/.exec((error as Error).message)?.[1];
		throw new UsageError(repeated ? `--${kebab(repeated)} can only be given once` : (error as Error).message);
	}
}

function checkValues(flags: Flags): void {
	for (const [key, spec] of Object.entries(allFlags)) {
		const value = flags[key as keyof Flags];
		if (spec.type === 'string' && (value === '' || (Array.isArray(value) && value.includes(''))))
			throw new UsageError(`--${kebab(key)} needs a value`);
		if (spec.type === 'number' && value !== undefined && !Number.isFinite(value)) {
			throw new UsageError(`--${kebab(key)} needs a number`);
		}
	}
}

function checkCommandFlags(command: CommandName | undefined, given: string[]): void {
	const allowed = new Set<string>(command ? commands[command].flags : []);
	for (const key of given) {
		if (!(key in commandFlags) || allowed.has(key)) continue;
		const where = command ? `\`nats-dr ${command}\`` : 'the wizard';
		throw new UsageError(
			`--${kebab(key)} is not a flag of ${where}`,
			command ? `usage: ${commands[command].usage}` : undefined,
		);
	}
}

/** --watch-timeout of peer-remove, failover and protect: the 2 minutes their help promises unless given. */
export function parseWatchTimeout(flags: Flags): number {
	return parseDuration(flags.watchTimeout ?? '2m', '--watch-timeout');
}

/** Checks the positional arguments of a command against its spec. */
export function checkArgs(command: CommandName, args: string[], minimum?: number): void {
	const spec = commands[command];
	const required = minimum ?? spec.args.filter(arg => !arg.endsWith('?')).length;
	if (args.length < required) {
		const missing = spec.args[args.length]!.replace('?', '');
		throw new UsageError(`missing ${missing}`, `usage: ${spec.usage}`);
	}

	if (args.length > spec.args.length) {
		throw new UsageError(`unexpected argument "${args[spec.args.length]!}"`, `usage: ${spec.usage}`);
	}
}
