// What happens when a unit changes state (01 §6.3): timestamps, the job's reaction, retroactive
// starts and stops for unexpected changes, OnFailure=/OnSuccess=, and the continuous checks.
import { currentStamp, type EngineState } from './engine-state.ts';
import { processJobOnStateChange } from './job-runner.ts';
import type { Job } from './job.ts';
import { isActiveOrActivating, isActiveOrReloading, isInactiveOrDeactivating, isInactiveOrFailed } from './states.ts';
import type { ActiveState, JobResult } from './types.ts';
import type { Unit } from './unit.ts';
import type { StateChangeFlags } from './unit-types/index.ts';
import { enqueueInternal } from './enqueue.ts';
import { submitBound, submitUnneeded, submitUphold } from './checks.ts';
import { notifyTriggeredBy } from './triggers.ts';
import { unitStateActions } from './emergency-action.ts';
import { exclusiveStateChanged } from './exclusive.ts';
import { unitsOfKind, unitsWithAtom } from './unit-links.ts';

export function unitNotify(s: EngineState, u: Unit, flags: StateChangeFlags): void {
  const os = u.lastActive;
  const ns = u.activeState;
  u.lastActive = ns;
  stampTransition(s, u, os, ns);
  exclusiveStateChanged(s, u, os, ns);
  const unexpected = u.job ? processJobOnStateChange(s, u.job, ns, flags.reloadFailed ?? false) : true;
  if (unexpected) {
    if (isInactiveOrFailed(os) && isActiveOrActivating(ns)) retroStart(s, u);
    else if (isActiveOrActivating(os) && isInactiveOrDeactivating(ns)) retroStop(s, u);
  }
  if (ns === 'failed' && os !== 'failed' && !flags.willAutoRestart) startOnFailure(s, u);
  if (ns === 'inactive' && !isInactiveOrFailed(os) && os !== 'maintenance' && !flags.willAutoRestart) startOnSuccess(s, u);
  if (os !== ns) s.ports.events.emit({ kind: 'UnitStateChanged', unit: u.id, oldState: os, activeState: ns, subState: u.subState });
  unitStateActions(s, u, os, ns);
  if (isInactiveOrFailed(ns)) {
    for (const b of unitsWithAtom(s, u, 'unneeded-check-target')) submitUnneeded(s, s.units.get(b));
    for (const b of unitsWithAtom(s, u, 'bound-check-target')) submitBound(s, s.units.get(b));
    submitUphold(s, u);
  }
  if (isActiveOrReloading(ns)) {
    for (const b of unitsWithAtom(s, u, 'uphold-check-target')) submitUphold(s, s.units.get(b));
    submitUnneeded(s, u);
    submitBound(s, u);
  }
  notifyTriggeredBy(s, u);
}

function stampTransition(s: EngineState, u: Unit, os: ActiveState, ns: ActiveState): void {
  const now = currentStamp(s);
  u.stateChange = now;
  if (isInactiveOrFailed(os) && !isInactiveOrFailed(ns)) {
    u.inactiveExit = now;
    if (!u.invocationAcquired) u.invocationId = s.ports.newInvocationId();
    u.invocationAcquired = false;
  }
  if (!isInactiveOrFailed(os) && isInactiveOrFailed(ns)) u.inactiveEnter = now;
  if (!isActiveOrReloading(os) && isActiveOrReloading(ns)) u.activeEnter = now;
  if (isActiveOrReloading(os) && !isActiveOrReloading(ns)) u.activeExit = now;
}

function retroStart(s: EngineState, u: Unit): void {
  const origin = (dependency: string) => ({ kind: 'dependency' as const, unit: u.id, dependency, job: null, jobType: 'start' });
  for (const b of unitsWithAtom(s, u, 'retro-start-replace')) {
    const other = s.units.get(b);
    if (other && !s.graph.has(u.id, 'After', b) && !isActiveOrActivating(other.activeState)) {
      enqueueInternal(s, 'start', other, 'replace', origin('Requires=/BindsTo=/Upholds='));
    }
  }
  for (const b of unitsWithAtom(s, u, 'retro-start-fail')) {
    const other = s.units.get(b);
    if (other && !s.graph.has(u.id, 'After', b) && !isActiveOrActivating(other.activeState)) {
      enqueueInternal(s, 'start', other, 'fail', origin('Wants='));
    }
  }
  for (const b of unitsWithAtom(s, u, 'retro-stop-on-start')) {
    const other = s.units.get(b);
    if (other && !isInactiveOrDeactivating(other.activeState)) {
      enqueueInternal(s, 'stop', other, 'replace', { kind: 'dependency', unit: u.id, dependency: 'Conflicts=', job: null, jobType: 'start' });
    }
  }
}

function retroStop(s: EngineState, u: Unit): void {
  for (const b of unitsWithAtom(s, u, 'retro-stop-on-stop')) {
    const other = s.units.get(b);
    if (other && !isInactiveOrDeactivating(other.activeState)) {
      enqueueInternal(s, 'stop', other, 'replace', { kind: 'dependency', unit: u.id, dependency: 'BindsTo=/PropagatesStopTo=', job: null, jobType: 'stop' });
    }
  }
}

/** OnFailure= and OnSuccess= (01 §6.4): which units to start and in which job mode. */
const TRIGGERED = {
  OnFailure: (u: Unit) => u.config.settings.onFailureJobMode,
  OnSuccess: (u: Unit) => u.config.settings.onSuccessJobMode,
} as const;

function startTriggered(s: EngineState, u: Unit, kind: keyof typeof TRIGGERED): void {
  const mode = TRIGGERED[kind](u);
  for (const b of unitsOfKind(s, u, kind)) {
    const other = s.units.get(b);
    if (!other) continue;
    const r = enqueueInternal(s, 'start', other, mode, { kind: 'dependency', unit: u.id, dependency: `${kind}=`, job: null, jobType: 'start' });
    if (!r.ok) log(s, u, 'warning', `Failed to enqueue ${kind}= job, ignoring: ${r.error.message}`);
  }
}

export const startOnFailure = (s: EngineState, u: Unit): void => startTriggered(s, u, 'OnFailure');
const startOnSuccess = (s: EngineState, u: Unit): void => startTriggered(s, u, 'OnSuccess');

const GENERIC_DONE: Readonly<Record<string, Partial<Record<JobResult, string>>>> = {
  start: { done: 'Started %s.', timeout: 'Timed out starting %s.', failed: 'Failed to start %s.', dependency: 'Dependency failed for %s.', assert: 'Assertion failed for %s.', unsupported: 'Starting of %s unsupported.', collected: 'Unnecessary job was removed for %s.', once: 'Unit %s has been started before and cannot be started again.' },
  stop: { done: 'Stopped %s.', failed: 'Stopped %s with error.', timeout: 'Timed out stopping %s.' },
  restart: { done: 'Stopped %s.', failed: 'Stopped %s with error.', timeout: 'Timed out stopping %s.' },
  reload: { done: 'Reloaded %s.', failed: 'Reload failed for %s.', timeout: 'Timed out reloading %s.' },
  'verify-active': { skipped: '%s is inactive.' },
};

/** The human status line of 02 §11 for a finished job. */
export function logJobDone(s: EngineState, job: Job, result: JobResult): void {
  const u = job.unit;
  let format: string | undefined;
  if (job.type === 'start' && result === 'done' && !u.conditionResult) format = 'Condition check resulted in %s being skipped.';
  else if (job.type === 'start' && result === 'done') format = u.ops.messages.started;
  else if ((job.type === 'stop' || job.type === 'restart') && result === 'done') format = u.ops.messages.stopped;
  else if (job.type === 'start' && result === 'failed') format = u.ops.messages.failed;
  else format = GENERIC_DONE[job.type]?.[result];
  if (!format) return;
  const level = result === 'done' || result === 'skipped' ? 'info' : 'error';
  s.ports.events.emit({ kind: 'Log', level, unit: u.id, message: format.replace('%s', u.description) });
  if (result === 'timeout' || result === 'dependency') {
    s.ports.events.emit({ kind: 'Log', level: 'warning', unit: u.id, message: `Job ${u.id}/${job.type} failed with result '${result}'.` });
  }
}

function log(s: EngineState, u: Unit, level: 'warning', message: string): void {
  s.ports.events.emit({ kind: 'Log', level, unit: u.id, message });
}
