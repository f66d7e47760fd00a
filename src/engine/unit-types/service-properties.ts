// What `show` and `status` print for a service (03 §11, 06 §7): properties in systemd's order with
// values formatted as systemctl prints them, and the "Process:" lines of status.
import { formatTimespan, formatTimestamp } from '../time.ts';
import type { ExecCommand, ExecContext, ExitStatusSet, ServiceConfig } from '../unit-file/config.ts';
import type { Pid } from '../types.ts';
import { formatSignal } from '../signals.ts';
import { EXIT_CODE_NUMBER, formatExitStatus } from './service-exit.ts';
import { EXEC_LISTS, execRecordOf, type ExecList, type ExecRecord, type ServiceRuntime } from './service-runtime.ts';

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');
const stamp = (usec: number): string => (usec > 0 ? formatTimestamp(usec) : '');
const bracketStamp = (usec: number): string => (usec > 0 ? `[${formatTimestamp(usec)}]` : '[n/a]');

const EXEC_PROPERTY: Readonly<Record<ExecList, string>> = {
  execCondition: 'ExecCondition', execStartPre: 'ExecStartPre', execStart: 'ExecStart', execStartPost: 'ExecStartPost',
  execReload: 'ExecReload', execStop: 'ExecStop', execStopPost: 'ExecStopPost',
};

function formatStatusSet(set: ExitStatusSet): string {
  return [...set.statuses.map(String), ...set.signals.map(formatSignal)].join(' ');
}

/** "0/0" before the command ran; "1/FAILURE"-style once it ended; unnamed statuses bare. */
function showStatus(rec: ExecRecord | undefined): string {
  if (!rec?.code) return '0/0';
  const named = formatExitStatus(rec.code, rec.status);
  return named.endsWith('/n/a') ? String(rec.status) : named;
}

export function commandTail(rec: ExecRecord | undefined): string {
  return `start_time=${bracketStamp(rec?.startRealtime ?? 0)} ; stop_time=${bracketStamp(rec?.exitRealtime ?? 0)} ; pid=${rec?.pid ?? 0} ; code=${rec?.code ?? '(null)'} ; status=${showStatus(rec)}`;
}

export function execFlags(c: ExecCommand): string {
  const flags: string[] = [];
  if (c.ignoreFailure) flags.push('ignore-failure');
  if (c.fullPrivileges) flags.push('privileged');
  if (c.noEnvExpand) flags.push('no-env-expand');
  return flags.join(' ');
}

function execProperties(cfg: ServiceConfig, r: ServiceRuntime, list: ExecList): [string, string][] {
  const name = EXEC_PROPERTY[list];
  const commands = cfg[list];
  if (commands.length === 0) return [[name, ''], [`${name}Ex`, '']];
  const plain = commands.map((c, i): [string, string] => [name,
    `{ path=${c.path} ; argv[]=${c.argv.join(' ')} ; ignore_errors=${yesNo(c.ignoreFailure)} ; ${commandTail(execRecordOf(r, list, i))} }`]);
  const ex = commands.map((c, i): [string, string] => [`${name}Ex`,
    `{ path=${c.path} ; argv[]=${c.argv.join(' ')} ; flags=${execFlags(c)} ; ${commandTail(execRecordOf(r, list, i))} }`]);
  return [...plain, ...ex];
}

/** The exec context part of show (services, and sockets for their control commands). */
export function execContextProperties(x: ExecContext): [string, string][] {
  const wd = x.workingDirectory;
  return [
    ['Environment', x.environment.join(' ')],
    ['EnvironmentFiles', x.environmentFiles.map((f) => `${f.path} (ignore_errors=${yesNo(f.optional)})`).join(' ')],
    ['PassEnvironment', x.passEnvironment.join(' ')],
    ['UnsetEnvironment', x.unsetEnvironment.join(' ')],
    ['UMask', (x.umask ?? 0o022).toString(8).padStart(4, '0')],
    ['WorkingDirectory', wd ? `${wd.optional ? '!' : ''}${wd.path}` : ''],
    ['Nice', String(x.nice ?? 0)],
    ['StandardInput', x.standardInput],
    ['StandardOutput', x.standardOutput],
    ['StandardError', x.standardError],
    ['SyslogIdentifier', x.syslogIdentifier ?? ''],
    ['User', x.user ?? ''],
    ['Group', x.group ?? ''],
    ['SupplementaryGroups', x.supplementaryGroups.join(' ')],
    ['RuntimeDirectory', x.runtimeDirectory.join(' ')],
  ];
}

export function serviceProperties(cfg: ServiceConfig, r: ServiceRuntime): [string, string][] {
  const k = cfg.kill;
  const m = r.mainExec;
  return [
    ['Type', cfg.type], ['ExitType', 'main'], ['Restart', cfg.restart], ['PIDFile', cfg.pidFile ?? ''],
    ['NotifyAccess', cfg.notifyAccess], ['RestartUSec', formatTimespan(cfg.restartUsec)],
    ['TimeoutStartUSec', formatTimespan(cfg.timeoutStartUsec)], ['TimeoutStopUSec', formatTimespan(cfg.timeoutStopUsec)],
    ['TimeoutAbortUSec', formatTimespan(cfg.timeoutAbortUsec)],
    ['TimeoutStartFailureMode', cfg.timeoutStartFailureMode], ['TimeoutStopFailureMode', cfg.timeoutStopFailureMode],
    ['RuntimeMaxUSec', formatTimespan(cfg.runtimeMaxUsec)], ['RuntimeRandomizedExtraUSec', formatTimespan(0)],
    ['WatchdogUSec', formatTimespan(r.watchdogOverrideUsec ?? cfg.watchdogUsec)],
    ['WatchdogTimestamp', stamp(r.watchdogRealtime)], ['WatchdogTimestampMonotonic', String(r.watchdogMonotonic)],
    ['RootDirectoryStartOnly', 'no'], ['RemainAfterExit', yesNo(cfg.remainAfterExit)], ['GuessMainPID', yesNo(cfg.guessMainPid)],
    ['RestartPreventExitStatus', formatStatusSet(cfg.restartPreventExitStatus)],
    ['RestartForceExitStatus', formatStatusSet(cfg.restartForceExitStatus)],
    ['SuccessExitStatus', formatStatusSet(cfg.successExitStatus)],
    ['MainPID', String(r.mainPid)], ['ControlPID', String(r.controlPid)], ['BusName', ''],
    ['FileDescriptorStoreMax', '0'], ['NFileDescriptorStore', '0'],
    ['StatusText', r.statusText], ['StatusErrno', String(r.statusErrno)],
    ['Result', r.result], ['ReloadResult', r.reloadResult], ['CleanResult', 'success'],
    ['UID', '[not set]'], ['GID', '[not set]'], ['NRestarts', String(r.nRestarts)], ['OOMPolicy', 'stop'],
    ['ExecMainStartTimestamp', stamp(m.startRealtime)], ['ExecMainStartTimestampMonotonic', String(m.startMonotonic)],
    ['ExecMainExitTimestamp', stamp(m.exitRealtime)], ['ExecMainExitTimestampMonotonic', String(m.exitMonotonic)],
    ['ExecMainPID', String(m.pid)], ['ExecMainCode', String(m.code ? EXIT_CODE_NUMBER[m.code] : 0)],
    ['ExecMainStatus', String(m.status)],
    ...EXEC_LISTS.flatMap((list) => execProperties(cfg, r, list)),
    ...execContextProperties(cfg.exec),
    ['KillMode', k.killMode], ['KillSignal', String(k.killSignal)], ['RestartKillSignal', String(k.restartKillSignal)],
    ['FinalKillSignal', String(k.finalKillSignal)], ['SendSIGKILL', yesNo(k.sendSIGKILL)], ['SendSIGHUP', yesNo(k.sendSIGHUP)],
    ['WatchdogSignal', String(k.watchdogSignal)],
  ];
}

/** status: "Process: 123 ExecStartPre=/bin/false (code=exited, status=1/FAILURE)" lines. */
export function serviceStatus(cfg: ServiceConfig, r: ServiceRuntime): { mainPid: Pid; execLines: string[]; result: string | null } {
  const execLines: string[] = [];
  for (const list of EXEC_LISTS) {
    cfg[list].forEach((command, i) => {
      const rec = execRecordOf(r, list, i);
      if (!rec?.code || rec.pid === 0) return;
      if (list === 'execStart' && r.main !== null && rec.pid === r.mainPid) return;
      execLines.push(`Process: ${rec.pid} ${EXEC_PROPERTY[list]}=${command.line} (code=${rec.code}, status=${formatExitStatus(rec.code, rec.status)})`);
    });
  }
  return { mainPid: r.mainPid, execLines, result: r.result };
}
