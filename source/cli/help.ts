import {commands, type CommandName} from './flags.js';

const connectionHelp = `
Connection (flags override the natscli context; NATS_URL, NATS_USER, NATS_PASSWORD, NATS_TOKEN,
NATS_CREDS, NATS_NKEY, NATS_CERT, NATS_KEY, NATS_CA and NATS_CONTEXT work as in natscli)
  -s, --server URL[,URL]   NATS servers (default $NATS_URL, then nats://127.0.0.1:4222)
  --context NAME|PATH      natscli context name, or path to a context .json file
  --no-context             ignore natscli contexts (NATS_CONTEXT and the selected one)
  --user USER --password PASSWORD | --token TOKEN | --creds FILE | --nkey FILE
  --tlscert FILE --tlskey FILE --tlsca FILE [--tlsfirst]
  --js-domain NAME         JetStream domain (API prefix $JS.<domain>.API; not used for system requests)
  --timeout DURATION       request timeout, e.g. 5s (default 5s)

System account (server-level data and peer-remove; default: the main connection)
  --sys-context NAME|PATH  a natscli context with system-account credentials
  --sys-user USER --sys-password PASSWORD | --sys-creds FILE   same servers, system credentials

Output and confirmation
  --json                   one machine-readable JSON document on stdout
  --no-progress            log lines instead of live progress bars
  --plain                  line mode, no interactive screens (also ACCESSIBLE=1)
  --no-color               no colour (also NO_COLOR=1)
  --ascii                  ASCII bars and symbols
  --confirm NAME           confirm a destructive step by name, for scripts
  --yes                    confirm every destructive step, for scripts
  --audit-log FILE         where actions are logged (default $XDG_STATE_HOME/nats-dr/audit.log)
`;

export function mainHelp(version: string): string {
	const width = Math.max(...Object.keys(commands).map(name => name.length));
	const list = Object.entries(commands)
		.map(([name, spec]) => `  ${name.padEnd(width)}  ${spec.summary}`)
		.join('\n');
	return `nats-dr ${version}: NATS JetStream disaster recovery

Usage
  nats-dr                  the interactive wizard (needs a terminal)
  nats-dr COMMAND [ARGS] [FLAGS]

Commands
${list}

Run \`nats-dr COMMAND --help\` for a command's flags.
${connectionHelp}
Exit codes: 0 ok, 1 failed, 2 usage error, 130 aborted by the operator.
`;
}

const commandDetails: Record<CommandName, string> = {
	diagnose: `  --backups DIR            name the newest backup under DIR for streams that need one
  --election-timeout DUR   without a meta leader but with quorum, wait this long for the election (default 15s, 0 = no wait)

  Every full diagnosis records the account's streams in $XDG_STATE_HOME/nats-dr/inventory/, so a later
  diagnosis that cannot list them all still reports the streams only dead servers held.`,
	readiness: `  --backups DIR            count the newest verified backup under DIR as protection
  --max-rpo DURATION       exit 1 when a stream's RPO is over it, or it has no copy outside its region
  --domain NAME            also read this JetStream domain's streams (repeatable), for mirrors across leafnodes`,
	backup: `  --all                    back up every stream of the account, one subdirectory each
  --concurrency N          with --all, streams backed up at once (1 to 64, default 64; big ones 4 at most)
  --no-consumers           leave consumers out of the snapshot
  --check                  ask the server to verify the stream's blocks first (slow, no progress)
  --chunk-size SIZE        snapshot chunk size (default 1MiB; 128KiB for streams under 8MiB on nats-server before 2.10.12)
  --idle-timeout DURATION  fail when no data arrives for this long (default 10s)
  --force                  replace an existing backup in DIR`,
	restore: `  --replicas N             restore with N replicas
  --cluster NAME           place the stream in this cluster (replaces the backup's placement)
  --tag TAG                placement tag, repeatable (replaces the backup's placement)
  --no-placement           drop the backup's placement
  --no-verify              skip verifying the archive while it uploads (the server alone judges it)
  --skip-existing          in an account restore, skip streams that exist instead of refusing
  --concurrency N          in an account restore, streams restored at once (1 to 16, default 8)
  --chunk-size SIZE        upload chunk size (default 1MiB, at most the server's max_payload)
  --window N               upload chunks in flight at once, 1-64 (default 8; 1 is the nats CLI's one at a time)
  --settle-timeout DURATION  how long to wait for the restored stream to settle (default 2m)`,
	verify: `  (no command flags)`,
	'peer-remove': `  --stream NAME            remove SERVER from this stream's peers only
  --force                  allow removing a server that is still online
  --watch-timeout DURATION how long to watch replicas catch up (default 2m)
  --no-watch               do not watch the recovery afterwards`,
	'step-down': `  (no command flags)`,
	failover: `  --subjects SUBJECT       the origin's subjects (repeatable), when neither the origin nor the mirror's
                           description (written by \`nats-dr protect\`) can tell them
  --new-name NAME          on servers that refuse to promote a mirror (before 2.12): the new stream's
                           name (default MIRROR_PROMOTED)
  --force                  fail over even though the origin stream still answers
  --watch-timeout DURATION how long to watch the stream start serving (default 2m)
  --no-watch               do not watch afterwards`,
	protect: `  --mirror-to NAME         the cluster (same meta group) or JetStream domain to place the mirror in
  --replicas N             the mirror's replicas (default: the stream's, at most the target's servers)
  --new-name NAME          the mirror's name (default STREAM_<TARGET>)
  --watch-timeout DURATION how long to watch it catch up (default 2m)
  --no-watch               do not watch afterwards`,
	demo: `  --scenario NAME          node-loss (default), quorum-loss, r1-loss or region-loss
  --keep                   leave the cluster running after exit
  --nats-server PATH       the nats-server binary (default: from PATH)`,
};

export function commandHelp(command: CommandName): string {
	const spec = commands[command];
	return `Usage: ${spec.usage}

${spec.summary[0]!.toUpperCase()}${spec.summary.slice(1)}.

Flags
${commandDetails[command]}
${connectionHelp}`;
}

export function shortUsage(): string {
	const list = Object.values(commands)
		.map(spec => `  ${spec.usage}`)
		.join('\n');
	return `Usage:
  nats-dr   (the interactive wizard; needs a terminal on stdin and stdout)
${list}
Run \`nats-dr --help\` for the flags.`;
}
