// unitctl from argv to exit status: parse, pick the verb, connect, run, close. Everything the
// process provides (environment, uid, output, the socket connector) comes in, so tests drive it.
import { parseArgs } from './args.ts';
import type { Context, Io } from './context.ts';
import { EXIT } from './exit-codes.ts';
import { isNoDaemon, OFFLINE_VERBS } from './offline-rpc.ts';
import { socketPath } from './socket-path.ts';
import type { Rpc } from './rpc-client.ts';
import { DEFAULT_VERB, VERBS } from './verbs/index.ts';

export const VERSION = '0.1.0';

export interface CliDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly uid: number;
  readonly io: Io;
  readonly connect: (path: string) => Promise<Rpc & { close(): void }>;
  /** Without a daemon, the unit-file verbs go through this instead (offline-rpc.ts). */
  readonly offline?: () => Rpc & { close(): void };
  readonly program?: string;
  /** Shows a paged verb's collected stdout (pager.ts); without it lines go straight to io.out. */
  readonly page?: (lines: readonly string[], options: { noPager: boolean }) => Promise<void>;
}

export { socketPath };

/** What offline verbs get instead of a connection. */
const OFFLINE_RPC: Rpc & { close(): void } = {
  call: () => Promise.reject(new Error('this verb does not talk to unitd')),
  onSignal: () => {},
  onClose: () => {},
  close: () => {},
};

export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  const program = deps.program ?? 'unitctl';
  const { io } = deps;
  const parsed = parseArgs(argv, program);
  if (!parsed.ok) {
    io.err(parsed.message);
    return EXIT.failure;
  }
  const { options, args } = parsed.value;
  if (options.help) { for (const line of usage(program)) io.out(line); return EXIT.success; }
  if (options.version) { io.out(`${program} ${VERSION} (unitd; systemctl 252 compatible)`); return EXIT.success; }
  if (options.helpList) { for (const line of options.helpList) io.out(line); return EXIT.success; }
  const verbName = parsed.value.verb ?? DEFAULT_VERB;
  const verb = Object.hasOwn(VERBS, verbName) ? VERBS[verbName] : undefined;
  if (!verb) {
    io.err(`Unknown command verb ${verbName}.`);
    return EXIT.failure;
  }
  if (args.length < verb.minArgs) { io.err('Too few arguments.'); return EXIT.failure; }
  if (verb.maxArgs !== undefined && args.length > verb.maxArgs) { io.err('Too many arguments.'); return EXIT.failure; }

  const path = socketPath(options.socket, deps.env, deps.uid);
  let rpc: Rpc & { close(): void };
  try {
    rpc = verb.offline ? OFFLINE_RPC : await deps.connect(path);
  } catch (err) {
    if (deps.offline && OFFLINE_VERBS.has(verbName) && isNoDaemon(err)) {
      rpc = deps.offline();
    } else {
      io.err(`Failed to connect to unitd at ${path}: ${(err as Error).message}`);
      return EXIT.failure;
    }
  }
  const paged: string[] | null = verb.pager && deps.page ? [] : null;
  const verbIo = paged ? { ...io, out: (line: string) => { paged.push(line); } } : io;
  const ctx: Context = { rpc, options, io: verbIo, program };
  try {
    const code = await verb.run(ctx, args);
    if (paged && deps.page) await deps.page(paged, { noPager: options.noPager });
    return code;
  } catch (err) {
    if (paged && deps.page) await deps.page(paged, { noPager: true });
    io.err(`Failed to ${verbName}: ${(err as Error).message}`);
    return EXIT.failure;
  } finally {
    rpc.close();
  }
}

function usage(p: string): string[] {
  return [
    `${p} [OPTIONS...] COMMAND [UNIT...]`,
    '',
    'Query or send control commands to unitd.',
    '',
    'Unit commands:',
    '  list-units [PATTERN...]     List units currently in memory',
    '  list-timers [PATTERN...]    List timer units currently in memory,',
    '                              ordered by next elapse',
    '  list-sockets [PATTERN...]   List socket units currently in memory,',
    '                              ordered by address',
    '  list-dependencies [UNIT...] Recursively show units which are required',
    '                              or wanted by the units or by which those',
    '                              units are required or wanted',
    '  is-active UNIT...           Check whether units are active',
    '  is-failed UNIT...           Check whether units are failed',
    '  status UNIT...              Show runtime status of one or more units',
    '  show UNIT...                Show properties of one or more units',
    '  start UNIT...               Start (activate) one or more units',
    '  stop UNIT...                Stop (deactivate) one or more units',
    '  reload UNIT...              Reload one or more units',
    '  restart UNIT...             Start or restart one or more units',
    '  try-restart UNIT...         Restart one or more units if active',
    '  reload-or-restart UNIT...   Reload one or more units if possible, otherwise start or restart',
    '  try-reload-or-restart UNIT... If active, reload one or more units, if supported, otherwise restart',
    '  isolate UNIT                Start one unit and stop all others',
    '  kill UNIT...                Send signal to processes of a unit',
    '  reset-failed [UNIT...]      Reset failed state for all, one, or more units',
    '',
    'Job commands:',
    '  list-jobs [PATTERN...]      List jobs',
    '  cancel [JOB...]             Cancel all, one, or more jobs',
    '',
    'Manager commands:',
    '  daemon-reload               Reload unit files',
    '  is-system-running           Check whether system is fully running',
    '  show-environment            Dump environment',
    '  set-environment VARIABLE=VALUE... Set one or more environment variables',
    '  unset-environment VARIABLE...     Unset one or more environment variables',
    '',
    'System commands:',
    '  exit [EXIT_CODE]            Stop all units and end the daemon with EXIT_CODE',
    '  poweroff, halt              Stop all units and end the daemon (status 0)',
    '',
    'Options:',
    '  -h --help                   Show this help',
    '     --version                Show package version',
    '     --socket PATH            Control socket (default: $UNITD_SOCKET or /run/unitd/unitd.sock)',
    '  -t --type=TYPE              List units of a particular type',
    '     --state=STATE            List units with particular LOAD or SUB or ACTIVE state',
    '  -p --property=NAME          Show only properties by this name',
    '  -P NAME                     Equivalent to --value --property=NAME',
    '  -a --all                    Show all properties/all units currently in memory',
    '  -l --full                   Don\'t ellipsize output',
    '     --value                  When showing properties, only print the value',
    '     --job-mode=MODE          Specify how to deal with already queued jobs',
    '  -T --show-transaction       When enqueuing a unit job, show full transaction',
    '     --dry-run                Only show what the transaction would do',
    '     --fail                   Shortcut for --job-mode=fail',
    '     --irreversible           Shortcut for --job-mode=replace-irreversibly',
    '     --ignore-dependencies    Shortcut for --job-mode=ignore-dependencies',
    '     --no-block               Do not wait until operation finished',
    '     --wait                   For start/restart: wait until the units stopped again',
    '     --kill-whom=WHOM         Whom to send signal to (main, control, all)',
    '  -s --signal=SIGNAL          Which signal to send',
    '     --explain                Say why a job did not succeed (default on a terminal)',
    '  -q --quiet                  Suppress output',
    '     --no-legend              Do not print a legend (column headers and hints)',
    '     --show-types             When showing sockets, explicitly show their type',
    '     --no-pager               Do not pipe output into a pager',
    '     --plain                  Print unit lists without the status column',
    '  -o --output=STRING          Change journal output mode; json/json-pretty for list-units,',
    '                              list-jobs, show, status, list-dependencies (docs/cli-json.md)',
    '     --reverse                Show reverse dependencies with \'list-dependencies\'',
    '     --now                    Accepted for compatibility',
  ];
}
