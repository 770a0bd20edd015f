/**
 * The wizard's state outside React's render state: `dispatch` applies an action at once, so the
 * next key of the same burst already sees its effect. React reads it through useSyncExternalStore.
 */
import {useSyncExternalStore} from 'react';

export type Store<S, A> = {
	getState(): S;
	dispatch(action: A): void;
	subscribe(listener: () => void): () => void;
};

export function createStore<S, A>(reduce: (state: S, action: A) => S, initial: S): Store<S, A> {
	let state = initial;
	const listeners = new Set<() => void>();
	return {
		getState: () => state,
		dispatch(action) {
			const next = reduce(state, action);
			if (next === state) return;
			state = next;
			for (const listener of listeners) listener();
		},
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
	};
}

export function useStore<S, A>(store: Store<S, A>): S {
	return useSyncExternalStore(store.subscribe, store.getState);
}
