// The service transitions of 03 §6: the enter* functions (start sequence, running, stop paths,
// signal states, dead and auto-restart) and the forking PID-file step. Events that trigger them
// are dispatched in service-events.ts; timer expiry in service-timeouts.ts.
import type { Pid } from '../types.ts';
import { SIG } from './service-exit.ts';
import {
  PIDFILE_POLL_USEC, PIDFILE_TIMER, adoptMainPid, armStateTimer, armWatchdog, deadlineFor, mustWaitForLeftovers, runControlList, sendStateSignal,
  setState, spawnCommand, type Svc,
} from './service-core.ts';
import { restartDelayUsec, shallRestart } from './service-restart.ts';
import { recordResult, type ExecList } from './service-runtime.ts';
import { SERVICE_STATES, isCleanEndResult, type ServiceResult, type ServiceState } from './service-states.ts';

/** Where a failed spawn of a phase's command leads (03 §3.3, §6.2, §10.1); also async SpawnFailed. */
export const SPAWN_FAILED: Partial<Record<ServiceState, (c: Svc) => void>> = {
  'condition': (c) => enterDead(c, 'resources', { restartAllowed: true }),
  'start-pre': (c) => enterDead(c, 'resources', { restartAllowed: true }),
  'start': (c) => enterSignal(c, 'stop-sigterm', 'resources'),
  'start-post': (c) => enterStop(c, 'resources'),
  'reload': (c) => { c.r.reloadResult = 'resources'; enterRunning(c, 'success'); },
  'stop': (c) => enterSignal(c, 'stop-sigterm', 'resources'),
  'stop-post': (c) => enterSignal(c, 'final-sigterm', 'resources'),
};

const TASK_NAMES: Partial<Record<ServiceState, string>> = {
  'condition': 'condition', 'start-pre': 'start-pre', 'start': 'start', 'start-post': 'start-post',
  'reload': 'reload', 'stop': 'stop', 'stop-post': 'stop-post',
};

export function failSpawn(c: Svc, phase: ServiceState, message: string): void {
  c.ctx.log(c.unit, 'warning', `Failed to run '${TASK_NAMES[phase] ?? phase}' task: ${message}`);
  SPAWN_FAILED[phase]?.(c);
}

/**
 * Runs a control list for `phase`: enter the phase, or go on at once when nothing ran. `next`
 * takes the Svc instead of closing over it: every start passes through three such phases.
 */
function enterControlPhase(c: Svc, phase: ServiceState, list: ExecList, next: (c: Svc) => void): void {
  const out = runControlList(c, list, 0);
  if (out.kind === 'spawned') setState(c, phase);
  else if (out.kind === 'done') next(c);
  else failSpawn(c, phase, out.message);
}

export const enterCondition = (c: Svc): void => enterControlPhase(c, 'condition', 'execCondition', enterStartPre);
export const enterStartPre = (c: Svc): void => enterControlPhase(c, 'start-pre', 'execStartPre', enterStart);

/** ExecStart=: forking runs it as the control process; simple/idle are started at once (03 §6.3). */
export function enterStart(c: Svc): void {
  c.r.main = null;
  c.r.mainPid = 0;
  c.r.mainPidKnown = false;
  if (c.cfg.execStart.length === 0) {
    setState(c, 'start');
    enterStartPost(c);
    return;
  }
  if (c.cfg.type === 'forking') {
    const out = spawnCommand(c, 'execStart', 0, 'control');
    if (out.kind === 'failed') failSpawn(c, 'start', out.message);
    else if (out.kind === 'spawned') setState(c, 'start');
    else forkingParentDone(c);
    return;
  }
  startMainFrom(c, 0);
}

/** Spawns ExecStart= number `index` on as the main process (oneshot runs them in turn). */
export function startMainFrom(c: Svc, index: number): void {
  // dbus is SKIP-OK (03 §1): without a bus it is started like simple.
  const quick = c.cfg.type === 'simple' || c.cfg.type === 'idle' || c.cfg.type === 'dbus';
  for (let i = index; i < c.cfg.execStart.length; i++) {
    const out = spawnCommand(c, 'execStart', i, 'main');
    if (out.kind === 'failed') return failSpawn(c, 'start', out.message);
    if (out.kind === 'skipped') continue;
    if (quick) {
      setStateQuietly(c);
      enterStartPost(c);
    } else if (c.r.state === 'start') armStateTimer(c, deadlineFor(c, 'start')); // next oneshot command
    else setState(c, 'start');
    return;
  }
  // Every remaining command was a missing '-' executable: the start phase ran nothing.
  c.r.mainPidKnown = true;
  if (c.cfg.type === 'oneshot') enterStartPost(c);
  else if (c.cfg.type === 'notify') mainGoneBeforeReady(c);
  else enterRunning(c, 'success');
}

// simple/idle do not show the start state: ExecStart= has no deadline (03 §5.1) and the next
// visible state is start-post or running.
function setStateQuietly(c: Svc): void {
  armStateTimer(c, Infinity);
}

/** Type=notify main process exited cleanly before READY=1 (03 §6.3). */
export function mainGoneBeforeReady(c: Svc): void {
  if (!c.cfg.remainAfterExit || c.cfg.notifyAccess === 'main') {
    c.ctx.log(c.unit, 'warning', 'Main process exited before sending READY=1.');
    enterSignal(c, 'stop-sigterm', 'protocol');
  } else if (c.r.state !== 'start') setState(c, 'start');
}

const runningAfterStartPost = (c: Svc): void => enterRunning(c, 'success');

export function enterStartPost(c: Svc): void {
  armWatchdog(c);
  enterControlPhase(c, 'start-post', 'execStartPost', runningAfterStartPost);
}

/** Main PID known and alive, or unknown while processes remain (03 §6.2). */
export function isGood(c: Svc): boolean {
  return c.r.main !== null || (!c.r.mainPidKnown && c.ctx.hasProcesses(c.unit));
}

/** "The start sequence is over, or the main process ended" (03 §6.2). */
export function enterRunning(c: Svc, f: ServiceResult): void {
  recordResult(c.r, f);
  if (c.r.result !== 'success') return enterSignal(c, 'stop-sigterm', f);
  if (isGood(c)) {
    if (c.r.notifyState === 'reloading') return enterReloadByNotify(c);
    if (c.r.notifyState === 'stopping') return enterStopByNotify(c);
    if (c.r.state !== 'running' && c.r.state !== 'reload') c.r.activeSince = c.ctx.now();
    return setState(c, 'running');
  }
  if (c.cfg.remainAfterExit) {
    if (c.r.state !== 'exited' && c.r.state !== 'reload') c.r.activeSince = c.ctx.now();
    return setState(c, 'exited');
  }
  enterStop(c, 'success');
}

export function enterReloadByNotify(c: Svc): void {
  setState(c, 'reload');
  c.ctx.propagateReload(c.unit);
}

/** STOPPING=1: stop-sigterm without signals, waiting TimeoutStopSec (03 §6.3). */
export function enterStopByNotify(c: Svc): void {
  setState(c, 'stop-sigterm');
}

export function enterStop(c: Svc, f: ServiceResult): void {
  recordResult(c.r, f);
  enterControlPhase(c, 'stop', 'execStop', (x) => enterSignal(x, 'stop-sigterm', 'success'));
}

export function enterStopPost(c: Svc, f: ServiceResult): void {
  recordResult(c.r, f);
  enterControlPhase(c, 'stop-post', 'execStopPost', (x) => enterSignal(x, 'final-sigterm', 'success'));
}

/** Which signal a signal state sends (03 §6.1 step 2). */
function signalFor(c: Svc, state: ServiceState): number {
  const k = c.cfg.kill;
  const kind = SERVICE_STATES[state].signal;
  if (kind === 'sigkill') return k.finalKillSignal;
  if (kind === 'watchdog') return k.watchdogSignal;
  return state === 'stop-sigterm' && c.ctx.jobType(c.unit) === 'restart' ? k.restartKillSignal : k.killSignal;
}

export function enterSignal(c: Svc, state: ServiceState, f: ServiceResult): void {
  recordResult(c.r, f);
  const kind = SERVICE_STATES[state].signal ?? 'sigterm';
  const count = sendStateSignal(c, signalFor(c, state), kind);
  const tracked = c.r.main !== null || c.r.control !== null;
  if (count > 0 && (tracked || mustWaitForLeftovers(c, kind))) setState(c, state);
  else skipSignalState(c, state);
}

/** Nothing to wait for in a signal state: the next step of 03 §6.1 step 5. */
export function skipSignalState(c: Svc, state: ServiceState): void {
  const kill = c.cfg.kill.sendSIGKILL;
  if (state === 'stop-sigterm' || state === 'stop-watchdog') {
    if (kill) enterSignal(c, 'stop-sigkill', 'success');
    else enterStopPost(c, 'success');
  } else if (state === 'stop-sigkill') enterStopPost(c, 'success');
  else if (state === 'final-sigterm' || state === 'final-watchdog') {
    if (kill) enterSignal(c, 'final-sigkill', 'success');
    else enterDead(c, 'success', { restartAllowed: true });
  } else enterDead(c, 'success', { restartAllowed: true });
}

/** After the tracked processes of a signal state are gone: proceed unless leftovers remain. */
export function proceedUnlessLeftovers(c: Svc, f: ServiceResult, next: () => void): void {
  const kind = SERVICE_STATES[c.r.state].signal;
  if (kind !== null && mustWaitForLeftovers(c, kind)) {
    recordResult(c.r, f);
    return;
  }
  next();
}

/** enterDead (03 §6.4): dead or failed, then possibly auto-restart. */
export function enterDead(c: Svc, f: ServiceResult, o: { restartAllowed: boolean }): void {
  const { r } = c;
  const stopJob = c.ctx.jobType(c.unit) === 'stop';
  recordResult(r, f);
  const end = isCleanEndResult(r.result) ? 'dead' : 'failed';
  if (r.result === 'success') c.ctx.log(c.unit, 'info', 'Deactivated successfully.');
  else if (r.result === 'exec-condition') c.ctx.log(c.unit, 'info', `Skipped due to '${r.result}'.`);
  else c.ctx.log(c.unit, 'warning', `Failed with result '${r.result}'.`);
  const willRestart = o.restartAllowed && shallRestart(c.cfg, {
    manualStop: r.manualStop, stopJobInstalled: stopJob, result: r.result, mainCode: r.mainExec.code, mainStatus: r.mainExec.status,
  });
  setState(c, end, { willAutoRestart: willRestart });
  // service_enter_dead: the PID file is stale now, and the runtime directories go (03 §6.4).
  c.ctx.removeRuntimeData(c.unit, { willRestart, pidFile: c.cfg.pidFile });
  if (willRestart && r.state === end) {
    const delay = restartDelayUsec(c.cfg, r.nRestarts + 1);
    setState(c, 'auto-restart', { deadline: c.ctx.now() + delay });
  } else if (!willRestart) r.flushNRestarts = true;
  r.manualStop = false;
}

/** RestartSec= elapsed in auto-restart (03 §7.2). */
export function autoRestartElapsed(c: Svc): void {
  if (c.ctx.jobType(c.unit) === 'stop') {
    c.ctx.log(c.unit, 'info', 'Stop job pending for unit, skipping automatic restart.');
    return;
  }
  if (!c.ctx.enqueueAutoRestart(c.unit)) {
    c.ctx.log(c.unit, 'warning', 'Failed to schedule restart job.');
    return enterDead(c, 'resources', { restartAllowed: false });
  }
  c.r.nRestarts++;
  c.ctx.log(c.unit, 'info', `Scheduled restart job, restart counter is at ${c.r.nRestarts}.`);
}

/** Reads PIDFile= and adopts the PID it names; false if there is none to adopt (03 §9.3). */
export function loadPidFile(c: Svc, o: { quiet: boolean; exclude?: Pid }): boolean {
  const path = c.cfg.pidFile;
  if (!path) return false;
  const text = c.ctx.readFile(path);
  const pid = text === null ? NaN : Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) {
    if (!o.quiet) c.ctx.log(c.unit, 'debug', `PID file ${path} not readable (yet?) after start.`);
    return false;
  }
  if (pid === c.r.mainPid && c.r.main !== null) return true;
  if (pid === o.exclude) return false;
  if (!c.ctx.isPidAlive(pid)) {
    if (!o.quiet) c.ctx.log(c.unit, 'warning', `PID ${pid} read from file ${path} does not exist or is a zombie.`);
    return false;
  }
  adoptMainPid(c, pid);
  return true;
}

/** Forking: the ExecStart= process exited successfully (03 §6.3 "start (forking) ctl-ok"). */
export function forkingParentDone(c: Svc): void {
  if (c.r.state !== 'start') setState(c, 'start');
  if (!c.cfg.pidFile) return enterStartPost(c); // GuessMainPID: no main PID without a process list
  if (loadPidFile(c, { quiet: c.cfg.execStartPost.length > 0 }) || c.cfg.execStartPost.length > 0) return enterStartPost(c);
  awaitPidFile(c);
}

/** The PID file is still missing: fail if nothing is left, else look again shortly. */
export function awaitPidFile(c: Svc): void {
  if (!c.ctx.hasProcesses(c.unit)) {
    c.ctx.log(c.unit, 'warning', 'Daemon never wrote its PID file. Failing.');
    c.r.waitingForPidFile = false;
    if (c.r.state === 'start-post') enterStop(c, 'protocol');
    else enterSignal(c, 'stop-sigterm', 'protocol');
    return;
  }
  c.r.waitingForPidFile = true;
  c.ctx.armTimer(c.unit, PIDFILE_TIMER, c.ctx.now() + PIDFILE_POLL_USEC);
}

/** The poll timer of awaitPidFile fired. */
export function pidFilePoll(c: Svc): void {
  if (!c.r.waitingForPidFile) return;
  if (!loadPidFile(c, { quiet: true })) return awaitPidFile(c);
  c.r.waitingForPidFile = false;
  if (c.r.state === 'start') enterStartPost(c);
  else if (c.r.state === 'start-post' && c.r.control === null) enterRunning(c, 'success');
}

/** A kill of the reload process on timeout (03 §5.2). */
export function killReloadProcess(c: Svc): void {
  if (c.r.control) c.ctx.signal(c.unit, [c.r.control.execId], SIG.KILL, { wholeUnit: false });
}
