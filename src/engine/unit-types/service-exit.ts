// Exit classification for service processes (03 §3.5) and the names systemd prints for exit
// statuses and signals ("status=203/EXEC", "status=15/TERM"). Pure functions over tables.
import type { ExitStatusSet } from '../unit-file/config.ts';
import { signalShortName } from '../signals.ts';
import type { ServiceResult } from './service-states.ts';

export const SIG = { HUP: 1, INT: 2, QUIT: 3, ABRT: 6, KILL: 9, PIPE: 13, TERM: 15, CONT: 18 } as const;

// Exit status names from systemd's exit-status table (LSB codes and the reserved 200–244 range).
const EXIT_STATUS_NAMES: Readonly<Record<number, string>> = {
  0: 'SUCCESS', 1: 'FAILURE', 2: 'INVALIDARGUMENT', 3: 'NOTIMPLEMENTED', 4: 'NOPERMISSION',
  5: 'NOTINSTALLED', 6: 'NOTCONFIGURED', 7: 'NOTRUNNING',
  200: 'CHDIR', 201: 'NICE', 202: 'FDS', 203: 'EXEC', 204: 'MEMORY', 205: 'LIMITS', 206: 'OOM_ADJUST',
  207: 'SIGNAL_MASK', 208: 'STDIN', 209: 'STDOUT', 210: 'CHROOT', 211: 'IOPRIO', 212: 'TIMERSLACK',
  213: 'SECUREBITS', 214: 'SETSCHEDULER', 215: 'CPUAFFINITY', 216: 'GROUP', 217: 'USER',
  218: 'CAPABILITIES', 219: 'CGROUP', 220: 'SETSID', 221: 'CONFIRM', 222: 'STDERR', 224: 'PAM',
  225: 'NETWORK', 226: 'NAMESPACE', 227: 'NO_NEW_PRIVILEGES', 228: 'SECCOMP', 229: 'SELINUX_CONTEXT',
  230: 'PERSONALITY', 231: 'APPARMOR', 232: 'ADDRESS_FAMILIES', 233: 'RUNTIME_DIRECTORY', 235: 'CHOWN',
  236: 'SMACK_PROCESS_LABEL', 237: 'KEYRING', 238: 'STATE_DIRECTORY', 239: 'CACHE_DIRECTORY',
  240: 'LOGS_DIRECTORY', 241: 'CONFIGURATION_DIRECTORY', 242: 'NUMA_POLICY', 243: 'CREDENTIALS', 244: 'BPF',
};

export type ExitCode = 'exited' | 'killed' | 'dumped' | 'unknown';

export const signalName = (n: number): string => signalShortName(n) ?? String(n);

/** "1/FAILURE", "43/n/a", "15/TERM" — as the "Main process exited" lines and ExecStart= status print it. */
export function formatExitStatus(code: ExitCode, status: number): string {
  if (code === 'exited') return `${status}/${EXIT_STATUS_NAMES[status] ?? 'n/a'}`;
  if (code === 'unknown') return `${status}/n/a`;
  return `${status}/${signalShortName(status) ?? 'n/a'}`;
}

/** ExecMainCode= as show prints it: 0 never ran, 1 exited, 2 killed, 3 dumped (03 §11). */
export const EXIT_CODE_NUMBER: Readonly<Record<ExitCode, number>> = { exited: 1, killed: 2, dumped: 3, unknown: 0 };

/** SIGHUP, SIGINT, SIGTERM and SIGPIPE end a daemon cleanly (03 §3.5). */
const DAEMON_CLEAN_SIGNALS: readonly number[] = [SIG.HUP, SIG.INT, SIG.TERM, SIG.PIPE];

export interface ExitFacts {
  readonly code: ExitCode;
  readonly status: number;
  /** The process is a daemon: main process of a non-oneshot, or forking's ExecStart= process. */
  readonly daemon: boolean;
  readonly successStatus: ExitStatusSet;
  /** The command had the '-' prefix. */
  readonly ignoreFailure: boolean;
}

/** The result `f` of one process exit (03 §3.5). An adopted PID that vanished ('unknown') is clean. */
export function classifyExit(e: ExitFacts): ServiceResult {
  const f = rawClassify(e);
  return e.ignoreFailure ? 'success' : f;
}

function rawClassify(e: ExitFacts): ServiceResult {
  if (e.code === 'unknown') return 'success';
  if (e.code === 'exited') return e.status === 0 || e.successStatus.statuses.includes(e.status) ? 'success' : 'exit-code';
  if (e.daemon && DAEMON_CLEAN_SIGNALS.includes(e.status)) return 'success';
  if (e.successStatus.signals.includes(e.status)) return 'success';
  return e.code === 'killed' ? 'signal' : 'core-dump';
}

/** True if a recorded main exit matches an exit-status list (RestartPreventExitStatus= …). */
export function matchesStatusSet(set: ExitStatusSet, code: ExitCode | null, status: number): boolean {
  if (code === 'exited') return set.statuses.includes(status);
  if (code === 'killed' || code === 'dumped') return set.signals.includes(status);
  return false;
}

/** EXIT_CODE/EXIT_STATUS for ExecStop=/ExecStopPost= (03 §3.4 item 2). */
export function exitEnv(code: ExitCode | null, status: number): Record<string, string> {
  if (code === null || code === 'unknown') return {};
  return { EXIT_CODE: code, EXIT_STATUS: code === 'exited' ? String(status) : signalName(status) };
}
