// Trigger units (timers) and the units they trigger: the TriggerSupport handed to unit types,
// systemd's unit_trigger_notify (after every state change and job end of a triggered unit),
// wall-clock changes, and the list-timers rows. Policy stays in the unit types.
import type { TimerSummary } from './api.ts';
import type { EngineState } from './engine-state.ts';
import { enqueueInternal } from './enqueue.ts';
import type { Usec } from './types.ts';
import type { Unit } from './unit.ts';
import { unitContext } from './unit-context.ts';
import type { TriggeredUnit, TriggerSupport } from './unit-types/index.ts';
import { hasKind } from './unit-links.ts';

const triggeredView = (u: Unit): TriggeredUnit => ({
  id: u.id, isLoaded: u.isLoaded, activeState: u.activeState,
  inactiveExitMonotonic: u.inactiveExit.monotonic, inactiveEnterMonotonic: u.inactiveEnter.monotonic,
});

const firstTriggered = (s: EngineState, id: string): Unit | null => {
  for (const name of s.graph.get(id, 'Triggers')) {
    const u = s.units.get(name);
    if (u) return u;
  }
  return null;
};

export function triggerSupport(s: EngineState): TriggerSupport {
  const { ports } = s;
  return {
    triggered: (view) => {
      const u = firstTriggered(s, view.id);
      return u ? triggeredView(u) : null;
    },
    startTriggered(view, target) {
      const u = s.units.get(target);
      if (!u) return `Unit ${target} not loaded.`;
      const r = enqueueInternal(s, 'start', u, 'replace', { kind: 'dependency', unit: view.id, dependency: 'Triggers=', job: null, jobType: 'start' });
      return r.ok ? null : r.error.message;
    },
    startup: () => s.startup,
    readStamp: (view) => ports.timerStamps.read(view.id),
    writeStamp: (view, at) => ports.timerStamps.write(view.id, at),
    random: () => ports.random(),
    zone: (name) => (name === null ? ports.timeZones.local() : ports.timeZones.named(name)),
    machineId: ports.host.machineId,
    bootId: ports.host.bootId,
  };
}

/** unit_trigger_notify: every unit that triggers `u` looks at it again. */
export function notifyTriggeredBy(s: EngineState, u: Unit): void {
  if (!hasKind(s, u, 'TriggeredBy')) return;
  const by = s.graph.get(u.id, 'TriggeredBy');
  const view = triggeredView(u);
  for (const name of by) {
    const t = s.units.get(name);
    if (t?.ops.triggerNotify) t.ops.triggerNotify(unitContext(s), t, t.runtime, view);
  }
}

/** The wall clock jumped: every unit with realtime schedules recomputes them. */
export function clockChanged(s: EngineState): void {
  for (const u of new Set(s.units.values())) if (u.ops.clockChanged) u.ops.clockChanged(unitContext(s), u, u.runtime);
}

const isSet = (t: Usec): boolean => t > 0 && Number.isFinite(t);

/**
 * systemctl's calc_next_elapse: the monotonic elapse moved onto the wall clock, or the realtime
 * one, whichever comes first; null when neither is set.
 */
export function timerNextElapse(next: { readonly monotonic: Usec; readonly realtime: Usec }, now: { readonly monotonic: Usec; readonly realtime: Usec }): Usec | null {
  if (isSet(next.monotonic)) {
    const converted = now.realtime + (next.monotonic - now.monotonic);
    return isSet(next.realtime) ? Math.min(converted, next.realtime) : converted;
  }
  return isSet(next.realtime) ? next.realtime : null;
}

/** list-timers keeps systemctl's raw value: 0 for a waiting timer with nothing armed (sorted first), null for infinity. */
function listNext(next: { readonly monotonic: Usec; readonly realtime: Usec }, now: { readonly monotonic: Usec; readonly realtime: Usec }): Usec | null {
  const t = timerNextElapse(next, now);
  if (t !== null) return t;
  return next.realtime === 0 || next.monotonic === 0 ? 0 : null;
}

export function listTimers(s: EngineState): { timers: TimerSummary[]; nowUsec: number } {
  const now = { monotonic: s.ports.clock.now(), realtime: s.ports.clock.realtime() };
  const timers: TimerSummary[] = [];
  for (const u of new Set(s.units.values())) {
    if (u.type !== 'timer' || !u.isLoaded) continue;
    const t = u.ops.status(u, u.runtime).timer;
    timers.push({
      unit: u.id, activeState: u.activeState, activates: [...s.graph.get(u.id, 'Triggers')].sort(),
      nextUsec: t ? listNext(t.next, now) : null, lastUsec: t && isSet(t.lastTrigger) ? t.lastTrigger : null,
    });
  }
  return { timers, nowUsec: now.realtime };
}
