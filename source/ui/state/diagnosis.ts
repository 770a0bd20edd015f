import type {ServersView} from '../../core/diagnosis/servers.js';
import type {DiagnosisResult} from '../services.js';

export type DiagnosisState =
	| {kind: 'loading'; previous: DiagnosisResult | undefined; servers?: ServersView | undefined}
	| {kind: 'ready'; result: DiagnosisResult}
	| {kind: 'failed'; message: string; previous: DiagnosisResult | undefined};

/**
 * No meta leader: the diagnosis waits for an election ('waiting', bounded), or, after a diagnosis
 * without a leader, the effects watch for one to refresh by themselves ('watching').
 */
export type ElectionState =
	{phase: 'waiting'; waitedMs: number; timeoutMs: number} | {phase: 'watching'; electionDueMs: number | undefined};

export function latestDiagnosis(state: DiagnosisState): DiagnosisResult | undefined {
	return state.kind === 'ready' ? state.result : state.previous;
}
