/**
 * Operator/JWT mode for integration tests: an operator, a system account and a JetStream-enabled
 * application account, signed with nkeys as nats-io/jwt v2 does, plus user creds files and the
 * matching nats-server config text (memory resolver with the account JWTs preloaded).
 */
import {createHash} from 'node:crypto';
import {nkeys} from 'nats';

/** The part of the nkeys.js KeyPair used here (nats types `nkeys` as any). */
export type KeyPair = {
	getPublicKey(): string;
	getSeed(): Uint8Array;
	sign(input: Uint8Array): Uint8Array;
};

const keys = nkeys as {createOperator(): KeyPair; createAccount(): KeyPair; createUser(): KeyPair};

const noLimits = {subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1};
const jetStreamLimits = {mem_storage: -1, disk_storage: -1, streams: -1, consumer: -1};

function base64url(value: string | Uint8Array): string {
	return Buffer.from(value).toString('base64url');
}

const base32Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Uint8Array): string {
	let bits = 0;
	let value = 0;
	let out = '';
	for (const byte of bytes) {
		value = (value << 8) | byte;
		bits += 8;
		while (bits >= 5) {
			out += base32Alphabet[(value >>> (bits - 5)) & 31]!;
			bits -= 5;
		}
	}

	if (bits > 0) out += base32Alphabet[(value << (5 - bits)) & 31]!;
	return out;
}

/** Encodes and signs claims as a JWT; jti is the base32 SHA-512/256 of the claims, as jwt v2 does. */
export function signJwt(claims: {name: string; sub: string; nats: Record<string, unknown>}, issuer: KeyPair): string {
	const body: Record<string, unknown> = {
		jti: '',
		iat: Math.floor(Date.now() / 1000),
		iss: issuer.getPublicKey(),
		name: claims.name,
		sub: claims.sub,
		nats: claims.nats,
	};
	body['jti'] = base32(createHash('sha512-256').update(JSON.stringify(body)).digest());
	const header = base64url(JSON.stringify({typ: 'JWT', alg: 'ed25519-nkey'}));
	const payload = base64url(JSON.stringify(body));
	const signature = issuer.sign(new TextEncoder().encode(`${header}.${payload}`));
	return `${header}.${payload}.${base64url(signature)}`;
}

/** The text of a user creds file, as `nsc generate creds` writes it. */
export function credsFile(jwt: string, seed: string): string {
	return `-----BEGIN NATS USER JWT-----
${jwt}
------END NATS USER JWT------

************************* IMPORTANT *************************
NKEY Seed printed below can be used to sign and prove identity.
NKEYs are sensitive and should be treated as secrets.

-----BEGIN USER NKEY SEED-----
${seed}
------END USER NKEY SEED------

*************************************************************
`;
}

export type OperatorAccount = {name: string; keys: KeyPair; jwt: string};

export type IssuedUser = {name: string; publicKey: string; seed: string; jwt: string; creds: string};

export class TestOperator {
	readonly keys: KeyPair;
	readonly jwt: string;
	readonly system: OperatorAccount;
	readonly app: OperatorAccount;

	constructor() {
		this.keys = keys.createOperator();
		const systemKeys = keys.createAccount();
		const appKeys = keys.createAccount();
		const operatorPub = this.keys.getPublicKey();
		this.jwt = signJwt(
			{
				name: 'TEST-OP',
				sub: operatorPub,
				nats: {type: 'operator', version: 2, system_account: systemKeys.getPublicKey()},
			},
			this.keys,
		);
		this.system = this.account('SYS', systemKeys, {});
		this.app = this.account('APP', appKeys, jetStreamLimits);
	}

	/** Server config text replacing the accounts block: operator, system account, memory resolver. */
	serverConfig(): string {
		return `operator: ${this.jwt}
system_account: ${this.system.keys.getPublicKey()}
resolver: MEMORY
resolver_preload: {
  ${this.system.keys.getPublicKey()}: ${this.system.jwt}
  ${this.app.keys.getPublicKey()}: ${this.app.jwt}
}`;
	}

	/** A new user of `account`, signed by the account key, with its creds file text. */
	user(account: OperatorAccount, name: string): IssuedUser {
		const userKeys = keys.createUser();
		const publicKey = userKeys.getPublicKey();
		const seed = new TextDecoder().decode(userKeys.getSeed());
		const jwt = signJwt(
			{
				name,
				sub: publicKey,
				nats: {pub: {}, sub: {}, subs: -1, data: -1, payload: -1, type: 'user', version: 2},
			},
			account.keys,
		);
		return {name, publicKey, seed, jwt, creds: credsFile(jwt, seed)};
	}

	private account(name: string, accountKeys: KeyPair, jetstream: Record<string, number>): OperatorAccount {
		const jwt = signJwt(
			{
				name,
				sub: accountKeys.getPublicKey(),
				nats: {
					limits: {...noLimits, ...jetstream},
					default_permissions: {pub: {}, sub: {}},
					type: 'account',
					version: 2,
				},
			},
			this.keys,
		);
		return {name, keys: accountKeys, jwt};
	}
}
