/**
 * Failover to a mirror: the plan (which subjects move, the RPO, the cost, the consumers, what happens
 * to the old stream if its region comes back), a typed confirmation, the progress, and the outcome
 * with its audit line and the equivalent `nats` commands.
 */
import {Box} from 'ink';
import type {FailoverPlan} from '../../recovery/failover-plan.js';
import {Text} from '../components/text.js';
import {Styled} from '../components/styled.js';
import {StepStatus} from '../components/step-status.js';
import {AuditLine} from '../components/audit-line.js';
import {TypedConfirm} from '../components/typed-confirm.js';
import {WrappedList} from '../components/wrapped-list.js';
import type {Ui} from '../state/screen.js';
import type {MenuScreenProps} from './menu-screen-props.js';

function title(plan: FailoverPlan): string {
	return `Failover of ${plan.origin}${plan.originDomain ? ` (domain ${plan.originDomain})` : ''} to ${plan.target} in ${plan.region ?? '?'} — ${plan.method === 'promote' ? 'promote the mirror' : 'copy the mirror into a new stream'}`;
}

export function FailoverPlanScreen({screen, items, height, width}: MenuScreenProps<'failover-plan'>) {
	const {plan, problem} = screen;
	return (
		<Box flexDirection="column">
			<Text bold wrap="wrap">
				{plan ? title(plan) : `Failover to ${screen.mirror}`}
			</Text>
			{plan && (
				<Text wrap="truncate-end">
					{'  '}subjects that move: {plan.subjects.join(', ')}
				</Text>
			)}
			<StepStatus
				doing={plan ? undefined : `checking ${screen.mirror} and its origin…`}
				failure={problem ? `No failover: ${problem}` : undefined}
			/>
			<WrappedList items={items} cursor={screen.ui.cursor} height={Math.max(4, height - 4)} width={width} />
		</Box>
	);
}

export function FailoverConfirmScreen({plan, ui}: {readonly plan: FailoverPlan; readonly ui: Ui}) {
	const [rpo, , , old] = plan.notes;
	return (
		<Box flexDirection="column">
			<Text bold wrap="wrap">
				{title(plan)}
			</Text>
			{rpo && <Text wrap="wrap">{rpo}</Text>}
			{old && <Text wrap="wrap">{old}</Text>}
			<TypedConfirm noun="mirror" name={plan.mirror} ui={ui} />
		</Box>
	);
}

export function FailoverRunScreen({screen, items, height, width}: MenuScreenProps<'failover-run'>) {
	const {plan, phase, outcome} = screen;
	const served = `${plan.target} serves ${plan.subjects.join(', ')}`;
	return (
		<Box flexDirection="column">
			<Text bold wrap="wrap">
				{title(plan)}
			</Text>
			<StepStatus
				doing={phase === 'running' ? screen.doing : undefined}
				failure={phase === 'failed' ? `Failover failed: ${screen.message ?? ''}` : undefined}
			/>
			{outcome && (
				<Box flexDirection="column">
					<Styled tone="ok" wrap="wrap">
						Failed over: {served} in place of {plan.origin}
						{outcome.messages === undefined ? '' : ` with ${outcome.messages} messages`}
						{outcome.leader ? `, leader ${outcome.leader}` : ''} ({outcome.elapsedMs} ms).
					</Styled>
					<AuditLine entry={outcome.entry} />
				</Box>
			)}
			<WrappedList items={items} cursor={screen.ui.cursor} height={Math.max(4, height - 5)} width={width} />
		</Box>
	);
}
