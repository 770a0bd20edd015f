/** A bar with bytes, rate and ETA; ASCII-safe, and it says its state in words for screen readers. */
import {Text} from './text.js';
import {formatBytes, formatEta, formatRate} from '../../core/format.js';
import type {TransferFigures} from '../../core/transfer-figures.js';
import {useTerminalSize} from '../hooks/use-terminal-size.js';
import {useTheme} from '../theme-context.js';

export function ProgressBar({label, figures}: {readonly label: string; readonly figures: TransferFigures}) {
	const {fraction, doneBytes: done, totalBytes: total, bytesPerSecond, etaMs} = figures;
	const {glyphs, color} = useTheme();
	const {columns} = useTerminalSize();
	const clamped = Math.min(1, Math.max(0, fraction));
	const details = `${Math.round(clamped * 100)}% ${formatBytes(done)}/${formatBytes(total)} ${formatRate(bytesPerSecond)} ETA ${formatEta(etaMs)}`;
	const width = Math.max(8, Math.min(40, columns - label.length - details.length - 4));
	const full = Math.round(clamped * width);
	return (
		<Text aria-role="progressbar" aria-label={`${label}: ${Math.round(clamped * 100)}%`} wrap="truncate-end">
			{label} <Text color={color ? 'cyan' : undefined}>{glyphs.barFull.repeat(full)}</Text>
			{glyphs.barEmpty.repeat(width - full)} {details}
		</Text>
	);
}
