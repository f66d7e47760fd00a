// State timer and watchdog expiry of a service (03 §5.2, §9.2): one handler per sub-state,
// following the TimeoutStartFailureMode=/TimeoutStopFailureMode= and SendSIGKILL= rules.
import { formatTimespan } from '../time.ts';
import type { TimeoutFailureMode } from '../unit-file/config.ts';
import {
  autoRestartElapsed, enterDead, enterRunning, enterSignal, enterStop, enterStopPost, killReloadProcess,
} from './service-enter.ts';
import { watchdogIntervalUsec, type Svc } from './service-core.ts';
import { SERVICE_STATES, type ServiceState } from './service-states.ts';

type Handler = (c: Svc) => void;
const warn = (c: Svc, message: string): void => c.ctx.log(c.unit, 'warning', message);
const noRestart = { restartAllowed: false };

/** A start phase timed out: per TimeoutStartFailureMode= (03 §5.2 first row). */
function startPhaseTimedOut(c: Svc): void {
  const what = `${c.r.state} operation timed out.`;
  const mode: TimeoutFailureMode = c.cfg.timeoutStartFailureMode;
  if (mode === 'terminate') { warn(c, `${what} Terminating.`); return enterSignal(c, 'stop-sigterm', 'timeout'); }
  if (mode === 'abort') { warn(c, `${what} Aborting.`); return enterSignal(c, 'stop-watchdog', 'timeout'); }
  if (c.cfg.kill.sendSIGKILL) { warn(c, `${what} Killing.`); return enterSignal(c, 'stop-sigkill', 'timeout'); }
  warn(c, `${what} Skipping SIGKILL.`);
  enterStopPost(c, 'timeout');
}

/** stop or stop-post timed out: per TimeoutStopFailureMode=; `post` picks the final-* states. */
function stopPhaseTimedOut(c: Svc, post: boolean): void {
  const what = post ? `State '${c.r.state}' timed out.` : 'Stopping timed out.';
  const mode = c.cfg.timeoutStopFailureMode;
  if (mode === 'terminate') { warn(c, `${what} Terminating.`); return enterSignal(c, post ? 'final-sigterm' : 'stop-sigterm', 'timeout'); }
  if (mode === 'abort') { warn(c, `${what} Aborting.`); return enterSignal(c, post ? 'final-watchdog' : 'stop-watchdog', 'timeout'); }
  killOrSkip(c, what, post);
}

/** The SIGKILL step, or skipping it with SendSIGKILL=no (final-* then end without restart). */
function killOrSkip(c: Svc, what: string, final: boolean): void {
  if (c.cfg.kill.sendSIGKILL) {
    warn(c, `${what} Killing.`);
    return enterSignal(c, final ? 'final-sigkill' : 'stop-sigkill', 'timeout');
  }
  if (final) {
    warn(c, `${what} Skipping SIGKILL. Entering failed mode.`);
    return enterDead(c, 'timeout', noRestart);
  }
  warn(c, `${what} Skipping SIGKILL.`);
  enterStopPost(c, 'timeout');
}

/** A signal state's wait ran out; abort mode first goes through the watchdog signal. */
function signalStateTimedOut(c: Svc, final: boolean): void {
  const what = `State '${c.r.state}' timed out.`;
  if (c.cfg.timeoutStopFailureMode === 'abort') {
    warn(c, `${what} Aborting.`);
    return enterSignal(c, final ? 'final-watchdog' : 'stop-watchdog', 'timeout');
  }
  killOrSkip(c, what, final);
}

export const STATE_TIMEOUT: Partial<Record<ServiceState, Handler>> = {
  'condition': startPhaseTimedOut,
  'start-pre': startPhaseTimedOut,
  'start': startPhaseTimedOut,
  'start-post': startPhaseTimedOut,
  'running': (c) => { warn(c, 'Service reached runtime time limit. Stopping.'); enterStop(c, 'timeout'); },
  'reload': (c) => {
    warn(c, 'Reload operation timed out. Killing reload process.');
    killReloadProcess(c);
    c.r.reloadResult = 'timeout';
    enterRunning(c, 'success');
  },
  'stop': (c) => stopPhaseTimedOut(c, false),
  'stop-sigterm': (c) => signalStateTimedOut(c, false),
  'stop-watchdog': (c) => killOrSkip(c, `State '${c.r.state}' timed out.`, false),
  'stop-sigkill': (c) => { warn(c, 'Processes still around after SIGKILL. Ignoring.'); enterStopPost(c, 'timeout'); },
  'stop-post': (c) => stopPhaseTimedOut(c, true),
  'final-sigterm': (c) => signalStateTimedOut(c, true),
  'final-watchdog': (c) => killOrSkip(c, `State '${c.r.state}' timed out.`, true),
  'final-sigkill': (c) => {
    warn(c, 'Processes still around after final SIGKILL. Entering failed mode.');
    enterDead(c, 'timeout', { restartAllowed: true });
  },
  'auto-restart': autoRestartElapsed,
};

export function stateTimerFired(c: Svc): void {
  c.r.stateDeadline = Infinity;
  STATE_TIMEOUT[c.r.state]?.(c);
}

/** The watchdog ran out (03 §9.2): "Watchdog timeout (limit …)!" → stop-watchdog. */
export function watchdogFired(c: Svc): void {
  c.r.watchdogDeadline = Infinity;
  if (!SERVICE_STATES[c.r.state].watchdog) return;
  c.ctx.log(c.unit, 'error', `Watchdog timeout (limit ${formatTimespan(watchdogIntervalUsec(c))})!`);
  enterSignal(c, 'stop-watchdog', 'watchdog');
}
