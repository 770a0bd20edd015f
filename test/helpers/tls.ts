/**
 * A throwaway PKI for TLS tests, made with the openssl CLI in a temp dir: a CA, a server
 * certificate for 127.0.0.1 and a client certificate, all signed by the CA.
 */
import {execFile, spawnSync} from 'node:child_process';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';

const run = promisify(execFile);

export type TestPki = {
	dir: string;
	ca: string;
	serverCert: string;
	serverKey: string;
	clientCert: string;
	clientKey: string;
	/** A nats-server `tls {}` block requiring client certificates signed by the CA. */
	serverTlsBlock(): string;
	/** nats-dr's flags for the CA and the client certificate. */
	clientFlags(): string[];
	remove(): Promise<void>;
};

/** Why TLS tests cannot run here, or undefined when openssl is available. */
export function opensslMissing(): string | undefined {
	const probe = spawnSync('openssl', ['version'], {encoding: 'utf8'});
	return probe.error || probe.status !== 0
		? 'openssl is not installed, so no test certificates can be made'
		: undefined;
}

async function openssl(args: string[], cwd: string): Promise<void> {
	await run('openssl', args, {cwd});
}

/**
 * `serverNames`: the server certificate's subjectAltName. Certificates that name hosts only, while
 * the cluster advertises its servers by IP, are what a client must check against the name it
 * connected with.
 */
export async function createPki({serverNames = 'IP:127.0.0.1,DNS:localhost'} = {}): Promise<TestPki> {
	const dir = await mkdtemp(path.join(tmpdir(), 'nats-dr-tls-'));
	const file = (name: string) => path.join(dir, name);
	const days = ['-days', '2'];
	await openssl(
		[
			'req',
			'-x509',
			'-newkey',
			'rsa:2048',
			'-nodes',
			'-keyout',
			'ca-key.pem',
			'-out',
			'ca.pem',
			...days,
			'-subj',
			'/CN=nats-dr test CA',
		],
		dir,
	);
	await writeFile(file('server.ext'), `subjectAltName=${serverNames}\nextendedKeyUsage=serverAuth\n`);
	await writeFile(file('client.ext'), 'extendedKeyUsage=clientAuth\n');
	for (const [name, subject] of [
		['server', '/CN=127.0.0.1'],
		['client', '/CN=nats-dr test client'],
	] as const) {
		await openssl(
			['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', subject],
			dir,
		);
		await openssl(
			[
				'x509',
				'-req',
				'-in',
				`${name}.csr`,
				'-CA',
				'ca.pem',
				'-CAkey',
				'ca-key.pem',
				'-CAcreateserial',
				'-out',
				`${name}.pem`,
				...days,
				'-extfile',
				`${name}.ext`,
			],
			dir,
		);
	}

	const [ca, serverCert, serverKey] = [file('ca.pem'), file('server.pem'), file('server-key.pem')];
	return {
		dir,
		ca,
		serverCert,
		serverKey,
		clientCert: file('client.pem'),
		clientKey: file('client-key.pem'),
		serverTlsBlock() {
			return `tls {
  cert_file: ${JSON.stringify(serverCert)}
  key_file: ${JSON.stringify(serverKey)}
  ca_file: ${JSON.stringify(ca)}
  verify: true
  timeout: 2
}`;
		},
		clientFlags() {
			return ['--tlsca', ca, '--tlscert', file('client.pem'), '--tlskey', file('client-key.pem')];
		},
		async remove() {
			await rm(dir, {recursive: true, force: true});
		},
	};
}
