// The job record (02 §4) and its public shapes. A job lives in exactly one slot of one unit
// while installed; the manager's job table indexes installed jobs by id.
import type { JobDetails, JobSummary } from './api.ts';
import type { JobEndCause, JobInfo, JobOrigin } from './events.ts';
import type { ActiveState, InstallableJobType, JobId, JobResult, JobState, UnitName, Usec } from './types.ts';
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
  /** Why the job exists; kept from the first transaction that created it. */
  readonly origin: JobOrigin;
  /** Deadline of the job's own timer (JobTimeoutSec=); meaningless while deadlineSetting is null. */
  deadline: Usec;
  /** Which setting armed the deadline (for the cause text when it expires), null when none did. */
  deadlineSetting: 'JobTimeoutSec' | 'JobRunningTimeoutSec' | null;
  result: JobResult | null;
  cause: JobEndCause | null;
  /** The JobInfo handed out while running (jobInfo), reused while type and state are unchanged. */
  info: JobInfo | null;
}

export const jobTimerId = (id: JobId): string => `job:${id}`;

/**
 * The job's public facts now. JobInfo is immutable, so a running job's JobChanged and JobRemoved
 * share one. Only a running job keeps its copy: a waiting job's would outlive young-generation
 * collections for nothing.
 */
export function jobInfo(j: Job): JobInfo {
  const last = j.info;
  if (last !== null && last.type === j.type && last.state === j.state) return last;
  const info: JobInfo = { id: j.id, unit: j.unit.id, type: j.type, state: j.state, origin: j.origin };
  j.info = j.state === 'running' ? info : null;
  return info;
}

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

/**
 * "web.service is active": why a job ended that its unit's new state completed. Few are ever read
 * (clients ask for few jobs), so the text is made when read, not for every job; JSON (signals,
 * GetJob) sees the same { kind, text, unit } as a plain cause.
 */
export class UnitStateCause implements JobEndCause {
  readonly kind: JobEndCause['kind'];
  readonly unit: UnitName;
  private readonly state: ActiveState;

  constructor(kind: JobEndCause['kind'], unit: UnitName, state: ActiveState) {
    this.kind = kind;
    this.unit = unit;
    this.state = state;
  }

  get text(): string { return `${this.unit} is ${this.state}`; }

  toJSON(): JobEndCause { return { kind: this.kind, text: this.text, unit: this.unit }; }
}
