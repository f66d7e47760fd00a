// Installed jobs by id. Ids only grow and most jobs end soon after they are installed, so the
// table is an array indexed by id from the oldest live one: installing appends, ending clears a
// slot. A Map would hash every id and rehash itself as it grows and shrinks with each boot's
// jobs. Jobs that outlive many younger ones move to a small map, so one job that waits for days
// does not keep a slot for every job installed since.
import type { Job } from './job.ts';
import type { JobId } from './types.ts';

/** Window length below which it is never compacted. */
const MIN_WINDOW = 1024;

export class JobTable {
  /** slots[i] is the job with id base + i, or undefined once it ended. */
  private slots: (Job | undefined)[] = [];
  private base = 1;
  /** Index of the first slot that may hold a job. */
  private head = 0;
  /** Old jobs moved out of the window (all ids below base), nearly always in id order. */
  private readonly old = new Map<JobId, Job>();
  private count = 0;

  get size(): number { return this.count; }

  get(id: JobId): Job | undefined {
    const i = id - this.base;
    return i >= this.head && i < this.slots.length ? this.slots[i] : id < this.base ? this.old.get(id) : undefined;
  }

  /**
   * Adds a job. Ids only grow, but a job can be added after a younger one (installing it may end
   * the job it replaces, and what that triggers may install another first): then it takes the
   * slot left for it, or goes to `old` if the window has moved past it.
   */
  add(job: Job): void {
    const i = job.id - this.base;
    if (i >= this.slots.length) {
      while (this.slots.length < i) this.slots.push(undefined);
      this.slots.push(job);
    } else if (i >= 0) {
      this.slots[i] = job;
      if (i < this.head) this.head = i;
    } else {
      this.old.set(job.id, job);
    }
    this.count++;
  }

  delete(id: JobId): void {
    const i = id - this.base;
    if (i >= this.head && i < this.slots.length) {
      if (this.slots[i] === undefined) return;
      this.slots[i] = undefined;
      this.count--;
      while (this.head < this.slots.length && this.slots[this.head] === undefined) this.head++;
      this.compact();
    } else if (id < this.base && this.old.delete(id)) {
      this.count--;
    }
  }

  /** Every job, in id order but for a job added after a younger one had left the window. */
  forEach(f: (job: Job) => void): void {
    this.old.forEach((j) => f(j));
    const slots = this.slots;
    for (let i = this.head; i < slots.length; i++) {
      const j = slots[i];
      if (j !== undefined) f(j);
    }
  }

  /** Every job in id order, as a new array. */
  list(): Job[] {
    const out: Job[] = [];
    this.forEach((j) => out.push(j));
    return out.sort((a, b) => a.id - b.id); // already sorted but in that rare case: a linear pass
  }

  /**
   * Drops the ended prefix once it is half the window; when hardly any slot is live (an old job
   * holds the window open), the older half's few live jobs move to `old`.
   */
  private compact(): void {
    const slots = this.slots;
    if (slots.length < MIN_WINDOW) return;
    let cut = 0;
    if (this.head * 2 >= slots.length) cut = this.head;
    else if ((this.count - this.old.size) * 16 < slots.length) {
      cut = slots.length >> 1;
      for (let i = this.head; i < cut; i++) {
        const j = slots[i];
        if (j !== undefined) this.old.set(j.id, j);
      }
    }
    if (cut === 0) return;
    this.slots = slots.slice(cut);
    this.base += cut;
    this.head = 0;
    while (this.head < this.slots.length && this.slots[this.head] === undefined) this.head++;
  }
}
