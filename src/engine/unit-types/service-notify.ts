// sd_notify messages for a service (03 §9.1): NotifyAccess= filtering by sender PID, then the
// fields READY/RELOADING/STOPPING (last wins), STATUS, ERRNO, MAINPID, EXTEND_TIMEOUT_USEC, WATCHDOG*.
import type { Pid } from '../types.ts';
import { enterReloadByNotify, enterRunning, enterSignal, enterStartPost, enterStopByNotify } from './service-enter.ts';
import { WATCHDOG_TIMER, adoptMainPid, armStateTimer, armWatchdog, type Svc } from './service-core.ts';
import type { NotifyState } from './service-runtime.ts';
import { SERVICE_STATES } from './service-states.ts';

/** `KEY=VALUE` lines; later assignments of a key win, the readiness words keep their order. */
export function parseNotifyMessage(message: string): { fields: Map<string, string>; readiness: NotifyState | null } {
  const fields = new Map<string, string>();
  let readiness: NotifyState | null = null;
  for (const line of message.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    fields.set(key, value);
    if (value !== '1') continue;
    if (key === 'READY') readiness = 'ready';
    else if (key === 'RELOADING') readiness = 'reloading';
    else if (key === 'STOPPING') readiness = 'stopping';
  }
  return { fields, readiness };
}

/** NotifyAccess= check; a null sender (unidentified by the daemon) passes unless reception is off. */
function isAccepted(c: Svc, pid: Pid | null): boolean {
  const access = c.cfg.notifyAccess;
  if (access === 'none') {
    c.ctx.log(c.unit, 'warning', `Got notification message from PID ${pid ?? 'unknown'}, but reception is disabled.`);
    return false;
  }
  if (pid === null || access === 'all') return true;
  if (pid === c.r.mainPid && c.r.mainPid > 0) return true;
  if (access === 'exec' && pid === c.r.controlPid && c.r.controlPid > 0) return true;
  const allowed = access === 'main' ? `main PID ${c.r.mainPid || 'n/a'}` : `main PID ${c.r.mainPid || 'n/a'} and control PID ${c.r.controlPid || 'n/a'}`;
  c.ctx.log(c.unit, 'warning', `Got notification message from PID ${pid}, but reception only permitted for ${allowed}`);
  return false;
}

const MAINPID_STATES: ReadonlySet<string> = new Set(['start', 'start-post', 'running', 'reload']);

function parseUsec(v: string | undefined): number | null {
  if (v === undefined || !/^\d+$/.test(v)) return null;
  return Number(v);
}

export function handleNotify(c: Svc, pid: Pid | null, message: string, uid: number | null = null): void {
  if (!isAccepted(c, pid)) return;
  const { fields, readiness } = parseNotifyMessage(message);
  const { r } = c;
  const mainPid = fields.get('MAINPID');
  if (mainPid !== undefined && MAINPID_STATES.has(r.state)) setMainPid(c, mainPid, uid);
  const status = fields.get('STATUS');
  if (status !== undefined) r.statusText = status;
  const errno = fields.get('ERRNO');
  if (errno !== undefined && /^\d+$/.test(errno)) r.statusErrno = Number(errno);
  const wdUsec = parseUsec(fields.get('WATCHDOG_USEC'));
  if (wdUsec !== null) {
    r.watchdogOverrideUsec = wdUsec;
    if (SERVICE_STATES[r.state].watchdog) armWatchdog(c);
  }
  if (fields.get('WATCHDOG') === '1' && SERVICE_STATES[r.state].watchdog) armWatchdog(c);
  const extend = parseUsec(fields.get('EXTEND_TIMEOUT_USEC'));
  if (extend !== null) extendTimeout(c, extend);
  if (readiness !== null) applyReadiness(c, readiness);
  if (fields.get('WATCHDOG') === 'trigger' && SERVICE_STATES[r.state].watchdog) {
    c.ctx.log(c.unit, 'error', `Watchdog request (last status: ${r.statusText || 'n/a'})!`);
    enterSignal(c, 'stop-watchdog', 'watchdog');
  }
}

/** MAINPID= (service.c service_is_suitable_main_pid): a pid outside the unit only from root. */
function setMainPid(c: Svc, value: string, uid: number | null): void {
  const pid = Number(value);
  if (!Number.isInteger(pid) || pid <= 1 || pid === c.r.mainPid) return;
  if (pid === c.r.controlPid) {
    c.ctx.log(c.unit, 'warning', `New main PID ${pid} is the control process, refusing.`);
    return;
  }
  if (!c.ctx.isPidAlive(pid)) {
    c.ctx.log(c.unit, 'warning', `New main PID ${pid} does not exist or is a zombie.`);
    return;
  }
  if (!(c.ctx.ownsProcess?.(c.unit, pid) ?? true)) {
    if (uid !== 0) {
      c.ctx.log(c.unit, 'debug', `New main PID ${pid} does not belong to service, refusing.`);
      return;
    }
    c.ctx.log(c.unit, 'debug', `New main PID ${pid} does not belong to service, but we'll accept it as the request to change it came from a privileged process.`);
  }
  adoptMainPid(c, pid);
}

/** EXTEND_TIMEOUT_USEC=: move a start/stop deadline (and the watchdog) out if that is later. */
function extendTimeout(c: Svc, usec: number): void {
  const at = c.ctx.now() + usec;
  const kind = SERVICE_STATES[c.r.state].timeout;
  if ((kind === 'start' || kind === 'stop') && Number.isFinite(c.r.stateDeadline) && at > c.r.stateDeadline) armStateTimer(c, at);
  if (Number.isFinite(c.r.watchdogDeadline) && at > c.r.watchdogDeadline) {
    c.r.watchdogDeadline = at;
    c.ctx.armTimer(c.unit, WATCHDOG_TIMER, at);
  }
}

/** READY=1 / RELOADING=1 / STOPPING=1 (03 §6.3); remembered for enterRunning when early. */
function applyReadiness(c: Svc, readiness: NotifyState): void {
  const { r } = c;
  r.notifyState = readiness;
  if (readiness === 'ready') {
    if (c.cfg.type === 'notify' && r.state === 'start') enterStartPost(c);
    else if (r.state === 'reload' && r.control === null) enterRunning(c, 'success');
  } else if (readiness === 'reloading') {
    if (r.state === 'running') enterReloadByNotify(c);
  } else if (readiness === 'stopping') {
    if (r.state === 'running' || r.state === 'reload') enterStopByNotify(c);
  }
}
