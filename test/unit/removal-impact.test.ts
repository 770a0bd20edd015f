import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {Diagnosis} from '../../source/core/diagnosis/diagnose.js';
import {assess} from '../../source/recovery/assess.js';
import {removalImpact} from '../../source/recovery/impact.js';
import {noInventory, peer, serversView, streamView} from '../helpers/diagnosis-fixture.js';

/** n3 dead, meta leader n1; AWAY (R3 on n2, n3, n4) has no replica on the meta leader, HOME (n1, n2, n3) has. */
function impactsOn(version: string) {
	const servers = serversView();
	for (const server of servers.servers) if (server.version) server.version = version;
	const streams = [
		streamView('AWAY', 3, [peer('n2', {leader: true}), peer('n3', {current: false}), peer('n4')]),
		streamView('HOME', 3, [peer('n1', {leader: true}), peer('n2'), peer('n3', {current: false})]),
	].map(stream => ({...stream, placement: {cluster: undefined, tags: ['no-spare']}}));
	const diagnosis: Diagnosis = {
		time: '2026-11-30T00:00:00.000Z',
		servers: {ok: true, value: servers},
		streams: {ok: true, value: {streams, total: 2, missing: [], elapsedMs: 1}},
		hosting: new Map(),
		elapsedMs: 1,
		election: undefined,
		inventory: noInventory,
	};
	return Object.fromEntries(removalImpact('n3', streams, assess(diagnosis)).map(impact => [impact.stream, impact]));
}

test('without a spare, 2.10-2.14 keep the removed peer in a group the meta leader holds no replica of', () => {
	for (const version of ['2.10.27', '2.12.15', '2.14.10']) {
		const impacts = impactsOn(version);
		assert.equal(impacts['AWAY']?.kind, 'kept', version);
		assert.equal(impacts['AWAY']?.expectedPeers, 2);
		assert.match(
			impacts['AWAY']!.words,
			new RegExp(
				`nats-server ${version.replaceAll('.', '\\.')} leaves n3 in its peer set because the meta leader n1 holds no replica of it`,
			),
		);
		assert.equal(impacts['HOME']?.kind, 'shrinks', version);
	}

	for (const version of ['2.9.10', '2.15.3']) {
		const impacts = impactsOn(version);
		assert.deepEqual([impacts['AWAY']?.kind, impacts['HOME']?.kind], ['shrinks', 'shrinks'], version);
	}
});
