// Exclusive=NAME (unitd extension, issue 8): members of a group never run at the same time; a
// start job of a member waits, in enqueue order, while another member is not inactive. Owns the
// group bookkeeping and the one decision; ordering stays with job-runner's isRunnable.
//
// Model. A member *holds* its groups from the moment it leaves inactive/failed until it is back
// there (activating, active, reloading, deactivating and maintenance all hold), so a long-running
// service holds while it runs and a oneshot with RemainAfterExit=yes until it is stopped. Holding
// follows the active state, not a job: whatever activates a unit holds, and the hold ends exactly
// when the unit is inactive again. Only `start` jobs ever wait here; stop, reload, verify-active,
// nop and the stop half of a restart never do, so a holder can always be stopped.
//
// The decision (exclusiveAllows), taken only after the job passed its ordering check:
//   1. the unit already holds its groups (a start merged into its own activation): run;
//   2. some group has another holder: wait; the job is woken when that holder ends;
//   3. an earlier start job (lower id: enqueued first) of a member of one of its groups is in the
//      run queue: let it go first, and come back in the queue's next round, after it, whatever
//      the two units' priorities (enqueue order, across groups too);
//   4. otherwise run, and the activation takes every group at once (all or nothing).
//
// Why this cannot deadlock, also with ordering: a job waits here only for (a) a holder unit to
// become inactive, or (b) an earlier job that is already in the run queue and is decided before
// this one is looked at again. (b) never persists: the earliest such job never yields, so each
// round settles one job. (a) depends on no start job: stop jobs never wait here, and ordering
// makes a stop job wait only for stop-like jobs, which never wait here either. So no cycle of
// waits can pass through a group. Jobs that are not yet runnable by ordering do not take part,
// so a job blocked by After= never holds a group hostage.
import { addToRunQueue, deferInRunQueue } from './job-runner.ts';
import type { EngineState } from './engine-state.ts';
import type { Job } from './job.ts';
import { isInactiveOrFailed } from './states.ts';
import type { ActiveState } from './types.ts';
import type { Unit } from './unit.ts';

export interface ExclusiveState {
  /** Group → members holding it (one, unless a member was activated without a job). */
  readonly holders: Map<string, Set<Unit>>;
  /** Member → the groups it took when it left inactive; a daemon-reload changes them only at its next start. */
  readonly held: Map<Unit, readonly string[]>;
  /** Group → jobs of its members that were looked at by the runnable check, by id (enqueue order). */
  readonly waiters: Map<string, Job[]>;
  /** Job → the groups it is filed under (its unit's groups when it was last decided). */
  readonly filed: Map<Job, readonly string[]>;
  /** Jobs whose wait for a holder was logged, so it is logged once per job. */
  readonly logged: Set<Job>;
}

export const newExclusiveState = (): ExclusiveState => ({ holders: new Map(), held: new Map(), waiters: new Map(), filed: new Map(), logged: new Set() });

const groupsOf = (u: Unit): readonly string[] => u.exclusive;

/**
 * Files a job of a member under its groups, in id order. Called when the job is installed or
 * merged into, and for every job after a reload (the only change of a unit's groups), so a later
 * job sees an earlier one that is in the run queue even if ordering holds it back. Jobs of
 * every type are filed: a restart turns into a start and a merge can make any job a start, and
 * they keep their place (only waiting start jobs count in the decision).
 */
export function fileExclusive(s: EngineState, job: Job): void {
  if (job.type === 'nop') return;
  const groups = groupsOf(job.unit);
  if (groups.length > 0 || (s.exclusive.filed.size > 0 && s.exclusive.filed.has(job))) file(s, job, groups);
}

/** The decision above, for a job its ordering lets run; O(groups × waiters of those groups). */
export function exclusiveAllows(s: EngineState, job: Job): boolean {
  // Every installed job with groups is filed (fileExclusive): with none filed, this one has none.
  if (job.type !== 'start' || s.exclusive.filed.size === 0) return true;
  const groups = groupsOf(job.unit);
  if (groups.length === 0 || s.exclusive.held.has(job.unit)) return true;
  if (isHeldByOther(s, groups, job.unit)) {
    if (!s.exclusive.logged.has(job)) {
      s.exclusive.logged.add(job);
      s.ports.events.emit({ kind: 'Log', level: 'info', unit: job.unit.id, message: `Job ${job.id} ${job.unit.id}/start waits for ${exclusiveWaitText(s, job.unit)}.` });
    }
    return false;
  }
  const first = earlierInQueue(s, job, groups);
  if (!first) return true;
  // `first` is decided before this job comes round again, whatever the two units' priorities.
  deferInRunQueue(s, job);
  return false;
}

const isHeldByOther = (s: EngineState, groups: readonly string[], self: Unit): boolean =>
  groups.some((g) => otherHolders(s, g, self).length > 0);

function otherHolders(s: EngineState, group: string, self: Unit): Unit[] {
  const h = s.exclusive.holders.get(group);
  return h ? [...h].filter((u) => u !== self) : [];
}

function earlierInQueue(s: EngineState, job: Job, groups: readonly string[]): Job | null {
  for (const g of groups) {
    for (const other of s.exclusive.waiters.get(g) ?? []) {
      if (other.id >= job.id) break;
      if (other.inRunQueue && isWaitingStart(other) && groupsOf(other.unit).includes(g)) return other;
    }
  }
  return null;
}

const isWaitingStart = (j: Job): boolean => j.installed && j.type === 'start' && j.state === 'waiting';

/** Files the job under its unit's current groups, keeping each list in id order. */
function file(s: EngineState, job: Job, groups: readonly string[]): void {
  const ex = s.exclusive;
  const old = ex.filed.get(job);
  if (old === groups) return;
  if (old) unfile(s, job, old.filter((g) => !groups.includes(g)));
  for (const g of groups) {
    if (old?.includes(g)) continue;
    const list = ex.waiters.get(g) ?? [];
    let i = list.length;
    while (i > 0 && list[i - 1]!.id > job.id) i--;
    list.splice(i, 0, job);
    ex.waiters.set(g, list);
  }
  if (groups.length > 0) ex.filed.set(job, groups); else ex.filed.delete(job);
}

function unfile(s: EngineState, job: Job, groups: readonly string[]): void {
  for (const g of groups) {
    const list = s.exclusive.waiters.get(g);
    if (!list) continue;
    const i = list.indexOf(job);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) s.exclusive.waiters.delete(g);
  }
}

/** A job left its slot: it no longer waits anywhere. Nothing waits on a waiting job, so nobody is woken. */
export function exclusiveJobRemoved(s: EngineState, job: Job): void {
  // Without Exclusive= anywhere both maps are empty; asking them would hash every job.
  if (s.exclusive.filed.size === 0 && s.exclusive.logged.size === 0) return;
  s.exclusive.logged.delete(job);
  const groups = s.exclusive.filed.get(job);
  if (!groups) return;
  unfile(s, job, groups);
  s.exclusive.filed.delete(job);
}

/** Called on every active-state change: leaving inactive takes the groups, returning releases them. */
export function exclusiveStateChanged(s: EngineState, u: Unit, os: ActiveState, ns: ActiveState): void {
  const ex = s.exclusive;
  if (ex.held.size === 0 && groupsOf(u).length === 0) return; // nothing to take, nothing to release
  if (!isInactiveOrFailed(ns) && !ex.held.has(u)) {
    const groups = groupsOf(u);
    if (groups.length === 0 || !isInactiveOrFailed(os)) return;
    for (const g of groups) {
      const others = otherHolders(s, g, u);
      if (others.length > 0) warn(s, u, `${u.id} became ${ns} while Exclusive=${g} is held by ${others.map((o) => o.id).join(', ')}`);
      const set = ex.holders.get(g) ?? new Set<Unit>();
      set.add(u);
      ex.holders.set(g, set);
    }
    ex.held.set(u, groups);
    return;
  }
  const held = ex.held.get(u);
  if (!held || !isInactiveOrFailed(ns)) return;
  ex.held.delete(u);
  for (const g of held) {
    const set = ex.holders.get(g);
    set?.delete(u);
    if (set?.size === 0) ex.holders.delete(g);
    wakeGroup(s, g);
  }
}

/** After a daemon-reload: every filed job decides again under its unit's new groups. */
export function exclusiveReloaded(s: EngineState): void {
  // Jobs are filed when installed, under their units' groups of then.
  s.jobs.forEach((j) => fileExclusive(s, j));
  for (const g of [...s.exclusive.waiters.keys()]) wakeGroup(s, g);
}

function wakeGroup(s: EngineState, group: string): void {
  for (const j of s.exclusive.waiters.get(group) ?? []) if (isWaitingStart(j)) addToRunQueue(s, j);
}

function warn(s: EngineState, u: Unit, message: string): void {
  s.ports.events.emit({ kind: 'Log', level: 'warning', unit: u.id, message });
}

/** Members other than `u` holding a group `u` would need, by group (for list-jobs, status, dry runs). */
export function exclusiveBlockers(s: EngineState, u: Unit): { group: string; holders: string[] }[] {
  if (s.exclusive.held.has(u)) return [];
  const out: { group: string; holders: string[] }[] = [];
  for (const g of groupsOf(u)) {
    const others = otherHolders(s, g, u);
    if (others.length > 0) out.push({ group: g, holders: others.map((o) => o.id).sort() });
  }
  return out;
}

/** "Exclusive=mail held by mail-full.service": why a start job of `u` waits, or null. */
export function exclusiveWaitText(s: EngineState, u: Unit): string | null {
  const b = exclusiveBlockers(s, u);
  return b.length === 0 ? null : b.map((x) => `Exclusive=${x.group} held by ${x.holders.join(', ')}`).join('; ');
}

/** JobSummary.waiting for a start job that waits for a group, else null. */
export function exclusiveJobWait(s: EngineState, job: Job): string | null {
  return job.type === 'start' && job.state === 'waiting' ? exclusiveWaitText(s, job.unit) : null;
}

/** The optional fields of JobSummary/UnitStatus: present only when there is something to say. */
export function exclusiveJobFields(s: EngineState, job: Job): { waiting?: string } {
  const waiting = exclusiveJobWait(s, job);
  return waiting === null ? {} : { waiting };
}

export function exclusiveStatusFields(s: EngineState, u: Unit): { exclusive?: string } {
  const exclusive = exclusiveStatusText(s, u);
  return exclusive === null ? {} : { exclusive };
}

/** status's line: "mail (held by mail-full.service), backup (free)"; null for a unit in no group. */
function exclusiveStatusText(s: EngineState, u: Unit): string | null {
  const held = s.exclusive.held.get(u);
  const groups = [...new Set([...groupsOf(u), ...(held ?? [])])];
  if (groups.length === 0) return null;
  const waiting = u.job?.type === 'start' && u.job.state === 'waiting';
  return groups.map((g) => {
    if (held?.includes(g)) return `${g} (held by this unit)`;
    const others = otherHolders(s, g, u).map((o) => o.id).sort();
    if (others.length === 0) return `${g} (free)`;
    return `${g} (${waiting ? 'waiting behind' : 'held by'} ${others.join(', ')})`;
  }).join(', ');
}
