/**
 * Restore progress for the plain command. On a terminal: one live line (the byte bar while
 * uploading, then a status with the elapsed time while the server restores and the stream
 * settles). Elsewhere: natscli's --no-progress log lines, timestamped as jsm.go's debug log is.
 */
import {formatBytes, formatRate} from '../core/format.js';
import {uploadFigures} from '../core/transfer-figures.js';
import {oneLine} from '../core/terminal-text.js';
import type {PlanCheckEvent} from '../core/restore/plan.js';
import type {RestoreProgress} from '../core/restore/restore.js';
import type {Output} from './output.js';
import {ProgressLine} from './progress-line.js';

export type RestorePrinter = {
	onProgress(event: RestoreProgress): void;
	/** Each pre-flight check as it starts and ends. */
	checking(event: PlanCheckEvent): void;
	/** Prints a line without tearing the live line. */
	log(text: string): void;
	/** Removes the live line. */
	clear(): void;
};

const eraseToEnd = '\u001B[K';
/** jsm.go logs about 20 "Sent N chunks" lines per restore. */
const sentLines = 20;

/** A log names a check only once it has run this long: most checks end well before. */
const slowCheckMs = 1000;

export function restorePrinter(
	out: Output,
	{live, ascii, slowAfterMs = slowCheckMs}: {live: boolean; ascii: boolean; slowAfterMs?: number},
): RestorePrinter {
	return live ? livePrinter(out, ascii) : logPrinter(out, slowAfterMs);
}

function livePrinter(out: Output, ascii: boolean): RestorePrinter {
	const write = (text: string): void => {
		out.io.stdout.write(out.scrub(text));
	};

	// 0 when the terminal does not say (e.g. under `script`): then assume the classic width.
	const columns = (): number => out.io.stdout.columns || 80;
	const bar = new ProgressLine(write, {columns, ascii});
	let status = false;
	const clear = (): void => {
		bar.clear();
		if (status) write(`\r${eraseToEnd}`);
		status = false;
	};

	const show = (text: string): void => {
		bar.clear();
		status = true;
		write(`\r${oneLine(text).slice(0, columns() - 1)}${eraseToEnd}`);
	};

	return {
		checking(event) {
			if (event.state === 'running') show(`Checking: ${event.label}`);
			else clear();
		},
		onProgress(event) {
			switch (event.phase) {
				case 'request': {
					show(
						`Restoring ${event.stream}: waiting for the server to accept it${event.replicas > 1 ? ' (the new group elects a leader first)' : ''}`,
					);
					break;
				}

				case 'upload': {
					if (status) clear();
					bar.update({label: `Restoring ${event.stream}`, ...uploadFigures(event)});
					break;
				}

				case 'restoring': {
					show(
						`Restoring ${event.stream}: uploaded in ${seconds(event.uploadMs)}, the server is restoring it (${seconds(event.elapsedMs)})`,
					);
					break;
				}

				case 'settling': {
					show(`Restoring ${event.stream}: waiting for ${event.waitingFor.join('; ')} (${seconds(event.elapsedMs)})`);
					break;
				}

				case 'start':
				case 'done': {
					clear();
				}
			}
		},
		log(text) {
			clear();
			out.log(text);
		},
		clear,
	};
}

function logPrinter(out: Output, slowAfterMs: number): RestorePrinter {
	const stamp = (text: string): void => {
		out.log(`${new Date().toTimeString().slice(0, 8)} ${text}`);
	};

	let notifyEvery = 1;
	let notified = 0;
	let restoringSince: number | undefined;
	let lastNote = 0;
	let waiting = '';
	// A step that may wait seconds (a pre-flight check, the leader election) is logged only once it
	// lasts: most end well before, and a log needs no line for them.
	let slowStep: NodeJS.Timeout | undefined;
	const logIfSlow = (text: string): void => {
		clearTimeout(slowStep);
		slowStep = setTimeout(() => {
			stamp(text);
		}, slowAfterMs);
		// A step that fails sends nothing more: the timer must not keep the process alive for it.
		slowStep.unref();
	};

	return {
		checking(event) {
			clearTimeout(slowStep);
			if (event.state === 'running') logIfSlow(`Checking: ${event.label}`);
		},
		onProgress(event) {
			clearTimeout(slowStep);
			switch (event.phase) {
				case 'start': {
					notifyEvery = Math.ceil(event.totalChunks / sentLines);
					notified = 0;
					restoringSince = undefined;
					waiting = '';
					stamp(
						`Starting restore of "${event.stream}" from ${event.dir}/stream.tar.s2 using ${event.totalChunks} chunks of ${formatBytes(event.chunkSize)}, ${event.window} in flight`,
					);
					break;
				}

				case 'upload': {
					const step = Math.floor(event.chunks / notifyEvery);
					if (step <= notified || event.chunks >= event.totalChunks) break;
					notified = step;
					stamp(
						`Sent ${event.chunks} chunks (${formatBytes(event.sentBytes)} of ${formatBytes(event.totalBytes)}, ${formatRate(event.bytesPerSecond)})`,
					);
					break;
				}

				case 'restoring': {
					if (restoringSince === undefined) {
						restoringSince = event.elapsedMs;
						lastNote = event.elapsedMs;
						stamp(`Sent ${event.chunks} chunks, server will now restore the snapshot, this might take a long time`);
					} else if (event.elapsedMs - lastNote >= 10_000) {
						lastNote = event.elapsedMs;
						stamp(`The server is still restoring "${event.stream}" (${seconds(event.elapsedMs - restoringSince)})`);
					}

					break;
				}

				case 'settling': {
					const now = event.waitingFor.join('; ');
					if (now === waiting) break;
					waiting = now;
					stamp(`Restored by the server; waiting for ${now}`);
					break;
				}

				case 'request': {
					logIfSlow(
						`Waiting for the server to accept the restore of "${event.stream}"${event.replicas > 1 ? ' (the new group elects a leader first)' : ''}`,
					);
					break;
				}

				case 'done': {
					break;
				}
			}
		},
		log(text) {
			out.log(text);
		},
		clear() {
			clearTimeout(slowStep);
		},
	};
}

function seconds(ms: number): string {
	return `${Math.round(ms / 1000)}s`;
}
