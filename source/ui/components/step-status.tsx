/** Where a step of the wizard's work stands: a spinner while it runs, or the sentence saying why it stopped. */
import {Spinner} from './spinner.js';
import {Styled} from './styled.js';

export function StepStatus({
	doing,
	failure,
}: {
	/** What runs now; nothing while the step is not running. */
	readonly doing: string | undefined;
	/** Why it stopped; shown instead of the spinner. */
	readonly failure: string | undefined;
}) {
	if (failure !== undefined)
		return (
			<Styled tone="bad" wrap="wrap">
				{failure}
			</Styled>
		);
	return doing === undefined ? null : <Spinner elapsed label={doing} />;
}
