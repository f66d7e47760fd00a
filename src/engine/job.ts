// The job record (02 §4) and its public shapes. A job lives in exactly one slot of one unit
// while installed; the manager's job table indexes installed jobs by id.
import type { JobDetails, JobSummary } from './api.ts';
import type { JobEndCause, JobInfo, JobOrigin } from './events.ts';
import type { InstallableJobType, JobId, JobResult, JobState, Usec } from './types.ts';
import type { Unit } from './unit.ts';

export interface Job {
  readonly id: JobId;
  readonly unit: Unit;
  type: InstallableJobType;
  state: JobState;
  irreversible: boolean;
  ignoreOrder: boolean;
  installed: boolean;
  inRunQueue: boolean;
  /** The unit's run-queue key when the job was installed (run-queue.ts's priorityKey). */
  readonly priority: number;
  readonly installedAt: Usec;
  /** Why the job exists; kept from the first transaction that created it. */
  readonly origin: JobOrigin;
  /** Deadline of the job's own timer (JobTimeoutSec=), Infinity when none. */
  deadline: Usec;
  /** Which setting armed the deadline, for the cause text when it expires. */
  deadlineSetting: 'JobTimeoutSec' | 'JobRunningTimeoutSec' | null;
  result: JobResult | null;
  cause: JobEndCause | null;
}

export const jobTimerId = (id: JobId): string => `job:${id}`;

export const jobInfo = (j: Job): JobInfo => ({ id: j.id, unit: j.unit.id, type: j.type, state: j.state, origin: j.origin });

export const jobSummary = (j: Job): JobSummary => ({ id: j.id, unit: j.unit.id, type: j.type, state: j.state });

export const jobDetails = (j: Job): JobDetails =>
  ({ id: j.id, unit: j.unit.id, type: j.type, state: j.state, origin: j.origin, result: j.result, cause: j.cause });


/** "replaced by start job 42 for web.service (requested by unitctl, pid 881)" and friends. */
export function describeOrigin(o: JobOrigin): string {
  switch (o.kind) {
    case 'client': return `requested by ${o.client}${o.pid !== null ? `, pid ${o.pid}` : ''}`;
    case 'dependency': return `pulled in by ${o.jobType} job${o.job !== null ? ` ${o.job}` : ''} for ${o.unit} via ${o.dependency}`;
    case 'internal': return o.reason;
  }
}
