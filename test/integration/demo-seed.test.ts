/**
 * The demo's seeding repeats a step that a loaded machine made time out, so every step must be safe
 * to run twice against a real cluster: the same stream and consumers, no duplicate messages, no
 * second batch of acks.
 */
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';
import type {NatsConnection} from 'nats';
import {auditEvent, publishAll, seedReplicated} from '../../source/demo/seed.js';
import {TestCluster} from '../helpers/nats-server.js';
import {addStream, appConnection} from '../helpers/streams.js';

describe('demo seeding run twice', () => {
	let cluster: TestCluster;
	let nc: NatsConnection;
	before(async () => {
		cluster = await TestCluster.start({nodes: 3});
		nc = await appConnection(cluster);
	});
	after(async () => {
		await nc?.close();
		await cluster?.stopAll();
	});

	test('ORDERS keeps its message count, both consumers and a first batch of exactly 100 acks', async () => {
		const signal = new AbortController().signal;
		const first = await seedReplicated(nc, {messages: 500, signal});
		const again = await seedReplicated(nc, {messages: 500, signal});
		assert.equal(again.messages, first.messages);
		const jsm = await nc.jetstreamManager();
		assert.equal((await jsm.streams.info('ORDERS')).state.messages, 500);
		const fulfillment = await jsm.consumers.info('ORDERS', 'fulfillment');
		assert.equal(fulfillment.ack_floor.consumer_seq, 100);
		assert.deepEqual((await jsm.consumers.list('ORDERS').next()).map(c => c.name).sort(), ['analytics', 'fulfillment']);
	});

	test('AUDIT events published twice are stored once', async () => {
		await addStream(nc, {name: 'AUDIT', subjects: ['AUDIT.>'], num_replicas: 1});
		const signal = new AbortController().signal;
		await publishAll(nc.jetstream(), 300, auditEvent, signal);
		await publishAll(nc.jetstream(), 300, auditEvent, signal);
		const jsm = await nc.jetstreamManager();
		assert.equal((await jsm.streams.info('AUDIT')).state.messages, 300);
	});
});
