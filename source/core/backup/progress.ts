/**
 * Rate and ETA for a transfer whose size is only estimated: the target is the stream's message
 * bytes when the snapshot started, while the archive's tar also carries headers and index files,
 * so the fraction is capped below 1 until the transfer ends.
 */

/** Rates are measured over windows of at least this long, so per-chunk jitter does not show. */
const windowMs = 1000;
/** Weight of the newest window: recent enough to follow a slowdown, smooth enough to read. */
const smoothing = 0.5;

export class RateMeter {
	readonly expectedBytes: number;
	readonly startedAt: number;
	bytesPerSecond = 0;
	#windowStart: number;
	#windowBytes = 0;
	#measured = false;

	constructor(expectedBytes: number, now: number) {
		this.expectedBytes = expectedBytes;
		this.startedAt = now;
		this.#windowStart = now;
	}

	/** Call with the running total; cheap enough for every chunk. */
	update(bytes: number, now: number): void {
		const elapsed = now - this.#windowStart;
		if (elapsed < windowMs) {
			// Until the first window closes, the average so far is the best guess.
			if (!this.#measured && now > this.startedAt) this.bytesPerSecond = (bytes * 1000) / (now - this.startedAt);
			return;
		}

		const rate = ((bytes - this.#windowBytes) * 1000) / elapsed;
		this.bytesPerSecond = this.#measured ? smoothing * rate + (1 - smoothing) * this.bytesPerSecond : rate;
		this.#measured = true;
		this.#windowStart = now;
		this.#windowBytes = bytes;
	}

	/** 0 to 0.99 while running; the caller reports 1 once the transfer has ended. */
	fraction(bytes: number): number {
		if (this.expectedBytes <= 0) return 0;
		return Math.min(0.99, bytes / this.expectedBytes);
	}

	/** Milliseconds left at the current rate; undefined until there is a rate. */
	etaMs(bytes: number): number | undefined {
		if (this.bytesPerSecond <= 0) return undefined;
		return Math.max(0, ((this.expectedBytes - bytes) * 1000) / this.bytesPerSecond);
	}
}
