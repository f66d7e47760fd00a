// The run queue (02 §7.1): a binary heap drained best first in systemd's order (unit.c's
// unit_compare_priority): unit type scope, slice, path, timer, automount, device, target,
// socket, swap, mount, service; then CPU weight (no cgroups here: every unit has the default);
// then lower Nice= first; then unit name. Targets therefore run before the services ordered
// after them, which spares those services a check that could only say "wait".
import type { Job } from './job.ts';
import type { UnitName, UnitType } from './types.ts';

/** Lower runs first: systemd's UnitType enum, highest value first. */
const TYPE_RANK: Readonly<Record<UnitType, number>> = {
  scope: 0, slice: 1, path: 2, timer: 3, automount: 4, device: 5, target: 6, socket: 7, swap: 8, mount: 9, service: 10,
};

const NAME_CHARS = 6;
const NAME_BITS = 7 * NAME_CHARS;

/**
 * The unit's place in the queue as one number: type rank, Nice= and the first six characters of
 * its name (unit names are ASCII: 7 bits each), 52 bits in all, so it is an exact integer.
 * Smaller keys run first; equal keys fall back to comparing whole names. Comparing numbers
 * instead of names spares the heap a string compare (two cache misses) per step.
 */
export function priorityKey(id: UnitName, type: UnitType, nice: number): number {
  let key = TYPE_RANK[type] * 64 + Math.min(Math.max(nice, -20), 19) + 20;
  for (let i = 0; i < NAME_CHARS; i++) key = key * 128 + (i < id.length ? id.charCodeAt(i) & 127 : 0);
  return key;
}

/** True when the job keyed `ka` runs before the one keyed `kb`. */
const before = (ka: number, a: Job, kb: number, b: Job): boolean => ka < kb || (ka === kb && a.unit.id < b.unit.id);

export class RunQueue {
  // Two parallel arrays: comparisons read only the packed keys until two of them tie.
  private readonly keys: number[] = [];
  private readonly jobs: Job[] = [];
  /** Jobs that let an earlier job go first (Exclusive=): back in the heap once it is empty. */
  private deferred: Job[] = [];

  get size(): number { return this.jobs.length + this.deferred.length; }

  /**
   * Queues a job for the next round: it is not looked at again before every job queued now has
   * been, whatever their priorities, so the jobs it yields to are decided first.
   */
  defer(job: Job): void { this.deferred.push(job); }

  push(job: Job): void {
    const { keys, jobs } = this;
    const key = job.priority;
    let i = jobs.length;
    keys.push(key);
    jobs.push(job);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(key, job, keys[parent]!, jobs[parent]!)) break;
      keys[i] = keys[parent]!;
      jobs[i] = jobs[parent]!;
      i = parent;
    }
    keys[i] = key;
    jobs[i] = job;
  }

  /** The best job, removed; undefined when empty. */
  pop(): Job | undefined {
    const { keys, jobs } = this;
    if (jobs.length === 0) {
      if (this.deferred.length === 0) return undefined;
      const round = this.deferred;
      this.deferred = [];
      for (let i = 0; i < round.length; i++) this.push(round[i]!);
    }
    const top = jobs[0]!;
    const lastKey = keys.pop()!;
    const last = jobs.pop()!;
    const n = jobs.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(keys[r]!, jobs[r]!, keys[l]!, jobs[l]!) ? r : l;
      if (!before(keys[c]!, jobs[c]!, lastKey, last)) break;
      keys[i] = keys[c]!;
      jobs[i] = jobs[c]!;
      i = c;
    }
    keys[i] = lastKey;
    jobs[i] = last;
    return top;
  }
}
