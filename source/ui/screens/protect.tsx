/**
 * Protect from the wizard: the mirror to create in another cluster, the stream's name typed to
 * confirm, then the mirror catching up, with the audit line and the equivalent `nats` command.
 */
import {Box} from 'ink';
import type {ProtectPlan} from '../../operations/protect.js';
import {Text} from '../components/text.js';
import {Styled} from '../components/styled.js';
import {StepStatus} from '../components/step-status.js';
import {AuditLine} from '../components/audit-line.js';
import {TypedConfirm} from '../components/typed-confirm.js';
import {WrappedList} from '../components/wrapped-list.js';
import type {Ui} from '../state/screen.js';
import type {MenuScreenProps} from './menu-screen-props.js';

export function ProtectPlanScreen({screen, items, height, width}: MenuScreenProps<'protect-plan'>) {
	const {plan, problem} = screen;
	return (
		<Box flexDirection="column">
			<Text bold wrap="wrap">
				Protect {screen.stream} with a mirror in {screen.to}
			</Text>
			<StepStatus
				doing={plan ? undefined : `checking ${screen.stream} and ${screen.to}…`}
				failure={problem ? `No mirror: ${problem}` : undefined}
			/>
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

export function ProtectRunScreen({screen, items, height, width}: MenuScreenProps<'protect-run'>) {
	const {plan, phase, outcome} = screen;
	return (
		<Box flexDirection="column">
			<Text bold wrap="wrap">
				Protect {plan.stream}: mirror {plan.mirror} in {plan.where}
			</Text>
			<StepStatus
				doing={phase === 'running' ? screen.doing : undefined}
				failure={phase === 'failed' ? `Protect failed: ${screen.message ?? ''}` : undefined}
			/>
			{outcome && (
				<Box flexDirection="column">
					<Styled tone="ok" wrap="wrap">
						Protected: {plan.mirror} in {plan.where} holds {outcome.messages ?? '?'} messages of {plan.stream}, lag 0 (
						{outcome.elapsedMs} ms).
					</Styled>
					<AuditLine entry={outcome.entry} />
					<Text wrap="wrap">Equivalent: {plan.nats}</Text>
				</Box>
			)}
			<WrappedList items={items} cursor={screen.ui.cursor} height={Math.max(2, height - 6)} width={width} />
		</Box>
	);
}
