/**
 * The region-loss demo completed in the wizard in a real terminal, at 80×24 and at 60×20: east dies,
 * ORDERS fails over to its mirror in west, INVOICES is restored from its backup into west, and the
 * overview ends by saying what was failed over, what was restored and what is lost; then readiness
 * flags the stream now serving ORDERS.> and it is protected into central. The demo runs
 * the newest server scripts/servers.sh built, or NATS_SERVER_BIN (2.9.10 copies the mirror, 2.12+
 * promotes it); it exits through the wizard's q, which stops its servers and removes its directory.
 */
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {demoServerFlag} from '../helpers/nats-server.js';
import {demoSizes, quitDemo, startDemo, stopDemoAfterEach} from '../helpers/demo-wizard.js';

stopDemoAfterEach();

/** The screen with its wrapping undone: a long menu label wraps differently at 60 and at 80 columns. */
function flat(screen: string): string {
	return screen.replaceAll(/\s+/g, ' ');
}

for (const size of demoSizes) {
	const at = `${size.columns}x${size.rows}`;
	describe(`the region-loss demo at ${at}`, () => {
		test('fail over ORDERS to its mirror, restore INVOICES into west, and AUDIT is named as lost', async () => {
			const started = await startDemo(
				['--scenario', 'region-loss', ...demoServerFlag()],
				size,
				/Fail over ORDERS to its/,
			);
			const {session, demoDir} = started;
			const overview = flat(started.overview);
			assert.match(overview, /Fail over ORDERS to its mirror ORDERS_WEST in west/);
			assert.match(overview, /Restore INVOICES from its backup \(\d+ s old\) into west/);
			assert.match(overview, /Lost: AUDIT — no mirror, no backup outside east/);
			await session.save(`demo-region-loss-overview-${at}`);

			await session.choose(/Fail over ORDERS to its/);
			const plan = flat(await session.waitFor(/you will type/, {timeoutMs: 30_000}));
			assert.match(plan, /subjects that move: ORDERS\.>/);
			assert.match(plan, /delete ORDERS from the meta group/);
			await session.save(`demo-region-loss-failover-plan-${at}`);
			await session.choose(/Fail over ORDERS to/);
			await session.waitFor(/Type the mirror name/);
			await session.type('ORDERS_WEST');
			await session.keys('Enter');
			const failedOver = flat(await session.waitFor(/Audit: failover/, {timeoutMs: 120_000}));
			assert.match(
				failedOver,
				/Failed over: ORDERS_WEST(_PROMOTED)? serves ORDERS\.> in place of ORDERS with 2000 messages/,
			);
			assert.match(failedOver, /Audit: failover ORDERS_WEST: ok/);
			assert.match(failedOver, /Equivalent: nats stream rm ORDERS -f/);
			await session.save(`demo-region-loss-failover-${at}`);
			await session.choose(/Back to the overview/);

			await session.waitFor(/Restore INVOICES from its/, {timeoutMs: 30_000});
			await session.choose(/Restore INVOICES from its/);
			// The lost stream still holds its name in the meta group; the meta group deletes it without its dead server.
			await session.waitFor(/Delete the (broken|existing) stream INVOICES first/, {timeoutMs: 30_000});
			await session.choose(/Delete the (broken|existing) stream INVOICES first/);
			await session.waitFor(/WARNING: deleting stream INVOICES/);
			await session.type('INVOICES');
			await session.keys('Enter');
			const checks = await session.waitFor(/Restore INVOICES \(you will type its name\)/, {timeoutMs: 30_000});
			assert.match(checks, /Cluster: west/);
			await session.choose(/Restore INVOICES \(you will type its name\)/);
			await session.waitFor(/Type the stream name INVOICES/);
			await session.type('INVOICES');
			await session.keys('Enter');
			const restored = await session.waitFor(/Left to do:/, {timeoutMs: 60_000});
			assert.match(restored, /Restored stream INVOICES/);
			assert.match(restored, /500 messages/);
			await session.choose(/Back to the overview/);

			// Once the refresh after the restore is drawn, so the screen is the final one.
			const final = flat(await session.waitFor(/^(?![\s\S]*refreshing)[\s\S]*Restored: INVOICES/, {timeoutMs: 30_000}));
			assert.match(
				final,
				/Failed over: ORDERS_WEST(_PROMOTED)? serves ORDERS\.> in place of ORDERS \((promote|copy)\)/,
			);
			assert.match(final, /Restored: INVOICES from its backup into west/);
			assert.match(final, /Lost: AUDIT — no mirror, no backup outside east/);
			assert.doesNotMatch(final, /Restore INVOICES from its|Fail over ORDERS to its/);
			assert.match(final, /east-1! +east /, 'the lost server is placed in its own cluster');
			await session.save(`demo-region-loss-${at}`);

			await session.choose(/DR readiness/);
			const readiness = flat(await session.waitFor(/Flagged: /, {timeoutMs: 30_000}));
			assert.match(readiness, /Cluster east: east-1 \(not answering\) — the whole cluster is not answering/);
			assert.match(readiness, /AUDIT: east, \? · unprotected · RPO all data/);
			await session.save(`demo-region-loss-readiness-${at}`);

			// The stream that now serves ORDERS.> lives in west only: protect it into central from the same list.
			await session.choose(/\s*→ Protect ORDERS_WEST(_PROMOTED)?: mirror it into central/);
			const protectPlan = flat(await session.waitFor(/you will\s+type/, {timeoutMs: 30_000}));
			const [, mirror, stream] =
				/Create the mirror (\S+) in cluster central \(you will type (\S+)\)/.exec(protectPlan) ?? [];
			assert.ok(mirror && stream, protectPlan);
			await session.save(`demo-region-loss-protect-plan-${at}`);
			await session.choose(/Create the mirror/);
			await session.waitFor(/Type the stream name/);
			await session.type(stream);
			await session.keys('Enter');
			const protectedScreen = flat(await session.waitFor(/Protected: /, {timeoutMs: 60_000}));
			assert.match(
				protectedScreen,
				new RegExp(`Protected: ${mirror} in cluster central holds 2000 messages of ${stream}, lag 0`),
			);
			assert.match(protectedScreen, new RegExp(`Audit: protect ${stream}: ok`));
			await session.choose(/Back to the overview/);

			const end = await quitDemo(session, demoDir);
			assert.match(end, /failover ORDERS_WEST: OK/);
			assert.match(end, /restore INVOICES: OK/);
			assert.match(end, /protect ORDERS_WEST(_PROMOTED)?: OK/);
		});
	});
}
