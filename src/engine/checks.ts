// The continuous checks of 01 §7 (Upholds=, BindsTo=, StopWhenUnneeded=). Units are submitted
// while events are handled and processed afterwards, each check re-validating its condition.
// Their actions share one per-unit rate limit; a unit over it is checked again when it ends.
import type { EngineState } from './engine-state.ts';
import { enqueueInternal } from './enqueue.ts';
import { isActiveOrReloading, isInactiveOrFailed } from './states.ts';
import type { Unit } from './unit.ts';
import { USEC_PER_SEC, type UnitName } from './types.ts';
import { hasAtomEdges } from './unit-links.ts';

/** 01 §7: at most 16 check actions per unit in 10 s (systemd's auto_start_stop_ratelimit). */
const CHECK_LIMIT = { intervalUsec: 10 * USEC_PER_SEC, burst: 16 } as const;
const RETRY_PREFIX = 'checks:';

/** May a check act on `u` now? If not, logs once per window and arms the retry at its end. */
function mayAct(s: EngineState, u: Unit, what: string): boolean {
  const now = s.ports.clock.now();
  let l = s.checkLimits.get(u.id);
  if (!l || now >= l.begin + CHECK_LIMIT.intervalUsec) {
    l = { begin: now, count: 0, retryArmed: false };
    s.checkLimits.set(u.id, l);
  }
  if (l.count < CHECK_LIMIT.burst) {
    l.count++;
    return true;
  }
  if (!l.retryArmed) {
    l.retryArmed = true;
    s.ports.events.emit({ kind: 'Log', level: 'warning', unit: u.id, message: `${what} since we tried this too often recently. Will retry later.` });
    s.ports.timers.arm(`${RETRY_PREFIX}${u.id}`, l.begin + CHECK_LIMIT.intervalUsec);
  }
  return false;
}

/** The retry timer of a rate-limited unit fired: submit it to all three checks again. */
export function checksRetryDue(s: EngineState, timerId: string): boolean {
  if (!timerId.startsWith(RETRY_PREFIX)) return false;
  const name: UnitName = timerId.slice(RETRY_PREFIX.length);
  s.checkLimits.delete(name);
  const u = s.units.get(name);
  if (u) submitChecks(s, u);
  return true;
}

export function submitUphold(s: EngineState, u: Unit | undefined): void {
  if (u && hasAtomEdges(s, u, 'upheld-by')) s.upholdQueue.add(u);
}

export function submitBound(s: EngineState, u: Unit | undefined): void {
  if (u && isActiveOrReloading(u.activeState) && hasAtomEdges(s, u, 'bound-to')) s.boundQueue.add(u);
}

export function submitUnneeded(s: EngineState, u: Unit | undefined): void {
  if (u && u.stopWhenUnneeded && isActiveOrReloading(u.activeState)) s.unneededQueue.add(u);
}

/** After any job of `u` finished (02 §9.2, 252 stable behaviour). */
export function submitChecks(s: EngineState, u: Unit): void {
  submitUphold(s, u);
  submitBound(s, u);
  submitUnneeded(s, u);
}

/** Drains the three queues in systemd's order until all are empty. */
export function runChecks(s: EngineState): void {
  while (s.upholdQueue.size + s.boundQueue.size + s.unneededQueue.size > 0) {
    for (const u of takeAll(s.upholdQueue)) checkUphold(s, u);
    for (const u of takeAll(s.boundQueue)) checkBound(s, u);
    for (const u of takeAll(s.unneededQueue)) checkUnneeded(s, u);
  }
}

function takeAll(set: Set<Unit>): Unit[] {
  const list = [...set];
  set.clear();
  return list;
}

function checkUphold(s: EngineState, u: Unit): void {
  if (s.shuttingDown || !isInactiveOrFailed(u.activeState) || u.job) return;
  for (const name of s.graph.withAtom(u.id, 'upheld-by')) {
    const by = s.units.get(name);
    if (by && !by.job && isActiveOrReloading(by.activeState)) {
      if (!mayAct(s, u, `Unit is upheld by active unit ${by.id}, but not starting`)) return;
      log(s, u, `Unit is started because upheld by active unit ${by.id}.`);
      enqueueInternal(s, 'start', u, 'fail', { kind: 'dependency', unit: by.id, dependency: 'Upholds=', job: null, jobType: 'start' });
      return;
    }
  }
}

function checkBound(s: EngineState, u: Unit): void {
  if (u.activeState !== 'active' || u.job) return;
  for (const name of s.graph.withAtom(u.id, 'bound-to')) {
    const to = s.units.get(name);
    if (to && !to.job && isInactiveOrFailed(to.activeState)) {
      if (!mayAct(s, u, `Unit is bound to inactive unit ${to.id}, but not stopping`)) return;
      log(s, u, `Unit is stopped because bound to inactive unit ${to.id}.`);
      enqueueInternal(s, 'stop', u, 'replace', { kind: 'dependency', unit: to.id, dependency: 'BindsTo=', job: null, jobType: 'stop' });
      return;
    }
  }
}

function checkUnneeded(s: EngineState, u: Unit): void {
  if (u.activeState !== 'active' || u.job) return;
  for (const name of s.graph.withAtom(u.id, 'pins-unneeded')) {
    const user = s.units.get(name);
    if (!user) continue;
    if (user.job || !isInactiveOrFailed(user.activeState) || user.ops.isRestartPending(user.runtime)) return;
  }
  if (!mayAct(s, u, 'Unit is not needed anymore, but not stopping')) return;
  log(s, u, 'Unit is not needed anymore.');
  enqueueInternal(s, 'stop', u, 'fail', { kind: 'internal', reason: `${u.id} is not needed anymore (StopWhenUnneeded=yes)` });
}

function log(s: EngineState, u: Unit, message: string): void {
  s.ports.events.emit({ kind: 'Log', level: 'info', unit: u.id, message });
}
