import type {ServersView} from '../../core/diagnosis/servers.js';
import type {DiagnosisResult} from '../services.js';

export type DiagnosisState =
	| {kind: 'loading'; previous: DiagnosisResult | undefined; servers?: ServersView | undefined}
	| {kind: 'ready'; result: DiagnosisResult}
	| {kind: 'failed'; message: string; previous: DiagnosisResult | undefined};

export function latestDiagnosis(state: DiagnosisState): DiagnosisResult | undefined {
	return state.kind === 'ready' ? state.result : state.previous;
}
