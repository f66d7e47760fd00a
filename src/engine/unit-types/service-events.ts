// Process outcomes of a service (03 §6.3): which state a main or control process exit leads to,
// as one handler per state, plus process start confirmation and asynchronous spawn failures.
import type { ExecId, Pid } from '../types.ts';
import { SPAWN_FAILED, awaitPidFile, enterDead, enterRunning, enterSignal, enterStartPre, enterStart,
  enterStop, enterStopPost, failSpawn, forkingParentDone, loadPidFile, mainGoneBeforeReady, proceedUnlessLeftovers, startMainFrom,
} from './service-enter.ts';
import { armStateTimer, deadlineFor, runControlList, type Svc } from './service-core.ts';
import { classifyExit, formatExitStatus, type ExitCode } from './service-exit.ts';
import { recordResult, type ExecRecord, type ServiceRuntime } from './service-runtime.ts';
import type { ServiceResult, ServiceState } from './service-states.ts';

type Handler = (c: Svc, f: ServiceResult) => void;

const ifNoControl = (next: Handler): Handler => (c, f) => { if (c.r.control === null) next(c, f); };
const ifNoMain = (next: Handler): Handler => (c, f) => { if (c.r.main === null) next(c, f); };
const toStopPost: Handler = (c, f) => proceedUnlessLeftovers(c, f, () => enterStopPost(c, f));
const toDead: Handler = (c, f) => proceedUnlessLeftovers(c, f, () => enterDead(c, f, { restartAllowed: true }));

/** The main process ended (its status already recorded); rows of 03 §6.3 with a main-* event. */
const MAIN_EXITED: Partial<Record<ServiceState, Handler>> = {
  'start': (c, f) => {
    if (c.cfg.type === 'oneshot') {
      if (f !== 'success') enterSignal(c, 'stop-sigterm', f);
      else startMainFrom(c, c.r.lastMainIndex + 1);
    } else if (c.cfg.type === 'notify') {
      if (f !== 'success') enterSignal(c, 'stop-sigterm', f);
      else mainGoneBeforeReady(c);
    } else enterRunning(c, f); // exec: died before the exec was confirmed
  },
  'start-post': ifNoControl((c, f) => enterStop(c, f)), // runs ExecStop= even for a failure
  'reload': ifNoControl((c, f) => enterStop(c, f)),
  'running': (c, f) => enterRunning(c, f),
  'stop-watchdog': ifNoControl(toStopPost),
  'stop-sigterm': ifNoControl(toStopPost),
  'stop-sigkill': ifNoControl(toStopPost),
  'stop-post': ifNoControl((c, f) => enterSignal(c, 'final-sigterm', f)),
  'final-watchdog': ifNoControl(toDead),
  'final-sigterm': ifNoControl(toDead),
  'final-sigkill': ifNoControl(toDead),
};

/** The control list ended (last command, or a failing one); rows of 03 §6.3 with ctl-* events. */
const CONTROL_FINISHED: Partial<Record<ServiceState, Handler>> = {
  'condition': (c, f) => (f === 'success' ? enterStartPre(c) : enterSignal(c, 'stop-sigterm', f)),
  'start-pre': (c, f) => (f === 'success' ? enterStart(c) : enterSignal(c, 'stop-sigterm', f)),
  'start': (c, f) => {
    if (c.cfg.type !== 'forking') return;
    if (f !== 'success') enterSignal(c, 'stop-sigterm', f);
    else forkingParentDone(c);
  },
  'start-post': (c, f) => {
    if (f !== 'success') return enterSignal(c, 'stop-sigterm', f);
    if (c.cfg.pidFile && !loadPidFile(c, { quiet: false })) return awaitPidFile(c);
    enterRunning(c, 'success');
  },
  'reload': (c, f) => {
    if (f === 'success') loadPidFile(c, { quiet: true });
    c.r.reloadResult = f;
    enterRunning(c, 'success');
  },
  'stop': (c, f) => enterSignal(c, 'stop-sigterm', f),
  'stop-watchdog': ifNoMain(toStopPost),
  'stop-sigterm': ifNoMain(toStopPost),
  'stop-sigkill': ifNoMain(toStopPost),
  'stop-post': ifNoMain((c, f) => enterSignal(c, 'final-sigterm', f)),
  'final-watchdog': ifNoMain(toDead),
  'final-sigterm': ifNoMain(toDead),
  'final-sigkill': ifNoMain(toDead),
};

/**
 * The driver confirmed that exec `execId` runs as `pid`. Usually the pid was known at spawn
 * already; then this only confirms the exec, and a MAINPID= that arrived meanwhile is not
 * overwritten. True when it confirmed the main process while the service is in start, which
 * moves a Type=exec service on (the caller asks the type: a simple one's configuration is not
 * needed here at all).
 */
export function processStarted(r: ServiceRuntime, execId: ExecId, pid: Pid): boolean {
  const tracked = r.main?.execId === execId ? r.main : r.control?.execId === execId ? r.control : null;
  if (!tracked) return false;
  if (tracked.pid === 0) tracked.pid = pid;
  if (tracked === r.control) {
    if (r.controlPid === 0) r.controlPid = pid;
    return false;
  }
  if (r.mainPid === 0) r.mainPid = pid;
  if (r.mainExec.pid === 0) r.mainExec.pid = pid;
  return r.state === 'start';
}

export function processExited(c: Svc, execId: ExecId, code: ExitCode, status: number): void {
  if (c.r.main?.execId === execId) mainExited(c, code, status);
  else if (c.r.control?.execId === execId) controlExited(c, code, status);
}

function stampExit(c: Svc, rec: ExecRecord, code: ExitCode, status: number): void {
  rec.exitRealtime = c.ctx.realtime();
  rec.exitMonotonic = c.ctx.now();
  rec.code = code;
  rec.status = status;
}

function logExit(c: Svc, who: 'Main' | 'Control', code: ExitCode, status: number, f: ServiceResult): void {
  const level = f === 'success' ? 'debug' : 'notice';
  c.ctx.log(c.unit, level, `${who} process exited, code=${code}, status=${formatExitStatus(code, status)}`);
}

function mainExited(c: Svc, code: ExitCode, status: number): void {
  const { r } = c;
  const main = r.main!;
  // A forking daemon may move to a new PID as long as it rewrites its PID file first (03 §6.3).
  r.main = null;
  if (c.cfg.pidFile && loadPidFile(c, { quiet: true, exclude: r.mainPid })) return;
  r.mainPid = 0;
  stampExit(c, r.mainExec, code, status);
  stampExit(c, main, code, status);
  r.lastMainIndex = main.index;
  const command = main.index >= 0 ? c.cfg.execStart[main.index] : undefined;
  const f = classifyExit({
    code, status, daemon: c.cfg.type !== 'oneshot', successStatus: c.cfg.successExitStatus, ignoreFailure: command?.ignoreFailure ?? false,
  });
  logExit(c, 'Main', code, status, f);
  recordResult(r, f);
  MAIN_EXITED[r.state]?.(c, f);
}

function controlExited(c: Svc, code: ExitCode, status: number): void {
  const { r } = c;
  const control = r.control!;
  r.control = null;
  r.controlPid = 0;
  stampExit(c, control, code, status);
  const command = c.cfg[control.list][control.index];
  let f = classifyExit({
    code, status, daemon: control.list === 'execStart', successStatus: c.cfg.successExitStatus, ignoreFailure: command?.ignoreFailure ?? false,
  });
  // ExecCondition= exit 1–254 means "skip", not failure (03 §4).
  if (r.state === 'condition' && f !== 'success' && code === 'exited' && status >= 1 && status <= 254) f = 'exec-condition';
  logExit(c, 'Control', code, status, f);
  if (f === 'success' && control.index + 1 < c.cfg[control.list].length) {
    const next = runControlList(c, control.list, control.index + 1);
    if (next.kind === 'spawned') return armStateTimer(c, deadlineFor(c, r.state)); // re-armed per command
    if (next.kind === 'failed') return failSpawn(c, r.state, next.message);
  }
  CONTROL_FINISHED[r.state]?.(c, f);
}

/** SpawnFailed after the spawn was accepted: the resources path of the phase (03 §3.3). */
export function spawnFailed(c: Svc, execId: ExecId, message: string): void {
  const { r } = c;
  if (r.main?.execId === execId) {
    r.main = null;
    c.ctx.log(c.unit, 'warning', `Failed to run 'start' task: ${message}`);
    if (r.state === 'start') enterSignal(c, 'stop-sigterm', 'resources');
    else enterRunning(c, 'resources');
  } else if (r.control?.execId === execId) {
    r.control = null;
    c.ctx.log(c.unit, 'warning', `Failed to run '${r.state}' task: ${message}`);
    SPAWN_FAILED[r.state]?.(c);
  }
}

/**
 * The unit's last process ended. A signal state that only waited for leftover processes (its
 * main and control processes were already gone) moves on, as systemd does on "cgroup empty".
 */
export function processesGone(c: Svc): void {
  if (c.r.main !== null || c.r.control !== null) return;
  LEFTOVERS_GONE[c.r.state]?.(c);
}

const toStopPostAfterLeftovers = (c: Svc): void => enterStopPost(c, 'success');
const toDeadAfterLeftovers = (c: Svc): void => enterDead(c, 'success', { restartAllowed: true });

const LEFTOVERS_GONE: Partial<Record<ServiceState, (c: Svc) => void>> = {
  'stop-sigterm': toStopPostAfterLeftovers,
  'stop-sigkill': toStopPostAfterLeftovers,
  'stop-watchdog': toStopPostAfterLeftovers,
  'final-sigterm': toDeadAfterLeftovers,
  'final-sigkill': toDeadAfterLeftovers,
  'final-watchdog': toDeadAfterLeftovers,
};
