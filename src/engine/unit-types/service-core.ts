// Mechanics the service transitions are built from: setting a sub-state (with the row-driven
// clean-up and the engine notification), the state and watchdog timers, spawning commands with
// the 03 §3.4 item 2 environment, and sending signals per KillMode=. No transition decisions.
import type { ServiceConfig } from '../unit-file/config.ts';
import type { Pid, Usec } from '../types.ts';
import type { OwnPidVariable } from '../ports.ts';
import type { SpawnOutcome, StateChangeFlags, UnitContext, UnitView } from './index.ts';
import { SIG, exitEnv } from './service-exit.ts';
import { addExec, copyExecRecord, trackCommand, type ExecList, type ServiceRuntime } from './service-runtime.ts';
import { SERVICE_STATES, type ServiceState, type StateTimeout } from './service-states.ts';

/** Everything a transition needs, bundled so helpers take one argument. */
export interface Svc {
  readonly ctx: UnitContext;
  readonly unit: UnitView;
  readonly r: ServiceRuntime;
  readonly cfg: ServiceConfig;
}

export const STATE_TIMER = 'state';
export const WATCHDOG_TIMER = 'watchdog';
export const PIDFILE_TIMER = 'pidfile';
/** How often a forking service's PID file is looked for while it is missing (no inotify here). */
export const PIDFILE_POLL_USEC: Usec = 100_000;

// Deadline of the state timer per timeout column (03 §5.1). 'restart' is armed by enterDead with
// the backoff delay, so entering auto-restart through setState alone arms nothing.
const TIMEOUT_DEADLINE: Readonly<Record<StateTimeout, (c: Svc, now: Usec) => Usec>> = {
  none: () => Infinity,
  start: (c, now) => now + c.cfg.timeoutStartUsec,
  stop: (c, now) => now + c.cfg.timeoutStopUsec,
  abort: (c, now) => now + c.cfg.timeoutAbortUsec,
  runtime: (c) => (c.cfg.type === 'oneshot' ? Infinity : c.r.activeSince + c.cfg.runtimeMaxUsec),
  restart: () => Infinity,
};

export const deadlineFor = (c: Svc, state: ServiceState): Usec => TIMEOUT_DEADLINE[SERVICE_STATES[state].timeout](c, c.ctx.now());

/** Arms the state timer, or cancels it (at = Infinity) only when it is armed: most states have none. */
export function armStateTimer(c: Svc, at: Usec): void {
  const armed = Number.isFinite(c.r.stateDeadline);
  c.r.stateDeadline = at;
  if (Number.isFinite(at)) c.ctx.armTimer(c.unit, STATE_TIMER, at);
  else if (armed) c.ctx.cancelTimer(c.unit, STATE_TIMER);
}

export function watchdogIntervalUsec(c: Svc): Usec {
  return c.r.watchdogOverrideUsec ?? c.cfg.watchdogUsec;
}

/** (Re)starts the watchdog countdown (entering start-post, WATCHDOG=1, WATCHDOG_USEC=). */
export function armWatchdog(c: Svc): void {
  const interval = watchdogIntervalUsec(c);
  c.r.watchdogRealtime = c.ctx.realtime();
  c.r.watchdogMonotonic = c.ctx.now();
  if (interval > 0 && Number.isFinite(interval)) {
    c.r.watchdogDeadline = c.ctx.now() + interval;
    c.ctx.armTimer(c.unit, WATCHDOG_TIMER, c.r.watchdogDeadline);
  } else cancelWatchdog(c);
}

function cancelWatchdog(c: Svc): void {
  if (!Number.isFinite(c.r.watchdogDeadline)) return;
  c.r.watchdogDeadline = Infinity;
  c.ctx.cancelTimer(c.unit, WATCHDOG_TIMER);
}

export interface SetStateOptions {
  /** State timer deadline; defaults to the row's timeout column. */
  readonly deadline?: Usec;
  /** Leave the state timer as it is (the caller armed it, or it keeps running). */
  readonly keepTimer?: boolean;
  readonly willAutoRestart?: boolean;
}

const DEFAULTS: SetStateOptions = Object.freeze({});

/** Enters a sub-state: forgets processes the row says cannot exist, adjusts timers, notifies. */
export function setState(c: Svc, state: ServiceState, o: SetStateOptions = DEFAULTS): void {
  const { r } = c;
  const old = r.state;
  const row = SERVICE_STATES[state];
  if (!o.keepTimer) armStateTimer(c, o.deadline ?? deadlineFor(c, state));
  r.state = state;
  if (!row.main) { r.main = null; r.mainPid = 0; }
  if (!row.control) { r.control = null; r.controlPid = 0; }
  if (!row.watchdog) cancelWatchdog(c);
  if (r.waitingForPidFile && state !== 'start' && state !== 'start-post') {
    r.waitingForPidFile = false;
    c.ctx.cancelTimer(c.unit, PIDFILE_TIMER);
  }
  const reloadFailed = old === 'reload' && state !== 'reload' && r.reloadResult !== 'success';
  c.ctx.stateChanged(c.unit, stateFlags(reloadFailed, o.willAutoRestart ?? false));
}

// The four flag sets a state change can carry, shared instead of built per change.
const NO_FLAGS: StateChangeFlags = Object.freeze({});
const RELOAD_FAILED: StateChangeFlags = Object.freeze({ reloadFailed: true });
const WILL_RESTART: StateChangeFlags = Object.freeze({ willAutoRestart: true });
const BOTH_FLAGS: StateChangeFlags = Object.freeze({ reloadFailed: true, willAutoRestart: true });
const stateFlags = (reloadFailed: boolean, willAutoRestart: boolean): StateChangeFlags =>
  reloadFailed ? (willAutoRestart ? BOTH_FLAGS : RELOAD_FAILED) : willAutoRestart ? WILL_RESTART : NO_FLAGS;

const STOP_LISTS: readonly ExecList[] = ['execStop', 'execStopPost'];
// The commands systemd spawns with EXEC_SETENV_MONITOR_RESULT (service.c; 252 leaves out ExecStartPost=).
const START_LISTS: readonly ExecList[] = ['execCondition', 'execStartPre', 'execStart'];

const NO_ENV: Readonly<Record<string, string>> = Object.freeze({});

/** The per-service variables of 03 §3.4 item 2 (the manager adds the rest). */
function extraEnv(c: Svc, list: ExecList, watchdog: boolean): Readonly<Record<string, string>> {
  const stopList = STOP_LISTS.includes(list);
  // A first ExecStart= has none of them: most spawns share one empty record.
  if (c.r.mainPid <= 0 && !c.cfg.pidFile && !stopList && !watchdog) return NO_ENV;
  const env: Record<string, string> = {};
  if (c.r.mainPid > 0) env.MAINPID = String(c.r.mainPid);
  if (c.cfg.pidFile) env.PIDFILE = c.cfg.pidFile;
  if (stopList) {
    env.SERVICE_RESULT = c.r.result;
    Object.assign(env, exitEnv(c.r.mainExec.code, c.r.mainExec.status));
  }
  // WatchdogSec=infinity is USEC_INFINITY, a 64-bit all-ones number in the environment.
  if (watchdog) env.WATCHDOG_USEC = Number.isFinite(watchdogIntervalUsec(c)) ? String(watchdogIntervalUsec(c)) : '18446744073709551615';
  return env;
}

/** exec_spawn with EXEC_SET_WATCHDOG (the main process only) and a watchdog: WATCHDOG_USEC and WATCHDOG_PID. */
const hasWatchdogEnv = (c: Svc, role: 'main' | 'control'): boolean => role === 'main' && watchdogIntervalUsec(c) > 0;

const WATCHDOG_PID: readonly OwnPidVariable[] = Object.freeze(['WATCHDOG_PID']);

/** Makes `pid` (not spawned by us: PIDFile=, MAINPID=) the main process, adopted from now on. */
export function adoptMainPid(c: Svc, pid: Pid): void {
  const execId = c.ctx.adopt(c.unit, pid);
  c.r.main = trackCommand(execId, 'execStart', -1, pid, c.ctx.realtime(), c.ctx.now());
  c.r.mainPid = pid;
  c.r.mainPidKnown = true;
  copyExecRecord(c.r.mainExec, c.r.main);
}

/** Spawns command `index` of `list`; on success records it as the main or control process. */
export function spawnCommand(c: Svc, list: ExecList, index: number, role: 'main' | 'control'): SpawnOutcome {
  const command = c.cfg[list][index];
  if (!command) return { kind: 'skipped' };
  const notify = role === 'main' ? c.cfg.notifyAccess !== 'none' : c.cfg.notifyAccess === 'exec' || c.cfg.notifyAccess === 'all';
  const watchdog = hasWatchdogEnv(c, role);
  const out = c.ctx.spawn(c.unit, command, {
    role, env: extraEnv(c, list, watchdog), notify, monitor: START_LISTS.includes(list), ownPidEnv: watchdog ? WATCHDOG_PID : undefined,
  });
  if (out.kind !== 'spawned') return out;
  // The pid is known right after fork, as in systemd: ExecStartPost= of a simple service sees MAINPID.
  const tracked = trackCommand(out.execId, list, index, out.pid, c.ctx.realtime(), c.ctx.now());
  addExec(c.r, tracked);
  if (role === 'main') {
    c.r.main = tracked;
    c.r.mainPid = out.pid;
    c.r.mainPidKnown = true;
    copyExecRecord(c.r.mainExec, tracked); // a copy: ExecMain* and this command's status change apart
  } else {
    c.r.control = tracked;
    c.r.controlPid = out.pid;
  }
  return out;
}

export type ListOutcome = { readonly kind: 'spawned' } | { readonly kind: 'done' } | { readonly kind: 'failed'; readonly message: string };

// Every start asks three lists (most of them empty): the answers without data are shared.
const SPAWNED: ListOutcome = Object.freeze({ kind: 'spawned' });
const DONE: ListOutcome = Object.freeze({ kind: 'done' });

/** Runs the first command of `list` from `from` on that can run ('-' commands may be skipped). */
export function runControlList(c: Svc, list: ExecList, from: number): ListOutcome {
  for (let i = from; i < c.cfg[list].length; i++) {
    const out = spawnCommand(c, list, i, 'control');
    if (out.kind !== 'skipped') return out.kind === 'spawned' ? SPAWNED : out;
  }
  return DONE;
}

export type SignalKind = 'sigterm' | 'sigkill' | 'watchdog';

/**
 * Sends `signal` per KillMode= (03 §6.1 step 3) and returns how many were signalled. mixed sends
 * the kill signal to the whole unit but the stop and watchdog signals to main/control only.
 */
export function sendStateSignal(c: Svc, signal: number, kind: SignalKind): number {
  const mode = c.cfg.kill.killMode;
  if (mode === 'none') return 0;
  const ids = [c.r.main?.execId, c.r.control?.execId].filter((x): x is number => x !== undefined);
  const wholeUnit = mode === 'control-group' || (mode === 'mixed' && kind === 'sigkill');
  const count = c.ctx.signal(c.unit, ids, signal, { wholeUnit });
  if (count > 0 && signal !== SIG.KILL && signal !== SIG.CONT) c.ctx.signal(c.unit, ids, SIG.CONT, { wholeUnit });
  if (count > 0 && kind === 'sigterm' && c.cfg.kill.sendSIGHUP && signal !== SIG.HUP) c.ctx.signal(c.unit, ids, SIG.HUP, { wholeUnit });
  return count;
}

/**
 * Whether a signal state must keep waiting once the tracked main and control processes are gone.
 * If other processes of the unit remain, the driver is asked to report when the last one ends
 * (processesGone); the state timer still escalates if they linger. Leftovers that were not sent
 * this state's signal (KillMode=process/none, or mixed before SIGKILL) are not waited for.
 */
export function mustWaitForLeftovers(c: Svc, kind: SignalKind): boolean {
  const mode = c.cfg.kill.killMode;
  const signalled = mode === 'control-group' || (mode === 'mixed' && kind === 'sigkill');
  if (!signalled || !c.ctx.hasProcesses(c.unit)) return false;
  c.ctx.watchProcessesGone(c.unit);
  return true;
}
