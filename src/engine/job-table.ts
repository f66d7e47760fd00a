// Installed jobs by id (IdTable: ids only grow and most jobs end soon after they are installed).
import { IdTable } from './id-table.ts';
import type { Job } from './job.ts';

export class JobTable extends IdTable<Job> {
  add(job: Job): void { this.set(job.id, job); }

  /** Every job in id order, as a new array. */
  list(): Job[] {
    const out: Job[] = [];
    this.forEach((j) => out.push(j));
    return out.sort((a, b) => a.id - b.id); // already sorted but in that rare case: a linear pass
  }
}
