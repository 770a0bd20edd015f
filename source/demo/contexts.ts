/**
 * natscli context files for the demo cluster, written into the demo's own temp directory: `nats`
 * and `nats-dr` both take a context file's path for --context, so the operator's own contexts and
 * context selection are never touched.
 */
import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import type {ContextFile} from '../core/connection/context.js';
import type {DemoAccounts} from './server-config.js';

export type DemoContexts = {
	/** The application account: streams, consumers, backups. */
	app: string;
	/** The system account: servers, meta group, peer-remove. */
	sys: string;
};

export function contextFiles(urls: string[], accounts: DemoAccounts): {app: ContextFile; sys: ContextFile} {
	const url = urls.join(',');
	return {
		app: {
			description: 'nats-dr demo cluster, application account',
			url,
			user: accounts.app.user,
			password: accounts.app.password,
		},
		sys: {
			description: 'nats-dr demo cluster, system account',
			url,
			user: accounts.sys.user,
			password: accounts.sys.password,
		},
	};
}

export async function writeContexts(dir: string, urls: string[], accounts: DemoAccounts): Promise<DemoContexts> {
	const files = contextFiles(urls, accounts);
	const contexts = {app: path.join(dir, 'nats-dr-demo.json'), sys: path.join(dir, 'nats-dr-demo-sys.json')};
	await writeFile(contexts.app, `${JSON.stringify(files.app, null, 2)}\n`, {mode: 0o600});
	await writeFile(contexts.sys, `${JSON.stringify(files.sys, null, 2)}\n`, {mode: 0o600});
	return contexts;
}
