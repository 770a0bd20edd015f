import {useEffect, useState} from 'react';
import type {ProgressStore} from '../progress-store.js';

/**
 * The store's latest value, re-rendering at most every `intervalMs`: 4 updates a second, as natscli's
 * bars, keeps a session over SSH light while still looking live.
 */
export function useThrottledStore<T>(store: ProgressStore<T>, intervalMs = 250): T | undefined {
	const [value, setValue] = useState<T | undefined>(() => store.get());
	useEffect(() => {
		let pending = false;
		let timer: NodeJS.Timeout | undefined;
		const flush = () => {
			pending = false;
			timer = undefined;
			setValue(copy(store.get()));
		};

		const unsubscribe = store.subscribe(() => {
			if (pending) return;
			pending = true;
			timer = setTimeout(flush, intervalMs);
		});
		return () => {
			unsubscribe();
			clearTimeout(timer);
		};
	}, [store, intervalMs]);
	return value;
}

/** Engines reuse one progress object per transfer; a shallow copy makes React see the change. */
function copy<T>(value: T | undefined): T | undefined {
	return value && typeof value === 'object' ? ({...value} as T) : value;
}
