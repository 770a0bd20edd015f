import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {ConnectionOptions} from 'nats';
import {directOptions} from '../../source/core/restore/upload-connection.js';

const operatorTls = {caFile: '/etc/nats/ca.pem', certFile: '/etc/nats/client.pem', keyFile: '/etc/nats/client-key.pem'};
const options: ConnectionOptions = {servers: ['nats://nats.example.com:4222'], tls: operatorTls, name: 'nats-dr'};

test('a server advertised by its IP is checked against the certificate name the operator connected with', () => {
	const direct = directOptions(options, true, {hostname: '10.0.0.3', port: 4222, tlsName: 'nats.example.com'});
	assert.deepEqual(direct.tls, {...operatorTls, servername: 'nats.example.com'});
	assert.deepEqual(direct.servers, ['10.0.0.3:4222']);
	assert.equal(direct.reconnect, false);
	assert.equal(direct.name, 'nats-dr');
});

test('a TLS upgrade the server required gets the name too; without TLS, or by name or IP alone, nothing is added', () => {
	const required = directOptions({servers: ['nats://nats.example.com:4222']}, true, {
		hostname: '10.0.0.3',
		port: 4222,
		tlsName: 'nats.example.com',
	});
	assert.deepEqual(required.tls, {servername: 'nats.example.com'});
	const plain = directOptions({servers: ['nats://nats.example.com:4222']}, false, {
		hostname: '10.0.0.3',
		port: 4222,
		tlsName: 'nats.example.com',
	});
	assert.equal(plain.tls, undefined);
	const byName = directOptions(options, true, {hostname: 'n3.example.com', port: 4222, tlsName: 'n3.example.com'});
	assert.deepEqual(byName.tls, operatorTls);
	const byIp = directOptions(options, true, {hostname: '10.0.0.3', port: 4222, tlsName: '10.0.0.1'});
	assert.deepEqual(byIp.tls, operatorTls);
	assert.deepEqual(directOptions(options, true, {hostname: '::1', port: 4222, tlsName: 'localhost'}).servers, [
		'[::1]:4222',
	]);
});
