import {describeConnection} from '../../core/connection/settings.js';
import {diagnose as gather, type Diagnosis} from '../../core/diagnosis/diagnose.js';
import {exitCodes, type ExitCode} from '../../core/errors.js';
import {assess} from '../../recovery/assess.js';
import type {CommandContext} from '../context.js';
import {checkArgs} from '../flags.js';
import {diagnosisJson} from './diagnose-json.js';
import {diagnosisReport} from './diagnose-report.js';

export async function diagnose(context: CommandContext): Promise<ExitCode> {
	const {invocation, out, signal} = context;
	checkArgs('diagnose', invocation.args);
	const session = await context.connect();
	let diagnosis: Diagnosis;
	try {
		diagnosis = await gather(session, {signal});
	} finally {
		await session.close();
	}

	const connection = describeConnection(session.settings);
	const assessment = assess(diagnosis);
	if (out.json) out.printJson(diagnosisJson(diagnosis, assessment, connection));
	else for (const line of diagnosisReport(diagnosis, assessment, connection)) out.line(line);
	return exitCodes.ok;
}
