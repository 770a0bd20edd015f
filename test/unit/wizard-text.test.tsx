/** The wizard's text edge: every drawn string is scrubbed of secrets and cannot drive the terminal. */
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {SecretScrubber} from '../../source/core/secret-scrubber.js';
import {ScrubContext} from '../../source/ui/components/text.js';
import {OverviewScreen} from '../../source/ui/screens/overview.js';
import {ThemeContext} from '../../source/ui/theme-context.js';
import {themeFor} from '../../source/ui/theme.js';
import {degradedDiagnosis} from '../helpers/diagnosis-fixture.js';
import {renderInk, unmount} from '../helpers/ink.js';

const secret = 'pä"ss\\w0rd%@';
const scrubber = new SecretScrubber();
scrubber.add(secret);

function overview(diagnosis: Parameters<typeof OverviewScreen>[0]['diagnosis']) {
	return (
		<ThemeContext.Provider value={themeFor({NO_COLOR: '1'}, {})}>
			<ScrubContext.Provider value={text => scrubber.text(text)}>
				<OverviewScreen
					connection={{servers: 'nats://127.0.0.1:4222', auth: 'token', context: undefined, system: {kind: 'same'}}}
					diagnosis={diagnosis}
					items={[]}
					cursor={0}
					height={30}
					width={100}
				/>
			</ScrubContext.Provider>
		</ThemeContext.Provider>
	);
}

describe('wizard text', () => {
	test('a server name with escape sequences is drawn escaped, not executed', async () => {
		const result = degradedDiagnosis();
		const servers = result.diagnosis.servers.ok ? result.diagnosis.servers.value : undefined;
		servers!.servers[0]!.name = 'n1\u001B]0;pwned\u0007\u001B[2J';
		const app = await renderInk(overview({kind: 'ready', result}));
		const frame = app.lastFrame() ?? '';
		assert.ok(
			!frame.includes('\u001B]0;') && !frame.includes('\u0007') && !frame.includes('\u001B[2J'),
			JSON.stringify(frame),
		);
		assert.match(frame, /n1\\x1b\]0;pwned\\x07\\x1b\[2J/);
		await unmount(app);
	});

	test('an error text with a secret is masked before it is wrapped across lines', async () => {
		const long = `${'the server said something rather long about the request, '.repeat(2)}${secret} and more`;
		const app = await renderInk(overview({kind: 'failed', message: long, previous: undefined}));
		const frame = (app.lastFrame() ?? '').replaceAll(/\s+/g, '');
		assert.ok(!frame.includes('0rd%@') && !frame.includes('pä"ss'), frame);
		assert.match(frame, /\*\*\*andmore/);
		await unmount(app);
	});
});
