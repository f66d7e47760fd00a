// Timer units (systemd 252 timer.c): states dead/waiting/running/elapsed/failed, one monotonic and
// one realtime wake-up, and the start job a trigger queues for the unit in Unit=. The schedule
// arithmetic lives in timer-schedule.ts; this module owns the state machine and show properties.
import { formatCalendar } from '../calendar.ts';
import { isInactiveOrFailed } from '../states.ts';
import { formatTimespan, formatTimestamp } from '../time.ts';
import type { ActiveState, Usec } from '../types.ts';
import type { TimerConfig } from '../unit-file/config.ts';
import type { UnitContext, UnitTypeOps, UnitView } from './index.ts';
import { INERT_OPS } from './inert.ts';
import {
  coalesce, computeSchedule, fixedDelayHash, perturbFromBootId, randomDelay, timerValues, type Schedule, type Stamp, type TimerValue,
} from './timer-schedule.ts';

type TimerState = 'dead' | 'waiting' | 'running' | 'elapsed' | 'failed';
type TimerResult = 'success' | 'resources' | 'start-limit-hit';

const TIMER_STATES = {
  dead: 'inactive', waiting: 'active', running: 'active', elapsed: 'active', failed: 'failed',
} as const satisfies Record<TimerState, ActiveState>;

export interface TimerRuntime {
  state: TimerState;
  result: TimerResult;
  values: TimerValue[];
  /** The config `values` came from; a daemon-reload brings a new one (see syncValues). */
  source: TimerConfig;
  /** NextElapseUSecMonotonic/Realtime: 0 = none while waiting, Infinity when not waiting. */
  nextMonotonic: Usec;
  nextRealtime: Usec;
  /** The realtime instant the realtime wake-up was armed for (checked again when it fires). */
  realtimeFireAt: Usec;
  lastTrigger: Stamp;
  /** When the timer last became active (its InactiveExitTimestamp). */
  activeSince: Stamp;
}

const ZERO: Stamp = { realtime: 0, monotonic: 0 };
const MONO = 'mono';
const REAL = 'real';

const cfg = (unit: UnitView): TimerConfig => unit.config.timer!;
const nowStamp = (ctx: UnitContext): Stamp => ({ realtime: ctx.realtime(), monotonic: ctx.now() });

function setState(ctx: UnitContext, unit: UnitView, r: TimerRuntime, state: TimerState): void {
  if (state !== 'waiting') {
    ctx.cancelTimer(unit, MONO);
    ctx.cancelTimer(unit, REAL);
    r.nextMonotonic = Infinity;
    r.nextRealtime = Infinity;
  }
  if (isInactiveOrFailed(TIMER_STATES[r.state]) && !isInactiveOrFailed(TIMER_STATES[state])) r.activeSince = nowStamp(ctx);
  r.state = state;
  ctx.stateChanged(unit);
}

function enterDead(ctx: UnitContext, unit: UnitView, r: TimerRuntime, f: TimerResult): void {
  if (r.result === 'success') r.result = f;
  if (r.result !== 'success') ctx.log(unit, 'warning', `Failed with result '${r.result}'.`);
  setState(ctx, unit, r, r.result === 'success' ? 'dead' : 'failed');
}

function enterElapsed(ctx: UnitContext, unit: UnitView, r: TimerRuntime, leaveAround: boolean): void {
  // RemainAfterElapse=no ends the timer, unless the triggered unit's state can still re-arm it.
  if (cfg(unit).remainAfterElapse || leaveAround) setState(ctx, unit, r, 'elapsed');
  else enterDead(ctx, unit, r, 'success');
}

/** The delay RandomizedDelaySec= adds to one elapse (FixedRandomDelay= makes it stable). */
function delayFor(ctx: UnitContext, unit: UnitView): Usec {
  const c = cfg(unit);
  const fixed = c.fixedRandomDelay ? fixedDelayHash(ctx.triggers.machineId, unit.id) : null;
  return randomDelay(c.randomizedDelayUsec, { fixedHash: fixed, random: () => ctx.triggers.random() });
}

/** After a daemon-reload the values come from the new config, as systemd reloads them. */
function syncValues(unit: UnitView, r: TimerRuntime): boolean {
  if (r.source === cfg(unit)) return false;
  r.values = timerValues(cfg(unit));
  r.source = cfg(unit);
  return true;
}

function enterWaiting(ctx: UnitContext, unit: UnitView, r: TimerRuntime, o: { timeChange: boolean }): void {
  syncValues(unit, r);
  const target = ctx.triggers.triggered(unit);
  if (!target) {
    ctx.log(unit, 'error', 'Unit to trigger vanished.');
    enterDead(ctx, unit, r, 'resources');
    return;
  }
  const now = nowStamp(ctx);
  const active = !isInactiveOrFailed(TIMER_STATES[r.state]);
  const sched = computeSchedule(r.values, {
    now, activeSince: active ? r.activeSince : null, startup: ctx.triggers.startup(), lastTrigger: r.lastTrigger,
    unitInactiveExit: target.inactiveExitMonotonic, unitInactiveEnter: target.inactiveEnterMonotonic,
    zoneOf: (spec) => ctx.triggers.zone(spec.timezone), timeChange: o.timeChange,
  });
  const c = cfg(unit);
  if (sched.monotonic === null && sched.realtime === null && !c.onClockChange && !c.onTimezoneChange) {
    enterElapsed(ctx, unit, r, sched.leaveAround);
    return;
  }
  armWakeUps(ctx, unit, r, sched, now);
  setState(ctx, unit, r, 'waiting');
}

/** RandomizedDelaySec= on each elapse, then one wake-up per clock inside its AccuracySec= window. */
function armWakeUps(ctx: UnitContext, unit: UnitView, r: TimerRuntime, sched: Schedule, now: Stamp): void {
  const accuracy = cfg(unit).accuracyUsec;
  const perturb = perturbFromBootId(ctx.triggers.bootId);
  const window = (at: Usec): Usec => coalesce(at, Number.isFinite(accuracy) ? at + accuracy : at, perturb);
  r.nextMonotonic = sched.monotonic === null ? 0 : sched.monotonic + delayFor(ctx, unit);
  r.nextRealtime = sched.realtime === null ? 0 : sched.realtime + delayFor(ctx, unit);
  if (sched.monotonic === null) ctx.cancelTimer(unit, MONO);
  else ctx.armTimer(unit, MONO, window(r.nextMonotonic));
  if (sched.realtime === null) ctx.cancelTimer(unit, REAL);
  else {
    // The engine waits on the monotonic clock only; a realtime elapse becomes the equivalent
    // monotonic instant, checked against the wall clock again when it fires.
    r.realtimeFireAt = window(r.nextRealtime);
    ctx.armTimer(unit, REAL, now.monotonic + Math.max(0, r.realtimeFireAt - now.realtime));
  }
}

function enterRunning(ctx: UnitContext, unit: UnitView, r: TimerRuntime): void {
  if (ctx.jobType(unit) === 'stop') return; // going down: do not start anything
  const target = ctx.triggers.triggered(unit);
  if (!target) {
    ctx.log(unit, 'error', 'Unit to trigger vanished.');
    enterDead(ctx, unit, r, 'resources');
    return;
  }
  const refused = ctx.triggers.startTriggered(unit, target.id);
  if (refused !== null) {
    ctx.log(unit, 'warning', `Failed to queue unit startup job: ${refused}`);
    enterDead(ctx, unit, r, 'resources');
    return;
  }
  r.lastTrigger = nowStamp(ctx);
  if (cfg(unit).persistent) ctx.triggers.writeStamp(unit, r.lastTrigger.realtime);
  setState(ctx, unit, r, 'running');
}

/** The Persistent= stamp as the last trigger, when it lies in the past (timer_start). */
function loadStamp(ctx: UnitContext, unit: UnitView, r: TimerRuntime): void {
  const stamp = ctx.triggers.readStamp(unit);
  const now = ctx.realtime();
  if (stamp === null) ctx.triggers.writeStamp(unit, now); // first start: systemd creates the file
  else if (stamp < now) r.lastTrigger = { realtime: stamp, monotonic: 0 };
  else ctx.log(unit, 'warning', `Not using persistent file timestamp ${formatTimestamp(stamp)} as it is in the future.`);
}

const stamp = (usec: Usec): string => (usec > 0 && Number.isFinite(usec) ? formatTimestamp(usec) : '');

function timerProperties(unit: UnitView, r: TimerRuntime): [string, string][] {
  const c = cfg(unit);
  const yes = (b: boolean): string => (b ? 'yes' : 'no');
  const out: [string, string][] = [['Unit', ctxUnit(unit)]];
  for (const v of r.values) if (!v.calendar) out.push(['TimersMonotonic', `{ ${v.base}USec=${formatTimespan(v.usec)} ; next_elapse=${formatTimespan(v.nextElapse)} }`]);
  for (const v of r.values) {
    if (v.calendar) out.push(['TimersCalendar', `{ OnCalendar=${formatCalendar(v.calendar)} ; next_elapse=${v.nextElapse > 0 ? formatTimestamp(v.nextElapse) : '(null)'} }`]);
  }
  out.push(
    ['OnClockChange', yes(c.onClockChange)], ['OnTimezoneChange', yes(c.onTimezoneChange)],
    ['NextElapseUSecRealtime', stamp(r.nextRealtime)], ['NextElapseUSecMonotonic', formatTimespan(r.nextMonotonic)],
    ['LastTriggerUSec', stamp(r.lastTrigger.realtime)], ['LastTriggerUSecMonotonic', formatTimespan(r.lastTrigger.monotonic)],
    ['Result', r.result], ['AccuracyUSec', formatTimespan(c.accuracyUsec)], ['RandomizedDelayUSec', formatTimespan(c.randomizedDelayUsec)],
    ['FixedRandomDelay', yes(c.fixedRandomDelay)], ['Persistent', yes(c.persistent)],
    // WakeSystem= needs RTC alarm clocks, which a container cannot arm: accepted, shown, ignored.
    ['WakeSystem', yes(c.wakeSystem)], ['RemainAfterElapse', yes(c.remainAfterElapse)],
  );
  return out;
}

const ctxUnit = (unit: UnitView): string => unit.config.deps.Triggers?.[0] ?? '';

export const timerType: UnitTypeOps<TimerRuntime> = {
  hasStartLimit: true,
  messages: { started: 'Started %s.', stopped: 'Stopped %s.', failed: 'Failed to start %s.' },
  init: (unit) => ({
    state: 'dead', result: 'success', values: timerValues(cfg(unit)), source: cfg(unit), nextMonotonic: Infinity, nextRealtime: Infinity,
    realtimeFireAt: 0, lastTrigger: ZERO, activeSince: ZERO,
  }),
  activeState: (r) => TIMER_STATES[r.state],
  subState: (r) => r.state,
  canStart: () => true,
  canReload: () => false,
  start(ctx, unit, r) {
    if (!isInactiveOrFailed(TIMER_STATES[r.state])) return 'already';
    const target = ctx.triggers.triggered(unit);
    if (!target || !target.isLoaded) {
      ctx.log(unit, 'error', `Refusing to start, unit ${target?.id ?? ctxUnit(unit)} to trigger not loaded.`);
      return 'error';
    }
    r.lastTrigger = ZERO;
    syncValues(unit, r);
    for (const v of r.values) if (v.base === 'OnActive') v.disabled = false;
    if (cfg(unit).persistent) loadStamp(ctx, unit, r);
    r.result = 'success';
    enterWaiting(ctx, unit, r, { timeChange: false });
    return 'started';
  },
  stop(ctx, unit, r) {
    if (isInactiveOrFailed(TIMER_STATES[r.state])) return 'already';
    enterDead(ctx, unit, r, 'success');
    return 'started';
  },
  reload: () => 'not-active',
  ...INERT_OPS,
  startLimitHit(ctx, unit, r) { enterDead(ctx, unit, r, 'start-limit-hit'); },
  timerFired(ctx, unit, r, key) {
    if (r.state !== 'waiting') return;
    if (syncValues(unit, r)) {
      // Armed from the old configuration: schedule from the new one first (it may be due now).
      enterWaiting(ctx, unit, r, { timeChange: false });
      return;
    }
    if (key === REAL && ctx.realtime() < r.realtimeFireAt) {
      // The wall clock went back since this was armed: wait for the rest.
      ctx.armTimer(unit, REAL, ctx.now() + (r.realtimeFireAt - ctx.realtime()));
      return;
    }
    enterRunning(ctx, unit, r);
  },
  resetFailed(ctx, unit, r) {
    if (r.state === 'failed') setState(ctx, unit, r, 'dead');
    r.result = 'success';
  },
  triggerNotify(ctx, unit, r, other) {
    for (const v of r.values) if (v.base === 'OnUnitActive' || v.base === 'OnUnitInactive') v.disabled = false;
    if (r.state === 'waiting' || r.state === 'elapsed') enterWaiting(ctx, unit, r, { timeChange: false });
    else if (r.state === 'running' && isInactiveOrFailed(other.activeState)) enterWaiting(ctx, unit, r, { timeChange: false });
  },
  reloaded(ctx, unit, r) {
    if (r.state === 'waiting') enterWaiting(ctx, unit, r, { timeChange: false });
    else syncValues(unit, r);
  },
  clockChanged(ctx, unit, r) {
    if (r.state !== 'waiting') return;
    // Triggered "in the future": the clock was set back, so allow those elapses again.
    const now = ctx.realtime();
    if (r.lastTrigger.realtime > now) r.lastTrigger = { ...r.lastTrigger, realtime: now };
    if (cfg(unit).onClockChange) enterRunning(ctx, unit, r);
    else enterWaiting(ctx, unit, r, { timeChange: true });
  },
  status: (_unit, r) => ({
    mainPid: 0, execLines: [], result: r.result,
    timer: { next: { monotonic: r.nextMonotonic, realtime: r.nextRealtime }, lastTrigger: r.lastTrigger.realtime },
  }),
  properties: timerProperties,
};
