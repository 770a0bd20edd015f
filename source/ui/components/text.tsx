/**
 * Ink's Text, as the one edge every word of the wizard passes: strings are scrubbed of secrets and
 * their control characters escaped before Ink lays them out, so a secret cannot hide by being
 * wrapped across lines, and a name from a server or an archive cannot drive the terminal.
 */
import {Text as InkText, type TextProps} from 'ink';
import {Children, createContext, useContext} from 'react';
import {terminalSafe} from '../../core/terminal-text.js';

/** Masks secrets in displayed text; the wizard's runner provides the session's scrubber. */
export const ScrubContext = createContext<(text: string) => string>(text => text);

export function Text({children, ...rest}: TextProps) {
	const scrub = useContext(ScrubContext);
	return (
		<InkText {...rest}>
			{Children.map(children, child => (typeof child === 'string' ? terminalSafe(scrub(child)) : child))}
		</InkText>
	);
}
