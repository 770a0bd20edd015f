/** A spinner in its own leaf component, so its ticks never re-render the screen around it. */
import {Text} from './text.js';
import {useEffect, useState} from 'react';
import {useTheme} from '../theme-context.js';

export function Spinner({label}: {readonly label: string}) {
	const {glyphs} = useTheme();
	const [frame, setFrame] = useState(0);
	useEffect(() => {
		const timer = setInterval(() => setFrame(current => (current + 1) % glyphs.spinner.length), 120);
		return () => clearInterval(timer);
	}, [glyphs.spinner.length]);
	return (
		<Text aria-label={label}>
			{glyphs.spinner[frame]} {label}
		</Text>
	);
}
