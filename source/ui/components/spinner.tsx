/** A spinner in its own leaf component, so its ticks never re-render the screen around it. */
import {Text} from './text.js';
import {useEffect, useState} from 'react';
import {useTheme} from '../theme-context.js';

/** With `elapsed`, the seconds since it appeared follow the label: a wait that shows it is not stuck. */
export function Spinner({label, elapsed = false}: {readonly label: string; readonly elapsed?: boolean}) {
	const {glyphs} = useTheme();
	const [frame, setFrame] = useState(0);
	const [started] = useState(() => Date.now());
	useEffect(() => {
		const timer = setInterval(() => setFrame(current => (current + 1) % glyphs.spinner.length), 120);
		return () => clearInterval(timer);
	}, [glyphs.spinner.length]);
	return (
		<Text aria-label={label}>
			{glyphs.spinner[frame]} {label}
			{elapsed ? ` (${Math.floor((Date.now() - started) / 1000)}s)` : ''}
		</Text>
	);
}
