/**
 * How long `diagnose` takes for 10 to 10,000 streams on a local 3-node cluster, healthy and with a
 * dead node holding about a third of them, side by side with baselines measured in the same run:
 * STREAM.LIST paged (what natscli's `stream report` does) and, up to 1,000 streams, one STREAM.INFO
 * per stream, one after the other, as a shell loop over `nats stream info` would do.
 * Targets for 10,000 streams: healthy under 2 s, with the dead node under 5 s.
 * Run: node --import tsx bench/diagnose.ts   (BENCH_STREAM_COUNTS=10,100,1000,10000)
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {connect, type NatsConnection} from 'nats';
import {openSession} from '../source/core/connection/session.js';
import {resolveSettings, resolveSystemSettings} from '../source/core/connection/settings.js';
import {diagnose} from '../source/core/diagnosis/diagnose.js';
import {listStreamNames} from '../source/core/diagnosis/streams.js';
import {jsApiPrefix} from '../source/core/jsapi.js';
import {assess} from '../source/recovery/assess.js';
import {appUser, sysUser, TestCluster} from '../test/helpers/nats-server.js';

const counts = (process.env['BENCH_STREAM_COUNTS'] ?? '10,100,1000,10000').split(',').map(Number);
/** Past this, the one-by-one baseline takes minutes and says nothing new. */
const oneByOneMax = 1000;

async function createStreams(nc: NatsConnection, from: number, to: number): Promise<void> {
	// Ten thousand creations in a row keep the meta leader busy: a long API timeout rather than retries.
	const jsm = await nc.jetstreamManager({timeout: 60_000});
	const names = Array.from({length: to - from}, (_, i) => `B${from + i}`);
	for (let i = 0; i < names.length; i += 100) {
		await Promise.all(
			names.slice(i, i + 100).map(async name => jsm.streams.add({name, subjects: [`${name}.>`], num_replicas: 1})),
		);
	}
}

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
	const started = performance.now();
	const value = await work();
	return [performance.now() - started, value];
}

/** What natscli's `stream report` does: page STREAM.LIST (here with a 10 s timeout per page). */
async function listBaseline(nc: NatsConnection, total: number): Promise<string> {
	let listed = 0;
	for (let offset = 0; offset < total; offset += 256) {
		try {
			const reply = await nc.request('$JS.API.STREAM.LIST', new TextEncoder().encode(JSON.stringify({offset})), {
				timeout: 10_000,
			});
			listed += (JSON.parse(new TextDecoder().decode(reply.data)) as {streams?: unknown[]}).streams?.length ?? 0;
		} catch {
			return `${listed} listed, a page timed out`;
		}
	}

	return `${listed} listed`;
}

async function baseline(nc: NatsConnection): Promise<number> {
	const js = {nc, prefix: jsApiPrefix(undefined), timeoutMs: 5000};
	const names = await listStreamNames(js);
	let answered = 0;
	for (const name of names) {
		try {
			await nc.request(`$JS.API.STREAM.INFO.${name}`, new Uint8Array(), {timeout: 5000});
			answered++;
		} catch {}
	}

	return answered;
}

export async function benchDiagnose(): Promise<string[]> {
	const cluster = await TestCluster.start({nodes: 3});
	const stateDir = await mkdtemp(path.join(tmpdir(), 'nats-dr-bench-state-'));
	const lines = [
		'Diagnose (3-node cluster, R1 streams spread over the nodes)',
		'',
		'| streams | state | nats-dr diagnose | baseline: STREAM.INFO one by one | baseline: STREAM.LIST paged | verdicts |',
		'|---|---|---|---|---|---|',
	];
	try {
		const metaLeader = await cluster.waitReady();
		const nc = await connect({servers: cluster.urls, user: appUser.user, pass: appUser.password});
		const where = {env: {}};
		const main = resolveSettings(
			{server: cluster.urls, user: appUser.user, password: appUser.password, timeoutMs: 5000},
			where,
		);
		const system = resolveSystemSettings({sysUser: sysUser.user, sysPassword: sysUser.password}, main, where);
		let created = 0;
		const run = async (count: number, state: string, healthy = true) => {
			const session = await openSession(
				{...main, servers: cluster.running().map(node => node.url)},
				system && {...system, servers: cluster.running().map(node => node.url)},
			);
			try {
				// As the command runs it: the inventory is written too.
				await diagnose(session, {stateDir});
				const [ms, diagnosis] = await timed(async () => diagnose(session, {stateDir}));
				const skipped = healthy
					? `skipped above ${oneByOneMax} streams`
					: 'skipped: thousands of 2 s timeouts in a row';
				const [baseMs, answered] =
					healthy && count <= oneByOneMax
						? await timed(async () => `${await baseline(session.nc)} answered`)
						: [Number.NaN, skipped];
				const [listMs, listed] = await timed(async () => listBaseline(session.nc, count));
				const verdicts = assess(diagnosis).streams;
				const summary = [...new Set(verdicts.map(v => v.kind))]
					.map(kind => `${verdicts.filter(v => v.kind === kind).length} ${kind}`)
					.join(', ');
				const base = Number.isNaN(baseMs) ? answered : `${baseMs.toFixed(0)} ms (${answered})`;
				lines.push(
					`| ${count} | ${state} | ${ms.toFixed(0)} ms | ${base} | ${listMs.toFixed(0)} ms (${listed}) | ${summary} |`,
				);
			} finally {
				await session.close();
			}
		};

		for (const count of counts) {
			await createStreams(nc, created, count);
			created = count;
			await run(count, 'healthy');
		}

		await nc.close();
		const victim = cluster.nodes.find(node => node.name !== metaLeader)!;
		await cluster.kill(victim.name);
		await run(created, `${victim.name} killed`, false);
	} finally {
		await cluster.stopAll();
		await rm(stateDir, {recursive: true, force: true});
	}

	return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	for (const line of await benchDiagnose()) console.log(line);
}
