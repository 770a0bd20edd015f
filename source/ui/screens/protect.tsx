/**
 * Protect from the wizard: the mirror to create in another cluster, the stream's name typed to
 * confirm, then the mirror catching up, with the audit line and the equivalent `nats` command.
 */
import {Box} from 'ink';
import type {ProtectPlan} from '../../operations/protect.js';
import {Text} from '../components/text.js';
import {Spinner} from '../components/spinner.js';
import {Styled} from '../components/styled.js';
import {TypedConfirm} from '../components/typed-confirm.js';
import {WrappedList} from '../components/wrapped-list.js';
import type {Item} from '../state/menus.js';
import type {ScreenOf, Ui} from '../state/screen.js';

export function ProtectPlanScreen({
	screen,
	items,
	height,
	width,
}: {
	readonly screen: ScreenOf<'protect-plan'>;
	readonly items: Item[];
	readonly height: number;
	readonly width: number;
}) {
	const {plan, problem} = screen;
	return (
		<Box flexDirection="column">
			<Text bold wrap="wrap">
				Protect {screen.stream} with a mirror in {screen.to}
			</Text>
			{!plan && !problem && <Spinner elapsed label={`checking ${screen.stream} and ${screen.to}…`} />}
			{problem && (
				<Styled tone="bad" wrap="wrap">
					No mirror: {problem}
				</Styled>
			)}
			<WrappedList items={items} cursor={screen.ui.cursor} height={Math.max(4, height - 3)} width={width} />
		</Box>
	);
}

export function ProtectConfirmScreen({plan, ui}: {readonly plan: ProtectPlan; readonly ui: Ui}) {
	return (
		<Box flexDirection="column">
			<Text bold wrap="wrap">
				Create the mirror {plan.mirror} of {plan.stream} in {plan.where}
			</Text>
			<Text wrap="wrap">
				{'  '}
				{plan.originMessages} messages to copy, R{plan.replicas}
			</Text>
			<TypedConfirm noun="stream" name={plan.stream} ui={ui} />
		</Box>
	);
}

export function ProtectRunScreen({
	screen,
	items,
	height,
	width,
}: {
	readonly screen: ScreenOf<'protect-run'>;
	readonly items: Item[];
	readonly height: number;
	readonly width: number;
}) {
	const {plan, phase, outcome} = screen;
	return (
		<Box flexDirection="column">
			<Text bold wrap="wrap">
				Protect {plan.stream}: mirror {plan.mirror} in {plan.where}
			</Text>
			{phase === 'running' && <Spinner elapsed label={screen.doing} />}
			{phase === 'failed' && (
				<Styled tone="bad" wrap="wrap">
					Protect failed: {screen.message}
				</Styled>
			)}
			{outcome && (
				<Box flexDirection="column">
					<Styled tone="ok" wrap="wrap">
						Protected: {plan.mirror} in {plan.where} holds {outcome.messages ?? '?'} messages of {plan.stream}, lag 0 (
						{outcome.elapsedMs} ms).
					</Styled>
					<Text wrap="wrap">
						Audit: {outcome.entry.action} {outcome.entry.subject}: {outcome.entry.result}
					</Text>
					<Text wrap="wrap">Equivalent: {plan.nats}</Text>
				</Box>
			)}
			<WrappedList items={items} cursor={screen.ui.cursor} height={Math.max(2, height - 6)} width={width} />
		</Box>
	);
}
