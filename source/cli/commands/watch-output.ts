import type {WatchState} from '../../core/recovery-actions.js';
import type {Output} from '../output.js';

/** A log line whenever a watched stream's state changes, not on every poll. */
export function printWatch(out: Output): (states: WatchState[]) => void {
	const last = new Map<string, string>();
	return states => {
		for (const state of states) {
			const peers = state.peers
				.map(peer => `${peer.name}${peer.leader ? '*' : ''}${peer.current ? '' : '!'}`)
				.join(',');
			const line = state.done
				? `${state.stream}: recovered, replicas [${peers}] all current`
				: `${state.stream}: replicas [${peers}], waiting for ${state.waitingFor ?? '?'}`;
			if (last.get(state.stream) === line) continue;
			last.set(state.stream, line);
			out.log(line);
		}
	};
}
