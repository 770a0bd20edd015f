/**
 * A live progress line for a terminal: one line redrawn in place with a carriage return, at most
 * four times a second (natscli redraws its bars every 250 ms). The wizard has its own renderer;
 * this one serves the plain commands.
 */
import {formatBytes, formatEta, formatRate} from '../core/format.js';
import {oneLine} from '../core/terminal-text.js';
import type {TransferFigures} from '../core/transfer-figures.js';

export type LineState = TransferFigures & {label: string};

const redrawMs = 250;
/** `100% 1023 MiB/1023 MiB 1023 MiB/s ETA 59m59s` */
const figuresWidth = 44;
const eraseToEnd = '\u001B[K';

export function renderLine(state: LineState, columns: number, ascii: boolean): string {
	const label = oneLine(state.label);
	const percent = `${String(Math.floor(state.fraction * 100)).padStart(3)}%`;
	const eta = state.etaMs === undefined ? '' : ` ETA ${formatEta(state.etaMs)}`;
	const rate = state.bytesPerSecond > 0 ? ` ${formatRate(state.bytesPerSecond)}` : '';
	const figures = `${percent} ${formatBytes(state.doneBytes)}/${formatBytes(state.totalBytes)}${rate}${eta}`;
	// Room for the widest figures, so the bar keeps its width while the numbers change.
	const width = Math.min(40, columns - label.length - figuresWidth - 4);
	if (width < 10) return `${label} ${figures}`.slice(0, Math.max(0, columns - 1));
	const filled = Math.round(Math.min(1, state.fraction) * width);
	const [full, empty] = ascii ? ['#', '-'] : ['█', '░'];
	return `${label} [${full.repeat(filled)}${empty.repeat(width - filled)}] ${figures}`;
}

export class ProgressLine {
	readonly #write: (text: string) => void;
	readonly #columns: () => number;
	readonly #ascii: boolean;
	#lastDraw = Number.NEGATIVE_INFINITY;
	#drawn = false;

	constructor(write: (text: string) => void, {columns, ascii}: {columns: () => number; ascii: boolean}) {
		this.#write = write;
		this.#columns = columns;
		this.#ascii = ascii;
	}

	update(state: LineState, now = performance.now()): void {
		if (now - this.#lastDraw < redrawMs) return;
		this.#lastDraw = now;
		this.#drawn = true;
		this.#write(`\r${renderLine(state, this.#columns(), this.#ascii)}${eraseToEnd}`);
	}

	/** Removes the line, so the next log line starts on a clean row. */
	clear(): void {
		if (!this.#drawn) return;
		this.#drawn = false;
		this.#lastDraw = Number.NEGATIVE_INFINITY;
		this.#write(`\r${eraseToEnd}`);
	}
}
