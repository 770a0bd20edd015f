/**
 * How many snapshots an account backup runs at once: a count, and the bytes they may have in flight
 * together. Every snapshot may have the server's window in flight to the client, and a server cuts a
 * connection off as a slow consumer once it holds more than its max_pending (64 MiB by default) for
 * it: eight big streams at once on a busy 2.9.10 cluster were (docs/performance.md). A small stream
 * has no more in flight than its own size, so many of them fit beside a few big ones.
 */

/** What one snapshot may have in flight: the server's window. */
export const snapshotWindowBytes = 8 << 20;
/** Half of max_pending: four big snapshots at once, however many small ones fit beside them. */
export const inFlightBudgetBytes = 32 << 20;

export class InFlightBudget {
	readonly #maxStreams: number;
	#streams = 0;
	#bytes = 0;

	constructor(maxStreams: number) {
		this.#maxStreams = maxStreams;
	}

	/** What a stream of this size costs while in flight; one the listing did not size may be any size. */
	static cost(streamBytes: number | undefined): number {
		return Math.min(streamBytes ?? snapshotWindowBytes, snapshotWindowBytes);
	}

	/** Never more than a window costs, so a stream alone always fits. */
	admits(cost: number): boolean {
		return this.#streams < this.#maxStreams && this.#bytes + cost <= inFlightBudgetBytes;
	}

	take(cost: number): void {
		this.#streams++;
		this.#bytes += cost;
	}

	release(cost: number): void {
		this.#streams--;
		this.#bytes -= cost;
	}
}
