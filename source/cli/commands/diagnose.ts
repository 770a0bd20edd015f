import {describeConnection} from '../../core/connection/settings.js';
import {diagnose as gather, type Diagnosis} from '../../core/diagnosis/diagnose.js';
import {defaultStateDir} from '../../core/diagnosis/inventory.js';
import {parseDuration} from '../../core/duration.js';
import {exitCodes, type ExitCode} from '../../core/errors.js';
import {assess} from '../../recovery/assess.js';
import {listBackups} from '../../core/backup-catalog.js';
import {newestBackups} from '../../recovery/newest-backup.js';
import type {CommandContext} from '../context.js';
import {checkArgs} from '../flags.js';
import {diagnosisJson} from './diagnose-json.js';
import {diagnosisReport} from './diagnose-report.js';
import {placeServers, regionLoss, regionLossJson, regionLossLines, type RegionLoss} from './region-loss.js';

export async function diagnose(context: CommandContext): Promise<ExitCode> {
	const {invocation, out, signal, io} = context;
	checkArgs('diagnose', invocation.args);
	const {flags} = invocation;
	const electionTimeoutMs =
		flags.electionTimeout === undefined ? undefined : parseDuration(flags.electionTimeout, '--election-timeout');
	// A bad --backups directory is bad input: said before connecting.
	const backupList = flags.backups ? await listBackups(flags.backups) : [];
	const session = await context.connect();
	let diagnosis: Diagnosis;
	let loss: RegionLoss | undefined;
	const status = statusLine(context);
	try {
		diagnosis = await gather(session, {
			signal,
			electionTimeoutMs,
			stateDir: defaultStateDir(io.env),
			onElectionWait: electionWaitLines(context),
		});
		loss = await regionLoss(session, diagnosis, async () => backupList, signal);
		diagnosis = placeServers(diagnosis, loss);
	} finally {
		await session.close();
	}

	if (diagnosis.election) {
		const {leader, waitedMs} = diagnosis.election;
		status(
			leader
				? `meta leader ${leader} elected after ${(waitedMs / 1000).toFixed(1)} s`
				: `no meta leader after ${(waitedMs / 1000).toFixed(1)} s: reporting what the live servers and the inventory show`,
		);
	}

	const connection = describeConnection(session.settings);
	const assessment = assess(diagnosis);
	const backups = flags.backups ? newestBackups(assessment.streams, backupList) : undefined;
	if (out.json)
		out.printJson({
			...diagnosisJson(diagnosis, assessment, connection, backups),
			region_loss: loss ? regionLossJson(loss) : null,
		});
	else
		for (const line of [
			...diagnosisReport(diagnosis, assessment, connection, backups),
			...(loss ? regionLossLines(loss) : []),
		])
			out.line(line);
	return exitCodes.ok;
}

/** Progress goes to stderr in both modes: stdout stays the report (or one JSON document). */
function statusLine({io, out}: CommandContext): (text: string) => void {
	return text => io.stderr.write(`${out.scrub(text)}\n`);
}

/** One line a second while diagnosis waits for a meta election. */
export function electionWaitLines(context: CommandContext): (waitedMs: number, timeoutMs: number) => void {
	const status = statusLine(context);
	let said = -1;
	return (waitedMs, timeoutMs) => {
		const seconds = Math.floor(waitedMs / 1000);
		if (seconds === said) return;
		said = seconds;
		status(`no meta leader: waiting for the election (${seconds} of ${Math.round(timeoutMs / 1000)} s)`);
	};
}
