/**
 * `nats-dr verify DIR`: one stream backup, or an account backup with one per subdirectory. Reads
 * every archive in full (S2 checksums, tar, meta.sum, errors.txt, the recorded SHA-256) without
 * touching a server, and says per stream whether it can be restored.
 */
import {readdir, stat} from 'node:fs/promises';
import {archivePathIn, findBackups, type NonBackupEntry} from '../../core/archive/backup-dir.js';
import {verifyBackupDir, type BackupVerification} from '../../core/archive/verify-backup.js';
import {partialMark} from '../../core/backup/backup-files.js';
import {exitCodes, type ExitCode} from '../../core/errors.js';
import {formatBytes, formatCount} from '../../core/format.js';
import type {CommandContext} from '../context.js';
import {checkArgs} from '../flags.js';
import {ProgressLine} from '../progress-line.js';

export async function verify(context: CommandContext): Promise<ExitCode> {
	const {invocation, out, io, signal} = context;
	checkArgs('verify', invocation.args);
	const found = await findBackups(invocation.args[0]!);
	const dirs = found.layout === 'stream' ? [found.dir] : found.backups;
	const others = found.layout === 'account' ? found.others : [];
	const {flags} = invocation;
	const line =
		io.stdout.isTTY && flags.progress && !flags.plain && !out.json && !io.env['ACCESSIBLE']
			? new ProgressLine(text => io.stdout.write(out.scrub(text)), {
					columns: () => io.stdout.columns || 80,
					ascii: flags.ascii,
				})
			: undefined;
	const results: Array<BackupVerification & {leftovers: string[]}> = [];
	for (const dir of dirs) {
		const size = line
			? await archivePathIn(dir)
					.then(async file => stat(file))
					.then(
						stats => stats.size,
						() => 0,
					)
			: 0;
		const result = await verifyBackupDir(dir, {
			signal,
			onProgress({compressedBytes}) {
				line?.update({
					label: `verifying ${dir}`,
					fraction: size > 0 ? compressedBytes / size : 0,
					doneBytes: compressedBytes,
					totalBytes: size,
					bytesPerSecond: 0,
					etaMs: undefined,
				});
			},
		});
		line?.clear();
		const leftovers = await partialFiles(dir);
		results.push({...result, leftovers});
		if (!out.json) printResult(context, result, leftovers);
	}

	const problems = others.filter(entry => entry.reason === 'no-backup-json');
	const ok = results.every(result => result.ok) && problems.length === 0;
	if (out.json) {
		out.printJson({
			ok,
			layout: found.layout,
			backups: results.map(result => ({
				dir: result.dir,
				stream: result.streamName ?? null,
				ok: result.ok,
				problems: result.problems,
				warnings: [...result.warnings, ...leftoverWarnings(result.leftovers)],
				messages: result.backup?.messages ?? null,
				archive_bytes: result.archive?.compressedBytes ?? null,
				uncompressed_bytes: result.archive?.uncompressedBytes ?? null,
				format: result.archive?.format ?? null,
				consumers: result.archive?.consumers ?? [],
				xxh3: result.archive?.xxh3 ?? null,
				sha256: result.archive?.sha256 ?? null,
			})),
			others: others.map(entry => ({
				name: entry.name,
				path: entry.path,
				reason: entry.reason,
				problem: entry.reason === 'no-backup-json',
			})),
		});
	} else {
		for (const entry of others) printOther(context, entry);
		const failed = results.filter(result => !result.ok).length + problems.length;
		out.log(
			`${results.length} ${results.length === 1 ? 'backup' : 'backups'} verified: ${failed === 0 ? 'all can be restored' : `${failed} with problems`}`,
		);
	}

	return ok ? exitCodes.ok : exitCodes.failed;
}

function printResult({out}: CommandContext, result: BackupVerification, leftovers: string[]): void {
	const name = result.streamName ?? '?';
	const {archive, backup} = result;
	const sizes = archive
		? `${backup?.messages === undefined ? '' : `${formatCount(backup.messages)} messages, `}${formatBytes(archive.uncompressedBytes)} in a ${formatBytes(archive.compressedBytes)} archive`
		: 'no archive';
	const consumers = archive && archive.consumers.length > 0 ? `, consumers ${archive.consumers.join(', ')}` : '';
	out.log(`${result.ok ? 'OK    ' : 'FAILED'}  ${name}  ${result.dir}: ${sizes}${consumers}`);
	for (const problem of result.problems) out.log(`  problem: ${problem}`);
	for (const warning of [...result.warnings, ...leftoverWarnings(leftovers)]) out.log(`  warning: ${warning}`);
}

function printOther({out}: CommandContext, entry: NonBackupEntry): void {
	if (entry.reason === 'no-backup-json') {
		out.log(
			`FAILED  ${entry.name}  ${entry.path}: no backup.json, so not a complete backup (a failed or interrupted one?)`,
		);
	} else {
		out.log(
			`  warning: ${entry.path} is not a directory: \`nats account restore\` refuses a backup directory holding files`,
		);
	}
}

function leftoverWarnings(leftovers: string[]): string[] {
	return leftovers.length === 0 ? [] : [`leftovers of an interrupted backup, safe to delete: ${leftovers.join(', ')}`];
}

async function partialFiles(dir: string): Promise<string[]> {
	try {
		return (await readdir(dir)).filter(name => name.startsWith('.') && name.includes(partialMark)).sort();
	} catch {
		return [];
	}
}
