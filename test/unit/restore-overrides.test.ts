import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import {
	applyOverrides,
	overridesProblem,
	restoreRequestBody,
	type RestoreOverrides,
} from '../../source/core/restore/overrides.js';
import {fixtureBackups} from '../helpers/fixtures.js';

const fixtures = fixtureBackups;
const ordersJson = readFileSync(new URL('account/ORDERS/backup.json', fixtures), 'utf8');

/** A config with a field nats-dr does not know and an integer JavaScript cannot hold. */
const unusual = `{
  "config": {
    "name": "BIG",
    "subjects": ["BIG.\\u003e"],
    "max_bytes": 9007199254740993,
    "num_replicas": 3,
    "placement": {"cluster": "old", "tags": ["node:gone"], "preferred": "n9"},
    "future_field": {"x": [1, 2]}
  },
  "state": {"messages": 1, "last_seq": 18446744073709551615},
  "extra": true
}`;

type Case = {name: string; overrides: RestoreOverrides; config: Record<string, unknown>};

const patches: Case[] = [
	{
		name: 'no overrides',
		overrides: {},
		config: {num_replicas: 3, placement: {cluster: 'old', tags: ['node:gone'], preferred: 'n9'}},
	},
	{
		name: '--replicas 1',
		overrides: {replicas: 1},
		config: {num_replicas: 1, placement: {cluster: 'old', tags: ['node:gone'], preferred: 'n9'}},
	},
	{
		name: '--cluster replaces the whole placement',
		overrides: {cluster: 'c1'},
		config: {num_replicas: 3, placement: {cluster: 'c1'}},
	},
	{
		name: '--tag replaces the whole placement',
		overrides: {tags: ['node:n2', 'ssd']},
		config: {num_replicas: 3, placement: {tags: ['node:n2', 'ssd']}},
	},
	{
		name: '--cluster with --tag',
		overrides: {cluster: 'c1', tags: ['ssd']},
		config: {num_replicas: 3, placement: {cluster: 'c1', tags: ['ssd']}},
	},
	{name: '--no-placement', overrides: {dropPlacement: true}, config: {num_replicas: 3}},
	{name: '--replicas with --no-placement', overrides: {replicas: 1, dropPlacement: true}, config: {num_replicas: 1}},
];

for (const {name, overrides, config} of patches) {
	test(`overrides: ${name}`, () => {
		const raw = JSON.parse(unusual) as {config: Record<string, unknown>};
		const patched = applyOverrides(raw.config, overrides);
		assert.deepEqual(
			{num_replicas: patched['num_replicas'], ...(patched['placement'] ? {placement: patched['placement']} : {})},
			config,
		);
		assert.equal(patched['future_field'] !== undefined, true, 'unknown fields stay');
		assert.deepEqual(
			JSON.parse(unusual).config.placement,
			{cluster: 'old', tags: ['node:gone'], preferred: 'n9'},
			'the input is left as it was',
		);

		const body = restoreRequestBody(unusual, overrides);
		const parsed = JSON.parse(body) as {config: Record<string, unknown>};
		assert.deepEqual(
			{
				num_replicas: parsed.config['num_replicas'],
				...(parsed.config['placement'] ? {placement: parsed.config['placement']} : {}),
			},
			config,
		);
		// Tokens reach the server as the file has them: big integers, escapes, unknown members.
		assert.match(body, /"max_bytes": ?9007199254740993/);
		assert.match(body, /"last_seq": ?18446744073709551615/);
		assert.ok(body.includes('"BIG.\\u003e"'));
		assert.match(body, /"future_field": ?\{"x": \[1, 2\]\}/);
		assert.match(body, /"extra": ?true/);
	});
}

test('without overrides the body is backup.json verbatim, as jsm.go sends it', () => {
	assert.equal(restoreRequestBody(ordersJson, {}), ordersJson);
	assert.equal(restoreRequestBody(ordersJson, {tags: []}), ordersJson);
});

test('a fixture backup.json with --replicas and --tag keeps every other member', () => {
	const body = JSON.parse(restoreRequestBody(ordersJson, {replicas: 3, tags: ['node:n3']})) as {
		config: Record<string, unknown>;
		state: unknown;
	};
	const original = JSON.parse(ordersJson) as {config: Record<string, unknown>; state: unknown};
	assert.deepEqual(body.state, original.state);
	assert.deepEqual(body.config, {...original.config, num_replicas: 3, placement: {tags: ['node:n3']}});
});

test('overridesProblem refuses contradictions and impossible replica counts', () => {
	assert.equal(overridesProblem({replicas: 3, cluster: 'c1', tags: ['a']}), undefined);
	assert.match(overridesProblem({dropPlacement: true, tags: ['a']})!, /--no-placement/);
	assert.match(overridesProblem({dropPlacement: true, cluster: 'c1'})!, /--no-placement/);
	assert.match(overridesProblem({replicas: 0})!, /1 to 5/);
	assert.match(overridesProblem({replicas: 6})!, /1 to 5/);
	assert.match(overridesProblem({replicas: 1.5})!, /1 to 5/);
});
