/**
 * Fast-changing progress kept out of the reducer: the effects write every event here, and only the
 * leaf components that draw bars read it, at a capped rate. The screen around them re-renders on
 * phase changes only.
 */
export type ProgressStore<T> = {
	get(): T | undefined;
	set(value: T): void;
	subscribe(listener: () => void): () => void;
};

export function createProgressStore<T>(): ProgressStore<T> {
	let value: T | undefined;
	const listeners = new Set<() => void>();
	return {
		get: () => value,
		set(next) {
			value = next;
			for (const listener of listeners) listener();
		},
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
	};
}
