// Installed jobs: installing into a slot (02 §8), running (02 §7), reacting to unit state
// changes (02 §9.1) and finishing (02 §9.2). Queue model: a job enters the run queue when it
// is installed or merged, when its unit changes state while it waits, and when a job it may
// wait for finishes (wakeNeighbours); the queue (run-queue.ts: systemd's priority order) is
// drained only by dispatch(), which the daemon calls when nothing else is pending, so a
// client's reply always precedes the first run of its job.
import { conflicting, isStopLike, mergeAndCollapse, superset } from './job-tables.ts';
import { describeOrigin, jobInfo, jobTimerId, UnitStateCause, type Job } from './job.ts';
import { ENDED_JOBS_KEPT, type EngineState } from './engine-state.ts';
import type { JobEndCause, JobOrigin } from './events.ts';
import type { ActiveState, InstallableJobType, JobResult } from './types.ts';
import { notifyTriggeredBy } from './triggers.ts';
import type { Unit } from './unit.ts';
import { linksOf, unitsWithAtom } from './unit-links.ts';
import { isActiveOrReloading, isInactiveOrFailed } from './states.ts';
import { unitReload, unitStart, unitStop, type OpResult } from './unit-ops.ts';
import { logJobDone, startOnFailure } from './unit-notify.ts';
import { submitChecks } from './checks.ts';
import { formatTimespan } from './time.ts';
import { emergencyAction } from './emergency-action.ts';
import { exclusiveAllows, exclusiveJobRemoved, exclusiveJobWait, fileExclusive } from './exclusive.ts';

export interface InstallOptions {
  readonly irreversible: boolean;
  readonly ignoreOrder: boolean;
  readonly origin: JobOrigin;
}

export interface InstallOutcome { readonly job: Job; readonly merged: boolean; readonly canceled: Job | null }

/** Puts a job of `type` into the unit's slot, merging with or canceling what is there (02 §8). */
export function installJob(s: EngineState, unit: Unit, type: InstallableJobType, o: InstallOptions): InstallOutcome {
  const existing = type === 'nop' ? unit.nopJob : unit.job;
  let canceled: Job | null = null;
  if (existing) {
    if (!conflicting(existing.type, type)) {
      const runningAndNotSuperset = existing.state === 'running' && (type === 'reload' || !superset(existing.type, type));
      if (existing.type !== 'nop') setJobType(s, existing, mergeAndCollapse(existing.type, type, unit.activeState) ?? existing.type);
      existing.irreversible ||= o.irreversible;
      existing.ignoreOrder ||= o.ignoreOrder;
      // A running job that cannot absorb the new one is patched and re-run (job.c's "re-running").
      if (runningAndNotSuperset) existing.state = 'waiting';
      fileExclusive(s, existing);
      s.ports.events.emit({ kind: 'JobChanged', job: jobInfo(existing) });
      addToRunQueue(s, existing);
      return { job: existing, merged: true, canceled: null };
    }
    canceled = existing;
  }
  const job: Job = {
    id: s.nextJobId++, unit, type, state: 'waiting', irreversible: o.irreversible, ignoreOrder: o.ignoreOrder,
    installed: false, inRunQueue: false, priority: unit.runPriority, origin: o.origin,
    deadline: 0, deadlineSetting: null, result: null, cause: null, info: null,
  };
  if (canceled) {
    finishJob(s, canceled, 'canceled', { recursive: false, cause: {
      kind: 'replaced', job: job.id, unit: unit.id,
      text: `replaced by ${type} job ${job.id} for ${unit.id} (${describeOrigin(o.origin)})`,
    } });
  }
  if (type === 'nop') unit.nopJob = job; else unit.job = job;
  job.installed = true;
  if (isStopLike(type)) s.stopLikeJobs++;
  // Filed when installed, not when first looked at: the queue runs by unit priority, and a later
  // job looked at first must still see an earlier one of its Exclusive= group.
  fileExclusive(s, job);
  s.jobs.add(job);
  armJobTimer(s, job);
  s.ports.events.emit({ kind: 'JobNew', job: jobInfo(job) });
  addToRunQueue(s, job);
  return { job, merged: false, canceled };
}

/** Changes an installed job's type, keeping s.stopLikeJobs right. */
function setJobType(s: EngineState, job: Job, type: InstallableJobType): void {
  s.stopLikeJobs += Number(isStopLike(type)) - Number(isStopLike(job.type));
  job.type = type;
}

/** JobTimeoutSec= counts from now, when the job is installed. */
function armJobTimer(s: EngineState, job: Job): void {
  const timeout = job.unit.jobTimeoutUsec;
  if (!Number.isFinite(timeout) || timeout <= 0) return;
  job.deadline = s.ports.clock.now() + timeout;
  job.deadlineSetting = 'JobTimeoutSec';
  s.ports.timers.arm(jobTimerId(job.id), job.deadline);
}

export function addToRunQueue(s: EngineState, job: Job): void {
  if (job.inRunQueue || !job.installed) return;
  job.inRunQueue = true;
  s.runQueue.push(job);
}

/** Re-queues a job behind everything queued now (exclusive.ts: let an earlier job be decided first). */
export function deferInRunQueue(s: EngineState, job: Job): void {
  if (job.inRunQueue || !job.installed) return;
  job.inRunQueue = true;
  s.runQueue.defer(job);
}

/** JobTimeoutSec=/JobRunningTimeoutSec= expired (02 §9.2): the job ends, the unit carries on. */
export function timeOutJob(s: EngineState, job: Job): void {
  const setting = job.deadlineSetting ?? 'JobTimeoutSec';
  const span = formatTimespan(setting === 'JobTimeoutSec' ? job.unit.jobTimeoutUsec : job.unit.jobRunningTimeoutUsec);
  s.ports.events.emit({ kind: 'Log', level: 'warning', unit: job.unit.id, message: `Job ${job.unit.id}/${job.type} timed out.` });
  const waiting = exclusiveJobWait(s, job);
  const text = `timed out after ${span} (${setting}=${span})${waiting ? ` while waiting for ${waiting}` : ''}`;
  endJob(s, job, 'timeout', true, false, { kind: 'timeout', unit: job.unit.id, text });
  emergencyAction(s, job.unit.config.settings.jobTimeoutAction, { status: null, reason: 'job timed out', warn: true });
}

/** Ordering first, then Exclusive= (exclusive.ts), which never makes a job wait on a waiting job. */
export function isRunnable(s: EngineState, job: Job): boolean {
  return isOrderRunnable(s, job) && exclusiveAllows(s, job);
}

/**
 * 02 §7.2: may this job run now? A start-like job waits for any job of a unit it is ordered
 * after; any job waits for a stop-like job of a unit it is ordered before. Whether the other
 * job is waiting or running does not matter.
 */
function isOrderRunnable(s: EngineState, job: Job): boolean {
  if (job.ignoreOrder || job.type === 'nop') return true;
  // Indexed loops here and in wakeNeighbours: they run for every check and job end.
  const { after, before } = linksOf(s, job.unit);
  if (!isStopLike(job.type)) {
    for (let i = 0; i < after.length; i++) {
      const o = after[i]!.job;
      if (o && o.type !== 'nop' && !o.ignoreOrder) return false;
    }
  }
  // No stop-like job installed (a boot, say): nothing after this unit can hold it back.
  if (s.stopLikeJobs === 0) return true;
  for (let i = 0; i < before.length; i++) {
    const o = before[i]!.job;
    if (o && !o.ignoreOrder && isStopLike(o.type)) return false;
  }
  return true;
}

/** Runs queued jobs best first until the queue is empty (new arrivals run in the same pass). */
export function dispatchRunQueue(s: EngineState): void {
  for (let job = s.runQueue.pop(); job !== undefined; job = s.runQueue.pop()) {
    job.inRunQueue = false;
    if (job.installed) runJob(s, job);
  }
}

const OP_RESULT_TO_JOB: Partial<Record<OpResult, JobResult>> = {
  already: 'done', condition: 'done', bad: 'skipped', 'not-active': 'invalid', assert: 'assert',
  unsupported: 'unsupported', deps: 'dependency', once: 'once', error: 'failed',
};

/** 02 §7.3. */
function runJob(s: EngineState, job: Job): void {
  if (job.state !== 'waiting') return;
  if (!isRunnable(s, job)) return;
  const unit = job.unit;
  armRunningTimer(s, job);
  job.state = 'running';
  s.ports.events.emit({ kind: 'JobChanged', job: jobInfo(job) });
  const r = operate(s, job);
  if (!job.installed) return;
  if (r === 'again') {
    job.state = 'waiting';
    return;
  }
  if (r === 'started') return;
  const result = OP_RESULT_TO_JOB[r] ?? 'failed';
  endJob(s, job, result, true, r === 'already', causeForOp(r, unit));
}

function operate(s: EngineState, job: Job): OpResult {
  switch (job.type) {
    case 'verify-active': {
      const st = job.unit.activeState;
      return isActiveOrReloading(st) ? 'already' : st === 'activating' ? 'again' : 'bad';
    }
    case 'start': return unitStart(s, job.unit);
    case 'stop':
    case 'restart': return unitStop(s, job.unit);
    case 'reload': return unitReload(s, job.unit);
    case 'nop': return 'already';
  }
}

function armRunningTimer(s: EngineState, job: Job): void {
  const t = job.unit.jobRunningTimeoutUsec;
  if (!Number.isFinite(t) || t <= 0) return;
  const at = s.ports.clock.now() + t;
  if (job.deadlineSetting === null || at < job.deadline) {
    job.deadline = at;
    job.deadlineSetting = 'JobRunningTimeoutSec';
    s.ports.timers.arm(jobTimerId(job.id), at);
  }
}

function causeForOp(r: OpResult, unit: Unit): JobEndCause {
  switch (r) {
    case 'bad': return { kind: 'other', text: `${unit.id} is not active`, unit: unit.id };
    case 'deps': return { kind: 'bound', text: `a unit ${unit.id} is bound to (BindsTo= and After=) is not active`, unit: unit.id };
    case 'not-active': return { kind: 'other', text: `${unit.id} is not active`, unit: unit.id };
    case 'assert': return { kind: 'other', text: `an Assert*= check of ${unit.id} failed`, unit: unit.id };
    case 'error': return { kind: 'unit-failed', text: startErrorText(unit), unit: unit.id };
    default: return { kind: 'completed', text: 'completed', unit: unit.id };
  }
}

function startErrorText(unit: Unit): string {
  if (unit.startLimitHit) return `start of ${unit.id} was attempted too often (StartLimitBurst=${unit.config.settings.startLimitBurst})`;
  if (!unit.isLoaded) return `${unit.id} is not loaded (${unit.loadState})`;
  return `${unit.id} refused to start`;
}

export interface FinishOptions {
  readonly recursive: boolean;
  readonly already?: boolean;
  readonly cause: JobEndCause;
}

/** 02 §9.2. A finished restart turns into a start under the same id instead of ending. */
export function finishJob(s: EngineState, job: Job, result: JobResult, o: FinishOptions): void {
  endJob(s, job, result, o.recursive, o.already ?? false, o.cause);
}

/** finishJob without an options object: job-runner ends one per job. */
function endJob(s: EngineState, job: Job, result: JobResult, recursive: boolean, already: boolean, cause: JobEndCause): void {
  const unit = job.unit;
  if (!already) logJobDone(s, job, result);
  if (result === 'done' && job.type === 'restart') {
    setJobType(s, job, 'start');
    job.state = 'waiting';
    s.ports.events.emit({ kind: 'JobChanged', job: jobInfo(job) });
    addToRunQueue(s, job);
    wakeNeighbours(s, unit, true);
    return;
  }
  uninstallJob(s, job, result, cause);
  const type = job.type;
  if (result !== 'done' && recursive) {
    const atom = type === 'start' || type === 'verify-active' ? 'start-failure-propagates' : type === 'stop' ? 'stop-failure-propagates' : null;
    if (atom) {
      for (const name of unitsWithAtom(s, unit, atom)) {
        failDependent(s, name, job, result);
      }
    }
  }
  if (result === 'done' && recursive && (type === 'start' || type === 'reload') && !isActiveOrReloading(unit.activeState)) {
    for (const name of unitsWithAtom(s, unit, 'inactive-success-fails')) failDependent(s, name, job, result);
  }
  if (result === 'timeout' || result === 'dependency') startOnFailure(s, unit);
  notifyTriggeredBy(s, unit);
  wakeNeighbours(s, unit, isStopLike(type));
}

function failDependent(s: EngineState, name: string, cause: Job, result: JobResult): void {
  const dep = s.units.get(name)?.job;
  if (!dep || (dep.type !== 'start' && dep.type !== 'verify-active')) return;
  endJob(s, dep, 'dependency', true, false, {
    kind: 'dependency', job: cause.id, unit: cause.unit.id,
    text: `${cause.type} job ${cause.id} for ${cause.unit.id} ${result === 'done' ? 'finished but the unit is not active' : `failed with result '${result}'`}`,
  });
}

/**
 * A job of `unit` ended (or a restart's stop half did): the jobs that may have waited for it run
 * again. Jobs of units ordered after it wait for any job; jobs of units ordered before it only
 * for a stop-like one (isOrderRunnable), so those are left alone when `stopLike` is false.
 */
function wakeNeighbours(s: EngineState, unit: Unit, stopLike: boolean): void {
  const { after, before } = linksOf(s, unit);
  if (stopLike) for (let i = 0; i < after.length; i++) wake(s, after[i]!);
  for (let i = 0; i < before.length; i++) wake(s, before[i]!);
  submitChecks(s, unit);
}

const wake = (s: EngineState, u: Unit): void => { if (u.job) addToRunQueue(s, u.job); };

function uninstallJob(s: EngineState, job: Job, result: JobResult, cause: JobEndCause): void {
  const unit = job.unit;
  if (unit.job === job) unit.job = null;
  if (unit.nopJob === job) unit.nopJob = null;
  job.installed = false;
  if (isStopLike(job.type)) s.stopLikeJobs--;
  job.result = result;
  job.cause = cause;
  s.jobs.delete(job.id);
  exclusiveJobRemoved(s, job);
  if (job.deadlineSetting !== null) s.ports.timers.cancel(jobTimerId(job.id));
  rememberEndedJob(s, job);
  s.ports.events.emit({ kind: 'JobRemoved', job: jobInfo(job), result, cause });
}

/** Keeps the last ENDED_JOBS_KEPT ended jobs answerable, forgetting the oldest first. */
function rememberEndedJob(s: EngineState, job: Job): void {
  s.ended[s.endedNext] = job;
  s.endedNext = (s.endedNext + 1) % ENDED_JOBS_KEPT;
}

/**
 * 02 §9.1: the unit's state changed; decide whether its job is done. Returns true when the
 * change was "unexpected" (not the job's natural completion), which drives retroactive jobs.
 */
export function processJobOnStateChange(s: EngineState, job: Job, ns: ActiveState, reloadFailed: boolean): boolean {
  if (job.state === 'waiting') addToRunQueue(s, job);
  const running = job.state === 'running';
  switch (job.type) {
    case 'start':
    case 'verify-active':
      if (isActiveOrReloading(ns)) { finishInState(s, job, 'done', ns); return false; }
      if (running && ns !== 'activating') {
        if (isInactiveOrFailed(ns)) finishFailedOrDone(s, job, ns);
        return true;
      }
      return false;
    case 'reload':
      if (!running) return false;
      if (ns === 'active') { finish(s, job, reloadFailed ? 'failed' : 'done', reloadFailed ? `reloading ${job.unit.id} failed` : 'reloaded'); return false; }
      if (ns !== 'activating' && ns !== 'reloading') {
        if (isInactiveOrFailed(ns)) finishFailedOrDone(s, job, ns);
        return true;
      }
      return false;
    case 'stop':
    case 'restart':
      if (isInactiveOrFailed(ns)) { finishInState(s, job, 'done', ns); return false; }
      if (running && ns !== 'deactivating') {
        finish(s, job, 'failed', `${job.unit.id} became ${ns} while stopping`);
        return true;
      }
      return false;
    case 'nop':
      return false;
  }
}

const causeKind = (result: JobResult): JobEndCause['kind'] => (result === 'done' ? 'completed' : 'unit-failed');

/** The job ends because of the unit's new state. */
function finish(s: EngineState, job: Job, result: JobResult, text: string): void {
  endJob(s, job, result, true, false, { kind: causeKind(result), text, unit: job.unit.id });
}

/** finish() with the text "<unit> is <state>", made only if read (UnitStateCause). */
function finishInState(s: EngineState, job: Job, result: JobResult, ns: ActiveState): void {
  endJob(s, job, result, true, false, new UnitStateCause(causeKind(result), job.unit.id, ns));
}

/** The unit went inactive or failed under a running job: failed with the unit's result, else done. */
function finishFailedOrDone(s: EngineState, job: Job, ns: ActiveState): void {
  if (ns !== 'failed') { finishInState(s, job, 'done', ns); return; }
  const unit = job.unit;
  const result = unit.ops.status(unit, unit.runtime).result;
  finish(s, job, 'failed', result ? `${unit.id} failed with result '${result}'` : `${unit.id} failed`);
}
