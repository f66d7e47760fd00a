// Socket transitions (05 §A.3, systemd's socket.c socket_enter_*): the runtime record, entering
// states with the row-driven clean-up (timer, control process, watch, fds), control commands and
// the kill phases. Activation decisions live in socket.ts.
import type { ExecCommand, SocketConfig } from '../unit-file/config.ts';
import type { ExecId, Pid, Usec } from '../types.ts';
import type { UnitContext, UnitView } from './index.ts';
import { SIG } from './service-exit.ts';
import { emptyExecRecord, type ExecRecord } from './service-runtime.ts';
import { SOCKET_STATES, type SocketResult, type SocketState } from './socket-states.ts';

export const SOCKET_EXEC_LISTS = ['execStartPre', 'execStartPost', 'execStopPre', 'execStopPost'] as const;
export type SocketExecList = (typeof SOCKET_EXEC_LISTS)[number];

export interface SocketRuntime {
  state: SocketState;
  result: SocketResult;
  /** Open listening fds, in Listen…= order (daemon fd numbers; opaque to the engine). */
  fds: number[];
  /** The fds are handed to the driver's watcher (only in `listening`). */
  watching: boolean;
  control: { readonly execId: ExecId; readonly list: SocketExecList; readonly index: number } | null;
  controlPid: Pid;
  execs: Map<string, ExecRecord>;
  nAccepted: number;
  nConnections: number;
  nRefused: number;
  /** TriggerLimitIntervalSec=/TriggerLimitBurst= window (systemd's ratelimit). */
  triggerBegin: Usec;
  triggerCount: number;
  /** Accept=yes: per-connection service instance → its connection fd (closed when it ends). */
  connections: Map<string, number>;
  remotes: Map<string, { readonly addr: string | null; readonly port: string | null }>;
}

export interface Sock {
  readonly ctx: UnitContext;
  readonly unit: UnitView;
  readonly r: SocketRuntime;
  readonly cfg: SocketConfig;
}

export const STATE_TIMER = 'state';

export const initSocketRuntime = (): SocketRuntime => ({
  state: 'dead', result: 'success', fds: [], watching: false, control: null, controlPid: 0, execs: new Map(),
  nAccepted: 0, nConnections: 0, nRefused: 0, triggerBegin: 0, triggerCount: 0, connections: new Map(), remotes: new Map(),
});

const setResult = (c: Sock, f: SocketResult): void => {
  if (c.r.result === 'success') c.r.result = f;
};

/** AF_UNIX path nodes and symlinks that RemoveOnStop= unlinks. */
export function removablePaths(cfg: SocketConfig): string[] {
  return [...cfg.listen.filter((l) => l.address.startsWith('/')).map((l) => l.address), ...cfg.symlinks]; // FIFOs too
}

/** socket_set_state(): the row says what may live on; the engine hears of every change. */
export function setState(c: Sock, state: SocketState): void {
  const { r, ctx, unit } = c;
  const row = SOCKET_STATES[state];
  r.state = state;
  if (!row.control) {
    ctx.cancelTimer(unit, STATE_TIMER);
    r.control = null;
    r.controlPid = 0;
  }
  if (state !== 'listening' && r.watching) {
    ctx.sockets.unwatch(unit.id);
    r.watching = false;
  }
  if (!row.fds && r.fds.length > 0) {
    ctx.sockets.close(r.fds, { removePaths: c.cfg.removeOnStop ? removablePaths(c.cfg) : [] });
    r.fds = [];
  }
  ctx.stateChanged(unit);
}

const armTimer = (c: Sock): void => {
  if (Number.isFinite(c.cfg.timeoutUsec)) c.ctx.armTimer(c.unit, STATE_TIMER, c.ctx.now() + c.cfg.timeoutUsec);
  else c.ctx.cancelTimer(c.unit, STATE_TIMER);
};

type RunOutcome = 'spawned' | 'done' | { readonly failed: string };

/** Runs the first command of `list` from `from` that can run ('-' commands may be skipped). */
export function runList(c: Sock, list: SocketExecList, from: number): RunOutcome {
  const commands: readonly ExecCommand[] = c.cfg[list];
  for (let i = from; i < commands.length; i++) {
    const out = c.ctx.spawn(c.unit, commands[i]!, { role: 'control', env: {}, notify: false });
    if (out.kind === 'skipped') continue;
    if (out.kind === 'failed') return { failed: out.message };
    c.r.control = { execId: out.execId, list, index: i };
    c.r.controlPid = 0;
    c.r.execs.set(`${list}:${i}`, { ...emptyExecRecord(), startRealtime: c.ctx.realtime(), startMonotonic: c.ctx.now() });
    armTimer(c);
    return 'spawned';
  }
  return 'done';
}

const TASK: Readonly<Record<SocketExecList, string>> = {
  execStartPre: 'start-pre', execStartPost: 'start-post', execStopPre: 'stop-pre', execStopPost: 'stop-post',
};

/** Runs `list` entering `state`, or goes on at once with `next`; a set-up failure takes `failed`. */
function step(c: Sock, list: SocketExecList, state: SocketState, next: () => void, failed: () => void): void {
  const out = runList(c, list, 0);
  if (out === 'spawned') setState(c, state);
  else if (out === 'done') next();
  else {
    c.ctx.log(c.unit, 'warning', `Failed to run '${TASK[list]}' task: ${out.failed}`);
    failed();
  }
}

export function enterStartPre(c: Sock): void {
  step(c, 'execStartPre', 'start-pre', () => enterStartChown(c), () => enterDead(c, 'resources'));
}

/** Opens every listener (all or nothing); ownership is applied by the driver while opening. */
export function enterStartChown(c: Sock): void {
  const { cfg, unit } = c;
  const opened = c.ctx.sockets.open({
    unit: unit.id, listen: cfg.listen, socketMode: cfg.socketMode, directoryMode: cfg.directoryMode, backlog: cfg.backlog,
    user: cfg.socketUser, group: cfg.socketGroup, symlinks: cfg.symlinks, bindIPv6Only: cfg.bindIPv6Only, reusePort: cfg.reusePort,
  });
  if (!opened.ok) {
    c.ctx.log(unit, 'warning', `Failed to listen on sockets: ${opened.message}`);
    enterStopPre(c, 'resources');
    return;
  }
  c.r.fds = [...opened.fds];
  enterStartPost(c);
}

export function enterStartPost(c: Sock): void {
  step(c, 'execStartPost', 'start-post', () => enterListening(c), () => enterStopPre(c, 'resources'));
}

/** (Re)enters listening: flush if asked, watch the fds for traffic. */
export function enterListening(c: Sock): void {
  if (c.cfg.flushPending) c.ctx.sockets.flush(c.r.fds);
  c.ctx.sockets.watch(c.unit.id, c.r.fds);
  c.r.watching = true;
  if (c.r.state !== 'listening') setState(c, 'listening');
}

export function enterStopPre(c: Sock, f: SocketResult): void {
  setResult(c, f);
  step(c, 'execStopPre', 'stop-pre', () => enterStopPost(c, 'success'), () => enterStopPost(c, 'resources'));
}

export function enterStopPost(c: Sock, f: SocketResult): void {
  setResult(c, f);
  step(c, 'execStopPost', 'stop-post', () => enterSignal(c, 'final-sigterm', 'success'), () => enterSignal(c, 'final-sigterm', 'resources'));
}

export type SignalState = 'stop-pre-sigterm' | 'stop-pre-sigkill' | 'final-sigterm' | 'final-sigkill';

/** What follows a signal state when nothing (more) is there to kill. */
const AFTER_SIGNAL: Readonly<Record<SignalState, (c: Sock) => void>> = {
  'stop-pre-sigterm': (c) => enterSignal(c, 'stop-pre-sigkill', 'success'),
  'stop-pre-sigkill': (c) => enterStopPost(c, 'success'),
  'final-sigterm': (c) => enterSignal(c, 'final-sigkill', 'success'),
  'final-sigkill': (c) => enterDead(c, 'success'),
};

/** socket_enter_signal(): signal the control process (and per KillMode= the rest), then wait. */
export function enterSignal(c: Sock, state: SignalState, f: SocketResult): void {
  setResult(c, f);
  const k = c.cfg.kill;
  const kill = state.endsWith('sigkill');
  const signal = kill ? k.finalKillSignal : k.killSignal;
  let count = 0;
  if (k.killMode !== 'none' && (!kill || k.sendSIGKILL)) {
    const ids = c.r.control ? [c.r.control.execId] : [];
    const wholeUnit = k.killMode === 'control-group' || (k.killMode === 'mixed' && kill);
    count = c.ctx.signal(c.unit, ids, signal, { wholeUnit });
    if (count > 0 && !kill) c.ctx.signal(c.unit, ids, SIG.CONT, { wholeUnit });
  }
  if (count === 0) {
    AFTER_SIGNAL[state](c);
    return;
  }
  armTimer(c);
  setState(c, state);
  if (c.r.control === null) c.ctx.watchProcessesGone(c.unit);
}

/** The processes of a signal state are gone: go on as if the control process had ended. */
export function signalStateDone(c: Sock, f: SocketResult): void {
  const s = c.r.state;
  if (s === 'stop-pre-sigterm' || s === 'stop-pre-sigkill') enterStopPost(c, f);
  else if (s === 'final-sigterm' || s === 'final-sigkill') enterDead(c, f);
}

export function enterDead(c: Sock, f: SocketResult): void {
  setResult(c, f);
  if (c.r.result === 'success') c.ctx.log(c.unit, 'info', 'Deactivated successfully.');
  else c.ctx.log(c.unit, 'warning', `Failed with result '${c.r.result}'.`);
  setState(c, c.r.result === 'success' ? 'dead' : 'failed');
}
