// The continuous checks of 01 §7 (Upholds=, BindsTo=, StopWhenUnneeded=). Units are submitted
// while events are handled and processed afterwards, each check re-validating its condition.
import type { EngineState } from './engine-state.ts';
import { enqueueInternal } from './enqueue.ts';
import { isActiveOrReloading, isInactiveOrFailed } from './states.ts';
import type { Unit } from './unit.ts';

export function submitUphold(s: EngineState, u: Unit | undefined): void {
  if (u && s.graph.withAtom(u.id, 'upheld-by').length > 0) s.upholdQueue.add(u);
}

export function submitBound(s: EngineState, u: Unit | undefined): void {
  if (u && isActiveOrReloading(u.activeState) && s.graph.withAtom(u.id, 'bound-to').length > 0) s.boundQueue.add(u);
}

export function submitUnneeded(s: EngineState, u: Unit | undefined): void {
  if (u && u.config.settings.stopWhenUnneeded && isActiveOrReloading(u.activeState)) s.unneededQueue.add(u);
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
  log(s, u, 'Unit is not needed anymore.');
  enqueueInternal(s, 'stop', u, 'fail', { kind: 'internal', reason: `${u.id} is not needed anymore (StopWhenUnneeded=yes)` });
}

function log(s: EngineState, u: Unit, message: string): void {
  s.ports.events.emit({ kind: 'Log', level: 'info', unit: u.id, message });
}
