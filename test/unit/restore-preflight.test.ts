import assert from 'node:assert/strict';
import {test} from 'node:test';
import {
	accountStorage,
	isRefused,
	preflightFindings,
	type BackupFacts,
	type PreflightCheck,
	type PreflightFacts,
	type TargetFacts,
} from '../../source/core/restore/preflight.js';
import {overlapsBetween, type StreamRestorePlan} from '../../source/core/restore/plan.js';
import {tokensOverlap} from '../../source/core/subjects.js';
import {wizardHint} from '../../source/ui/state/findings.js';

const backup: BackupFacts = {
	stream: 'ORDERS',
	subjects: ['ORDERS.>'],
	replicas: 1,
	placement: undefined,
	archiveFile: 'stream.tar.s2',
	archiveBytes: 136_864,
	streamBytes: 987_013,
	sourceVersion: undefined,
	verify: true,
	archiveFormat: 'tar',
	archiveStream: 'ORDERS',
};

const servers = ['n1', 'n2', 'n3'].map(name => ({name, cluster: 'c1', tags: [`node:${name}`], jetstream: true}));

const cluster: TargetFacts = {
	version: '2.9.10',
	cluster: 'c1',
	servers,
	stream: 'absent',
	overlaps: [{subject: 'ORDERS.>', streams: []}],
	storage: {used: 0, limit: -1},
};

const standalone: TargetFacts = {...cluster, cluster: undefined, servers: []};

type Case = {
	name: string;
	backup?: Partial<BackupFacts> | {problem: string};
	target?: Partial<TargetFacts>;
	/** Checks that must refuse; every other check must not. */
	refuses: PreflightCheck[];
	warns?: PreflightCheck[];
	/** A fragment of the refusal's message, and of its hint. */
	says?: RegExp;
	hint?: RegExp;
};

const cases: Case[] = [
	{name: 'a sound backup into an empty cluster', refuses: []},
	{
		name: 'an unreadable backup.json',
		backup: {problem: 'backup.json in X is empty: the backup that wrote it did not finish'},
		refuses: ['backup'],
		says: /is empty/,
	},
	{name: 'an archive not verified (--no-verify)', backup: {verify: false}, refuses: [], warns: ['archive']},
	{
		name: 'a NATSARC1 archive for a 2.9 server',
		backup: {archiveFormat: 'natsarc1', archiveStream: undefined},
		refuses: ['format'],
		warns: ['name'],
		says: /NATSARC1 format, which only nats-server 2\.15 or later can restore; the target runs 2\.9\.10/,
	},
	{
		name: 'a NATSARC1 archive for a 2.15 server',
		backup: {archiveFormat: 'natsarc1', archiveStream: 'ORDERS'},
		target: {version: '2.15.0'},
		refuses: [],
	},
	{name: 'a backup from a newer server', backup: {sourceVersion: '2.10.22'}, refuses: [], warns: ['format']},
	{
		name: 'backup.json and archive of different streams',
		backup: {archiveStream: 'AUDIT'},
		refuses: ['name'],
		says: /cannot be renamed on restore/,
	},
	{name: 'a name with a path separator', backup: {stream: 'a/b', archiveStream: 'a/b'}, refuses: ['name']},
	{
		name: 'a stream that exists',
		target: {stream: 'exists'},
		refuses: ['exists'],
		says: /^Stream "ORDERS" already exist$/,
		hint: /nats stream rm ORDERS/,
	},
	{
		name: 'a name held by an unfinished restore',
		target: {stream: 'reserved'},
		refuses: ['exists'],
		says: /stream name already in use/,
	},
	{name: 'existence unknown', target: {stream: {unknown: 'no reply'}}, refuses: [], warns: ['exists']},
	{
		name: 'subjects that overlap another stream',
		target: {overlaps: [{subject: 'ORDERS.>', streams: ['ORDERS', 'LEGACY']}]},
		refuses: ['subjects'],
		says: /ORDERS\.> with LEGACY/,
		hint: /stream LEGACY/,
	},
	{name: 'a stream without subjects (a mirror)', backup: {subjects: []}, target: {overlaps: []}, refuses: []},
	{
		name: 'R3 on a standalone server',
		backup: {replicas: 3},
		target: standalone,
		refuses: ['replicas'],
		hint: /--replicas 1/,
	},
	{
		name: 'R1 on a standalone server with a placement',
		backup: {placement: {tags: ['node:n1']}},
		target: standalone,
		refuses: [],
		warns: ['placement'],
	},
	{name: 'R3 in a 3-node cluster', backup: {replicas: 3}, refuses: []},
	{
		name: 'R3 with one node gone',
		backup: {replicas: 3},
		target: {servers: servers.slice(0, 2)},
		refuses: ['replicas'],
		says: /cluster c1 has 2 answering/,
		hint: /--replicas 2/,
	},
	{name: 'R5 in a 3-node cluster', backup: {replicas: 5}, refuses: ['replicas']},
	{
		name: 'servers unknown (no system account)',
		backup: {replicas: 3, placement: {tags: ['x']}},
		target: {servers: {unknown: 'no system account'}},
		refuses: [],
		warns: ['replicas', 'placement'],
	},
	{
		name: 'pinned by tag to a node that is gone',
		backup: {placement: {tags: ['node:n4']}},
		refuses: ['placement'],
		says: /placement tag "node:n4" is on no answering server in cluster c1/,
		hint: /--tag TAG \(tags in use: node:n1, node:n2, node:n3\) or --cluster NAME, or drop it with --no-placement/,
	},
	{name: 'pinned by tag to a live node', backup: {placement: {tags: ['node:n2']}}, refuses: []},
	{
		name: 'R3 with a tag only one node has',
		backup: {replicas: 3, placement: {tags: ['node:n2']}},
		refuses: ['placement'],
		says: /only n2 has them/,
	},
	{
		name: 'a cluster nobody answers for',
		backup: {placement: {cluster: 'east', tags: []}},
		refuses: ['placement'],
		says: /"east" has no answering JetStream server \(clusters answering: c1\)/,
		hint: /--cluster c1/,
	},
	{name: 'a placement in the answering cluster', backup: {placement: {cluster: 'c1', tags: []}}, refuses: []},
	{
		name: 'an account without room',
		backup: {replicas: 3},
		target: {storage: {used: 2_000_000, limit: 4_000_000}},
		refuses: ['storage'],
		says: /2\.8 MiB \(964 KiB × R3\)/,
	},
	{name: 'an account with room', target: {storage: {used: 0, limit: 4_000_000}}, refuses: []},
	{name: 'account limits unknown', target: {storage: {unknown: 'no reply'}}, refuses: [], warns: ['storage']},
	{
		name: 'no state.bytes in backup.json',
		backup: {streamBytes: undefined},
		target: {storage: {used: 0, limit: 10}},
		refuses: [],
		warns: ['storage'],
	},
];

for (const testCase of cases) {
	test(`pre-flight: ${testCase.name}`, () => {
		const facts: PreflightFacts = {
			backup: testCase.backup && 'problem' in testCase.backup ? testCase.backup : {...backup, ...testCase.backup},
			target: {...cluster, ...testCase.target},
		};
		const findings = preflightFindings(facts);
		const refused = findings.filter(finding => finding.level === 'refusal');
		assert.deepEqual(
			[...new Set(refused.map(finding => finding.check))].sort(),
			[...testCase.refuses].sort(),
			JSON.stringify(findings, null, 2),
		);
		assert.equal(isRefused(findings), testCase.refuses.length > 0);
		for (const check of testCase.warns ?? []) {
			assert.ok(
				findings.some(finding => finding.check === check && finding.level === 'warning'),
				`a warning for ${check}: ${JSON.stringify(findings)}`,
			);
		}

		if (testCase.says)
			assert.ok(
				refused.some(finding => testCase.says!.test(finding.message)),
				JSON.stringify(refused),
			);
		if (testCase.hint)
			assert.ok(
				refused.some(finding => testCase.hint!.test(finding.hint ?? '')),
				JSON.stringify(refused),
			);
		for (const finding of refused)
			assert.ok(
				finding.hint ?? /cannot|contains/.test(finding.message),
				`a refusal says what to do: ${finding.message}`,
			);
		// The wizard names its own menu items where the command line names flags and commands.
		for (const finding of findings)
			assert.doesNotMatch(wizardHint(finding) ?? '', /--|nats stream|`nats/, `${finding.check}: ${finding.hint}`);
	});
}

test('pre-flight: a sound backup gets one ok finding per check', () => {
	const checks = preflightFindings({backup, target: cluster}).map(finding => `${finding.check}:${finding.level}`);
	assert.deepEqual(checks, [
		'backup:ok',
		'archive:ok',
		'format:ok',
		'name:ok',
		'exists:ok',
		'subjects:ok',
		'replicas:ok',
		'storage:ok',
	]);
});

test('pre-flight: the backup finding names the archive file the backup holds', () => {
	const [tar] = preflightFindings({backup, target: cluster});
	assert.equal(tar?.message, 'backup.json and stream.tar.s2 (134 KiB) are present');
	const natsarc = {...backup, archiveFile: 'stream.arc.s2', archiveFormat: 'natsarc1' as const};
	const [arc] = preflightFindings({backup: natsarc, target: {...cluster, version: '2.15.3'}});
	assert.equal(arc?.message, 'backup.json and stream.arc.s2 (134 KiB) are present');
});

test('accountStorage reads the tier of the replica count when the account has tiers', () => {
	assert.deepEqual(accountStorage({storage: 5, limits: {max_storage: -1}}, 3), {used: 5, limit: -1});
	const tiered = {
		storage: 0,
		limits: {max_storage: 0},
		tiers: {R1: {storage: 10, limits: {max_storage: 100}}, R3: {storage: 30, limits: {max_storage: 300}}},
	};
	assert.deepEqual(accountStorage(tiered, 3), {used: 30, limit: 300});
	assert.deepEqual(accountStorage(tiered, 1), {used: 10, limit: 100});
	assert.match((accountStorage(tiered, 5) as {unknown: string}).unknown, /none for R5/);
	assert.match((accountStorage({}, 1) as {unknown: string}).unknown, /no storage limit/);
});

test('tokensOverlap: wildcards match as NATS matches them', () => {
	const cases: Array<[string, string, boolean]> = [
		['ORDERS.>', 'ORDERS.new', true],
		['ORDERS.>', 'ORDERS', false],
		['ORDERS.*', 'ORDERS.a.b', false],
		['ORDERS.*', '*.a', true],
		['a.b.c', 'a.b.c', true],
		['a.b.c', 'a.b.d', false],
		['>', 'anything.at.all', true],
		['*.*', 'a.>', true],
		['AUDIT.>', 'ORDERS.>', false],
	];
	for (const [a, b, overlap] of cases) {
		assert.equal(tokensOverlap(a.split('.'), b.split('.')), overlap, `${a} / ${b}`);
		assert.equal(tokensOverlap(b.split('.'), a.split('.')), overlap, `${b} / ${a}`);
	}
});

test('overlapsBetween: each pair of streams whose subjects meet, in directory order, wildcards first tokens included', () => {
	const plan = (stream: string, subjects: string[]): StreamRestorePlan =>
		({stream, backup: {config: {subjects}}}) as unknown as StreamRestorePlan;
	const findings = overlapsBetween([
		plan('A', ['orders.>', 'audit.x']),
		plan('B', ['orders.eu.*']),
		plan('C', ['billing.x']),
		plan('D', ['*.x']),
	]);
	assert.deepEqual(
		findings.map(finding => /streams "(\w)" and "(\w)" .*: (.*) \(/.exec(finding.message)!.slice(1)),
		[
			['A', 'B', 'orders.> with orders.eu.*'],
			['A', 'D', 'orders.> with *.x; audit.x with *.x'],
			['C', 'D', 'billing.x with *.x'],
		],
	);
	assert.ok(findings.every(finding => finding.level === 'refusal'));
});
