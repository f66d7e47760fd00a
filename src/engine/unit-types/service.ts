// Service units (03): the UnitTypeOps the manager calls. Operations answer from the state table
// (03 §8); transitions live in service-enter.ts, process events in service-events.ts.
import { assert, fail, ok, type Result } from '../errors.ts';
import type { ServiceConfig } from '../unit-file/config.ts';
import type { UnitContext, UnitTypeOps, UnitView } from './index.ts';
import { PIDFILE_TIMER, STATE_TIMER, WATCHDOG_TIMER, runControlList, setState, type Svc } from './service-core.ts';
import { enterCondition, enterDead, enterRunning, enterSignal, enterStartPost, enterStop, failSpawn, pidFilePoll } from './service-enter.ts';
import { processExited, processesGone, processStarted, spawnFailed } from './service-events.ts';
import { handleNotify } from './service-notify.ts';
import { exitEnv } from './service-exit.ts';
import { serviceProperties, serviceStatus } from './service-properties.ts';
import { initRuntime, resetForStart, type ServiceRuntime } from './service-runtime.ts';
import { SERVICE_STATES, type StopAction } from './service-states.ts';
import { stateTimerFired, watchdogFired } from './service-timeouts.ts';

export type { ServiceRuntime } from './service-runtime.ts';

function configOf(unit: UnitView): ServiceConfig {
  const cfg = unit.config.service;
  if (cfg === null) assert(false, `${unit.id} has no [Service] configuration`); // the message only when it fails
  return cfg;
}

const svc = (ctx: UnitContext, unit: UnitView, r: ServiceRuntime): Svc => ({ ctx, unit, r, cfg: configOf(unit) });

/** What a stop operation does per the row's onStop column (03 §8). */
const STOP_ACTIONS: Readonly<Record<Exclude<StopAction, 'already'>, (c: Svc) => void>> = {
  'to-dead': (c) => setState(c, 'dead'), // auto-restart: no commands, no signals
  'stop-sigterm': (c) => enterSignal(c, 'stop-sigterm', 'success'),
  'enter-stop': (c) => enterStop(c, 'success'),
  'final-sigkill': (c) => enterSignal(c, 'final-sigkill', 'success'),
};

function reload(c: Svc): 'started' | 'again' | 'not-active' {
  const { r } = c;
  if (r.state !== 'running' && r.state !== 'exited') {
    const active = SERVICE_STATES[r.state].active;
    return active === 'activating' || active === 'reloading' ? 'again' : 'not-active';
  }
  r.reloadResult = 'success';
  const out = runControlList(c, 'execReload', 0);
  if (out.kind === 'spawned') setState(c, 'reload');
  else if (out.kind === 'done') enterRunning(c, 'success');
  else failSpawn(c, 'reload', out.message);
  return 'started';
}

/** `systemctl kill` (06 §8.6): not a stop, so Restart= applies to the resulting exit. */
function kill(c: Svc, whom: 'main' | 'control' | 'all', signal: number): Result<number> {
  const { r } = c;
  if (whom === 'main' && r.main === null) return fail('NoSuchProcess', ['No main process to kill']);
  if (whom === 'control' && r.control === null) return fail('NoSuchProcess', ['No control process to kill']);
  const ids = whom === 'main' ? [r.main!.execId] : whom === 'control' ? [r.control!.execId]
    : [r.main?.execId, r.control?.execId].filter((x): x is number => x !== undefined);
  return ok(c.ctx.signal(c.unit, ids, signal, { wholeUnit: whom === 'all' }));
}

export const serviceType: UnitTypeOps<ServiceRuntime> = {
  hasStartLimit: true,
  messages: { started: 'Started %s.', stopped: 'Stopped %s.', failed: 'Failed to start %s.' },
  init: (unit) => initRuntime(unit.config.service?.type === 'idle'),
  activeState: (r) => (r.idle ? SERVICE_STATES[r.state].idleActive : SERVICE_STATES[r.state].active),
  subState: (r) => r.state,
  canStart: () => true,
  canReload: (unit) => (unit.config.service?.execReload.length ?? 0) > 0,
  start(ctx, unit, r) {
    const answer = SERVICE_STATES[r.state].onStart;
    if (answer !== 'begin') return answer;
    const c = svc(ctx, unit, r);
    resetForStart(r, c.cfg.type === 'idle');
    enterCondition(c);
    return 'started';
  },
  stop(ctx, unit, r) {
    r.manualStop = true;
    const action = SERVICE_STATES[r.state].onStop;
    if (action === 'already') return 'already';
    STOP_ACTIONS[action](svc(ctx, unit, r));
    return 'started';
  },
  reload: (ctx, unit, r) => reload(svc(ctx, unit, r)),
  startLimitHit: (ctx, unit, r) => enterDead(svc(ctx, unit, r), 'start-limit-hit', { restartAllowed: false }),
  processStarted(ctx, unit, r, execId, pid) {
    if (processStarted(r, execId, pid) && configOf(unit).type === 'exec') enterStartPost(svc(ctx, unit, r));
  },
  processExited: (ctx, unit, r, execId, code, status) => processExited(svc(ctx, unit, r), execId, code, status),
  spawnFailed: (ctx, unit, r, execId, message) => spawnFailed(svc(ctx, unit, r), execId, message),
  processesGone: (ctx, unit, r) => processesGone(svc(ctx, unit, r)),
  timerFired(ctx, unit, r, key) {
    const c = svc(ctx, unit, r);
    if (key === STATE_TIMER) stateTimerFired(c);
    else if (key === WATCHDOG_TIMER) watchdogFired(c);
    else if (key === PIDFILE_TIMER) pidFilePoll(c);
  },
  notify: (ctx, unit, r, pid, message, uid) => handleNotify(svc(ctx, unit, r), pid, message, uid ?? null),
  kill: (ctx, unit, r, whom, signal) => kill(svc(ctx, unit, r), whom, signal),
  resetFailed(ctx, unit, r) {
    r.result = 'success';
    r.reloadResult = 'success';
    r.nRestarts = 0;
    r.flushNRestarts = false;
    if (r.state === 'failed') setState(svc(ctx, unit, r), 'dead');
  },
  isRestartPending: (r) => r.state === 'auto-restart',
  exitStatus: (r) => (r.mainExec.code === null ? null : r.mainExec.code === 'exited' ? r.mainExec.status : 255),
  properties: (unit, r) => serviceProperties(configOf(unit), r),
  status: (unit, r) => serviceStatus(configOf(unit), r),
  monitorEnv: (r) => ({ SERVICE_RESULT: r.result, ...exitEnv(r.mainExec.code, r.mainExec.status) }),
};
