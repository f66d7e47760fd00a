// Socket units (05 Part A): the UnitTypeOps the manager calls. Activation on traffic (socket.c
// socket_enter_running), following the triggered service (socket_trigger_notify), control
// process outcomes and timeouts. Transitions live in socket-enter.ts.
import { assert, fail, ok } from '../errors.ts';
import type { SocketConfig } from '../unit-file/config.ts';
import type { UnitContext, UnitTypeOps, UnitView } from './index.ts';
import { formatExitStatus, type ExitCode } from './service-exit.ts';
import { acceptConnection, connectionEnded, connectionFds } from './socket-accept.ts';
import {
  STATE_TIMER, enterDead, enterListening, enterSignal, enterStartChown, enterStartPost, enterStartPre, enterStopPost,
  enterStopPre, initSocketRuntime, runList, setState, signalStateDone, type Sock, type SocketRuntime,
} from './socket-enter.ts';
import { socketProperties, socketStatus } from './socket-properties.ts';
import { SERVICE_GONE_STATES, SOCKET_STATES, type SocketResult, type SocketState } from './socket-states.ts';

export type { SocketRuntime } from './socket-enter.ts';

function configOf(unit: UnitView): SocketConfig {
  const cfg = unit.config.socket;
  assert(cfg !== null, `${unit.id} has no [Socket] configuration`);
  return cfg;
}

const sock = (ctx: UnitContext, unit: UnitView, r: SocketRuntime): Sock => ({ ctx, unit, r, cfg: configOf(unit) });

/** socket_start()'s checks of the service to activate (05 §A.5); null when the start may go on. */
function serviceRefusal(c: Sock): string | null {
  if (c.cfg.accept || c.cfg.service === null) return null;
  const svc = c.ctx.peer(c.cfg.service);
  if (!svc || !svc.loaded) return `Socket service ${c.cfg.service} not loaded, refusing.`;
  if (!['dead', 'failed', 'auto-restart'].includes(svc.subState)) return `Socket service ${c.cfg.service} already active, refusing.`;
  return null;
}

/** ratelimit_below() over TriggerLimitIntervalSec=/TriggerLimitBurst= (0 in either: no limit). */
function takeTriggerToken(c: Sock): boolean {
  const { r, cfg } = c;
  if (cfg.triggerLimitIntervalUsec <= 0 || cfg.triggerLimitBurst <= 0) return true;
  const now = c.ctx.now();
  if (r.triggerCount === 0 || now - r.triggerBegin >= cfg.triggerLimitIntervalUsec) {
    r.triggerBegin = now;
    r.triggerCount = 0;
  }
  if (r.triggerCount >= cfg.triggerLimitBurst) return false;
  r.triggerCount++;
  return true;
}

/** unit_active_or_pending() for the service: then traffic enqueues nothing. */
function serviceActiveOrPending(c: Sock, name: string): boolean {
  const p = c.ctx.peer(name);
  if (!p) return false;
  return ['active', 'reloading', 'activating'].includes(p.activeState) || p.jobType === 'start' || p.jobType === 'restart';
}

/** socket_enter_running() for traffic on a listening fd (05 §A.4). */
function traffic(c: Sock, fd: number): void {
  const { ctx, unit, cfg, r } = c;
  if (ctx.jobType(unit) === 'stop') {
    ctx.log(unit, 'debug', 'Suppressing connection request since unit stop is scheduled.');
    ctx.sockets.flush(r.fds);
    return;
  }
  if (!takeTriggerToken(c)) {
    ctx.log(unit, 'warning', 'Trigger limit hit, refusing further activation.');
    enterStopPre(c, 'trigger-limit-hit');
    return;
  }
  if (cfg.accept) {
    acceptConnection(c, fd);
    return;
  }
  const service = cfg.service!;
  if (!serviceActiveOrPending(c, service)) {
    const err = ctx.enqueueTriggered(unit, service, `socket activation: traffic on ${unit.id}`);
    if (err !== null) {
      ctx.log(unit, 'warning', `Failed to queue service startup job (Maybe the service file is missing or not a non-template unit?): ${err}`);
      enterStopPre(c, 'resources');
      return;
    }
  }
  setState(c, 'running');
}

/** socket_trigger_notify(): follow the Accept=no service (05 §A.4, second half). */
function followService(c: Sock, other: string): void {
  if (c.cfg.accept) {
    connectionEnded(c, other);
    return;
  }
  if (other !== c.cfg.service || (c.r.state !== 'listening' && c.r.state !== 'running')) return;
  const svc = c.ctx.peer(other);
  if (!svc || !svc.loaded || svc.type !== 'service') return;
  if (svc.startLimitHit) {
    enterStopPre(c, 'service-start-limit-hit');
    return;
  }
  if (svc.jobType !== null) return;
  if (SERVICE_GONE_STATES.has(svc.subState)) enterListening(c);
  else if (svc.subState === 'running' && c.r.state !== 'running') setState(c, 'running');
}

function controlResult(code: ExitCode, status: number, ignoreFailure: boolean): SocketResult {
  if (ignoreFailure || code === 'unknown' || (code === 'exited' && status === 0)) return 'success';
  return code === 'exited' ? 'exit-code' : code === 'killed' ? 'signal' : 'core-dump';
}

/** The control list of a state is finished: which state comes next (socket_sigchld_event). */
const CONTROL_DONE: Partial<Record<SocketState, (c: Sock, f: SocketResult) => void>> = {
  'start-pre': (c, f) => (f === 'success' ? enterStartChown(c) : enterSignal(c, 'final-sigterm', f)),
  'start-chown': (c, f) => (f === 'success' ? enterStartPost(c) : enterStopPre(c, f)),
  'start-post': (c, f) => (f === 'success' ? enterListening(c) : enterStopPre(c, f)),
  'stop-pre': (c, f) => enterStopPost(c, f),
  'stop-pre-sigterm': (c, f) => enterStopPost(c, f),
  'stop-pre-sigkill': (c, f) => enterStopPost(c, f),
  'stop-post': (c, f) => enterDead(c, f),
  'final-sigterm': (c, f) => enterDead(c, f),
  'final-sigkill': (c, f) => enterDead(c, f),
};

function processExited(c: Sock, execId: number, code: ExitCode, status: number): void {
  const { r } = c;
  const ctl = r.control;
  if (!ctl || ctl.execId !== execId) return;
  const rec = r.execs.get(`${ctl.list}:${ctl.index}`);
  if (rec) Object.assign(rec, { exitRealtime: c.ctx.realtime(), exitMonotonic: c.ctx.now(), code, status });
  const command = c.cfg[ctl.list][ctl.index]!;
  const f = controlResult(code, status, command.ignoreFailure);
  c.ctx.log(c.unit, f === 'success' ? 'debug' : 'warning', `Control process exited, code=${code}, status=${formatExitStatus(code, status)}`);
  if (r.result === 'success') r.result = f;
  r.control = null;
  r.controlPid = 0;
  if (f === 'success' && ctl.index + 1 < c.cfg[ctl.list].length) {
    const next = runList(c, ctl.list, ctl.index + 1);
    if (next === 'spawned') return;
    if (next !== 'done') c.ctx.log(c.unit, 'warning', `Failed to run next command: ${next.failed}`);
  }
  CONTROL_DONE[r.state]?.(c, f);
}

const say = (c: Sock, message: string): void => c.ctx.log(c.unit, 'warning', message);

/** socket_dispatch_timer(): what the state timer does in each state (05 §A.3 timer rows). */
const TIMEOUT: Partial<Record<SocketState, (c: Sock) => void>> = {
  'start-pre': (c) => { say(c, 'Starting timed out. Terminating.'); enterSignal(c, 'final-sigterm', 'timeout'); },
  'start-chown': (c) => { say(c, 'Starting timed out. Stopping.'); enterStopPre(c, 'timeout'); },
  'start-post': (c) => { say(c, 'Starting timed out. Stopping.'); enterStopPre(c, 'timeout'); },
  'stop-pre': (c) => { say(c, 'Stopping timed out. Terminating.'); enterSignal(c, 'stop-pre-sigterm', 'timeout'); },
  'stop-pre-sigterm': (c) => {
    if (c.cfg.kill.sendSIGKILL) { say(c, 'Stopping timed out. Killing.'); enterSignal(c, 'stop-pre-sigkill', 'timeout'); return; }
    say(c, 'Stopping timed out. Skipping SIGKILL. Ignoring.');
    enterStopPost(c, 'timeout');
  },
  'stop-pre-sigkill': (c) => { say(c, 'Processes still around after SIGKILL. Ignoring.'); enterStopPost(c, 'timeout'); },
  'stop-post': (c) => { say(c, 'Stopping timed out (2). Terminating.'); enterSignal(c, 'final-sigterm', 'timeout'); },
  'final-sigterm': (c) => {
    if (c.cfg.kill.sendSIGKILL) { say(c, 'Stopping timed out (2). Killing.'); enterSignal(c, 'final-sigkill', 'timeout'); return; }
    say(c, 'Stopping timed out (2). Skipping SIGKILL. Ignoring.');
    enterDead(c, 'timeout');
  },
  'final-sigkill': (c) => { say(c, 'Still around after SIGKILL (2). Entering failed mode.'); enterDead(c, 'timeout'); },
};

export const socketType: UnitTypeOps<SocketRuntime> = {
  hasStartLimit: true,
  messages: { started: 'Listening on %s.', stopped: 'Closed %s.', failed: 'Failed to listen on %s.' },
  init: () => initSocketRuntime(),
  activeState: (r) => SOCKET_STATES[r.state].active,
  subState: (r) => r.state,
  canStart: () => true,
  canReload: () => false,
  start(ctx, unit, r) {
    const answer = SOCKET_STATES[r.state].onStart;
    if (answer === 'again') return 'again';
    if (answer === 'wait') return 'started'; // already starting: the job waits for the state change
    const c = sock(ctx, unit, r);
    const refusal = serviceRefusal(c);
    if (refusal) {
      ctx.log(unit, 'error', refusal);
      return 'error';
    }
    r.result = 'success';
    r.execs.clear();
    enterStartPre(c);
    return 'started';
  },
  stop(ctx, unit, r) {
    const action = SOCKET_STATES[r.state].onStop;
    if (action === 'wait') return 'started';
    const c = sock(ctx, unit, r);
    if (action === 'kill-start') {
      enterSignal(c, 'stop-pre-sigterm', 'success');
      return 'again';
    }
    enterStopPre(c, 'success');
    return 'started';
  },
  reload: () => 'not-active',
  startLimitHit: (ctx, unit, r) => enterDead(sock(ctx, unit, r), 'start-limit-hit'),
  processStarted(_ctx, _unit, r, execId, pid) {
    if (r.control?.execId !== execId) return;
    r.controlPid = pid;
    const rec = r.execs.get(`${r.control.list}:${r.control.index}`);
    if (rec) rec.pid = pid;
  },
  processExited: (ctx, unit, r, execId, code, status) => processExited(sock(ctx, unit, r), execId, code, status),
  spawnFailed: (ctx, unit, r, execId, message) => {
    if (r.control?.execId !== execId) return;
    ctx.log(unit, 'warning', `Failed to spawn control process: ${message}`);
    processExited(sock(ctx, unit, r), execId, 'exited', 1);
  },
  timerFired: (ctx, unit, r, key) => { if (key === STATE_TIMER) TIMEOUT[r.state]?.(sock(ctx, unit, r)); },
  processesGone(ctx, unit, r) {
    if (r.control === null) signalStateDone(sock(ctx, unit, r), 'success');
  },
  notify: () => {},
  kill(ctx, unit, r, whom, signal) {
    if (whom === 'main') return fail('NoSuchProcess', ['No main process to kill']);
    if (whom === 'control' && r.control === null) return fail('NoSuchProcess', ['No control process to kill']);
    const ids = r.control ? [r.control.execId] : [];
    return ok(ctx.signal(unit, ids, signal, { wholeUnit: whom === 'all' }));
  },
  resetFailed(ctx, unit, r) {
    r.result = 'success';
    if (r.state === 'failed') setState(sock(ctx, unit, r), 'dead');
  },
  isRestartPending: () => false,
  exitStatus: () => null, // sockets hand no exit status to exit/exit-force (unit_exit_status)
  triggerNotify: (ctx, unit, r, other) => followService(sock(ctx, unit, r), other.id),
  socketTriggered(ctx, unit, r, fd, error) {
    if (r.state !== 'listening') return;
    const c = sock(ctx, unit, r);
    r.watching = false; // the driver reports once per watch
    if (error !== null) {
      ctx.log(unit, 'error', error);
      enterStopPre(c, 'resources');
      return;
    }
    ctx.log(unit, 'debug', 'Incoming traffic');
    traffic(c, fd);
    if (r.state === 'listening' && !r.watching) {
      ctx.sockets.watch(unit.id, r.fds);
      r.watching = true;
    }
  },
  runtimeDeps: (r) => [...r.connections.keys()].flatMap((svc) => [['Before', svc], ['Triggers', svc]] as const),
  passedFds(unit, r, target) {
    const cfg = configOf(unit);
    if (cfg.accept) return connectionFds({ r }, target);
    if (!SOCKET_STATES[r.state].fds) return { fds: [], names: [] };
    return { fds: r.fds, names: r.fds.map(() => cfg.fileDescriptorName ?? unit.id) };
  },
  properties: (unit, r) => socketProperties(unit, configOf(unit), r),
  status: (unit, r) => socketStatus(configOf(unit), r),
};
