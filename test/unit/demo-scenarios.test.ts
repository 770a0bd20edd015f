import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {UsageError} from '../../source/core/errors.js';
import {chooseVictims, parseScenario, type SeededPlacement} from '../../source/demo/scenarios.js';
import {shellWord, story, type StoryFacts} from '../../source/demo/story.js';

const servers = ['n1', 'n2', 'n3', 'n4'];

function placement(overrides: Partial<SeededPlacement>): SeededPlacement {
	return {servers, metaLeader: 'n4', replicatedPeers: ['n1', 'n2', 'n3'], replicatedLeader: 'n1', ...overrides};
}

describe('parseScenario', () => {
	test('defaults to node-loss and knows the four scenarios', () => {
		assert.equal(parseScenario(undefined), 'node-loss');
		for (const name of ['node-loss', 'quorum-loss', 'r1-loss', 'region-loss']) assert.equal(parseScenario(name), name);
	});

	test('an unknown scenario is a usage error listing the known ones', () => {
		assert.throws(
			() => parseScenario('fire'),
			(error: unknown) =>
				error instanceof UsageError &&
				/unknown scenario "fire"/.test(error.message) &&
				/r1-loss/.test(error.hint ?? ''),
		);
	});
});

describe('chooseVictims', () => {
	test('one victim: an R3 replica that is neither the meta leader nor the stream leader; the spare is the server without a replica', () => {
		assert.deepEqual(chooseVictims('node-loss', placement({metaLeader: 'n2', replicatedLeader: 'n3'})), {
			killed: ['n1'],
			spare: 'n4',
		});
		assert.deepEqual(chooseVictims('node-loss', placement({metaLeader: 'n1', replicatedLeader: 'n2'})), {
			killed: ['n3'],
			spare: 'n4',
		});
		assert.deepEqual(chooseVictims('r1-loss', placement({metaLeader: 'n4', replicatedLeader: 'n1'})), {
			killed: ['n2'],
			spare: 'n4',
		});
	});

	test('the meta leader is never a victim, even when it holds no replica', () => {
		for (const metaLeader of servers) {
			for (const scenario of ['node-loss', 'quorum-loss', 'r1-loss'] as const) {
				const {killed} = chooseVictims(scenario, placement({metaLeader}));
				assert.ok(
					!killed.includes(metaLeader),
					`${scenario} with meta leader ${metaLeader} kills ${killed.join(', ')}`,
				);
				assert.ok(killed.every(name => ['n1', 'n2', 'n3'].includes(name)));
			}
		}
	});

	test('quorum-loss kills two replicas of the R3 stream, the stream leader last', () => {
		assert.deepEqual(chooseVictims('quorum-loss', placement({metaLeader: 'n4', replicatedLeader: 'n1'})).killed, [
			'n2',
			'n3',
		]);
		assert.deepEqual(chooseVictims('quorum-loss', placement({metaLeader: 'n2', replicatedLeader: 'n1'})).killed, [
			'n3',
			'n1',
		]);
	});

	test('refuses a placement that is not R3 on four servers', () => {
		assert.throws(
			() => chooseVictims('node-loss', placement({replicatedPeers: ['n1', 'n2']})),
			/R3 stream on a 4-server cluster/,
		);
	});
});

describe('story', () => {
	const facts: StoryFacts = {
		scenario: 'node-loss',
		killed: ['n2'],
		spare: 'n4',
		metaLeader: 'n1',
		contexts: {app: '/tmp/demo x/app.json', sys: '/tmp/demo/sys.json'},
		auditLog: '/tmp/demo/audit.log',
		files: {
			n2: {configFile: '/tmp/demo/n2/server.conf', logFile: '/tmp/demo/n2/server.log', storeDir: '/tmp/demo/n2/store'},
			n3: {configFile: '/tmp/demo/n3/server.conf', logFile: '/tmp/demo/n3/server.log', storeDir: '/tmp/demo/n3/store'},
		},
		backupDir: '/tmp/demo/backups/INVOICES',
	};

	test('node-loss: the verdicts to find and the peer-remove to run, with the demo contexts quoted for the shell', () => {
		const told = story(facts);
		assert.ok(told.find.some(line => line.startsWith('ORDERS: self-healing-after-peer-remove') && line.includes('n4')));
		assert.ok(told.find.some(line => line.startsWith('INVOICES: r1-on-dead-node') && line.includes('n2')));
		assert.equal(
			told.steps[0]!.run[0],
			"nats-dr peer-remove n2 --context '/tmp/demo x/app.json' --sys-context /tmp/demo/sys.json --audit-log /tmp/demo/audit.log",
		);
	});

	test('quorum-loss says that the meta group has no quorum either, and how to restart a dead server', () => {
		const told = story({...facts, scenario: 'quorum-loss', killed: ['n2', 'n3']});
		assert.match(told.broke.join(' '), /2 of 4 while it needs 3: there is no meta quorum/);
		assert.ok(told.find.some(line => line.startsWith('meta group: no-quorum')));
		assert.ok(told.find.some(line => line.startsWith('ORDERS: no-quorum')));
		assert.ok(
			told.steps.some(step =>
				step.run.includes('nats-server -c /tmp/demo/n2/server.conf >> /tmp/demo/n2/server.log 2>&1 &'),
			),
		);
	});

	test('r1-loss names the backup, verifies it, and restores it with a placement a live server meets', () => {
		const told = story({...facts, scenario: 'r1-loss'});
		assert.match(told.broke[0]!, /\/tmp\/demo\/backups\/INVOICES/);
		assert.deepEqual(told.steps[0]!.run, ['nats-dr verify /tmp/demo/backups/INVOICES']);
		assert.ok(
			told.steps.some(step =>
				step.run.some(command => command.startsWith('nats-dr restore /tmp/demo/backups/INVOICES --tag node:n4')),
			),
		);
	});

	test('region-loss says why three clusters survive the loss of one, and fails over, restores into west, and names the lost stream', () => {
		const told = story({...facts, scenario: 'region-loss', killed: ['east-1'], spare: 'west-1'});
		assert.match(told.broke[0]!, /3 members and a quorum of 2, so it survives losing any one cluster/);
		assert.match(told.broke[0]!, /Two equal clusters could not/);
		assert.deepEqual(told.steps[0]!.run, [
			"nats-dr readiness --backups /tmp/demo/backups --context '/tmp/demo x/app.json' --sys-context /tmp/demo/sys.json",
		]);
		assert.ok(told.steps.some(step => step.run.some(command => command.startsWith('nats-dr failover ORDERS_WEST '))));
		assert.ok(
			told.steps.some(step =>
				step.run.some(command => command.startsWith('nats-dr restore /tmp/demo/backups/INVOICES --cluster west ')),
			),
		);
		assert.ok(told.find.includes('AUDIT: region lost — no mirror, no backup'));
	});

	test('shellWord quotes only what the shell would split or expand', () => {
		assert.equal(shellWord('/tmp/a-b_c.json'), '/tmp/a-b_c.json');
		assert.equal(shellWord("/tmp/it's here"), `'/tmp/it'\\''s here'`);
	});
});
