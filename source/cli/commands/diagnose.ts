import {describeConnection} from '../../core/connection/settings.js';
import {diagnose as gather, type Diagnosis} from '../../core/diagnosis/diagnose.js';
import {exitCodes, type ExitCode} from '../../core/errors.js';
import {assess} from '../../recovery/assess.js';
import {listBackups, type BackupSummary} from '../../core/backup-catalog.js';
import {newestBackups} from '../../recovery/newest-backup.js';
import type {CommandContext} from '../context.js';
import {checkArgs} from '../flags.js';
import {diagnosisJson} from './diagnose-json.js';
import {diagnosisReport} from './diagnose-report.js';
import {regionLoss, regionLossJson, regionLossLines, type RegionLoss} from './region-loss.js';

export async function diagnose(context: CommandContext): Promise<ExitCode> {
	const {invocation, out, signal} = context;
	checkArgs('diagnose', invocation.args);
	const session = await context.connect();
	const backupList = invocation.flags.backups ? await listBackups(invocation.flags.backups) : [];
	let diagnosis: Diagnosis;
	let loss: RegionLoss | undefined;
	try {
		diagnosis = await gather(session, {signal});
		loss = await regionLoss(session, diagnosis, backupList, signal);
	} finally {
		await session.close();
	}

	const connection = describeConnection(session.settings);
	const assessment = assess(diagnosis);
	const backups = invocation.flags.backups ? newestBackups(assessment.streams, backupList) : new Map<string, BackupSummary>();
	if (out.json) out.printJson({...diagnosisJson(diagnosis, assessment, connection, backups), region_loss: loss ? regionLossJson(loss) : null});
	else for (const line of [...diagnosisReport(diagnosis, assessment, connection, backups), ...(loss ? regionLossLines(loss) : [])]) out.line(line);
	return exitCodes.ok;
}
