// The state the manager's modules share. Manager owns one instance; the modules (loading, job
// running, state-change handling, properties) are functions over it, so each stays small.
import type { DependencyGraph } from './deps.ts';
import type { ExclusiveState } from './exclusive.ts';
import type { Job } from './job.ts';
import type { JobTable } from './job-table.ts';
import type { IdTable } from './id-table.ts';
import type { Ports } from './ports.ts';
import type { RunQueue } from './run-queue.ts';
import type { ExecId, JobId, UnitName, Usec } from './types.ts';
import type { Stamp, Unit } from './unit.ts';
import type { UnitFileIndex } from './unit-file/search.ts';
import type { UnitContext } from './unit-types/index.ts';

export interface EngineState {
  readonly ports: Ports;
  readonly unitPath: readonly string[];
  index: UnitFileIndex;
  /** Every name (id and aliases) → its unit. */
  readonly units: Map<UnitName, Unit>;
  graph: DependencyGraph;
  /** Installed jobs by id (job-table.ts). */
  readonly jobs: JobTable;
  nextJobId: JobId;
  readonly execs: IdTable<Unit>;
  nextExecId: ExecId;
  /** Installed jobs that may be able to make progress, best first (02 §7.1, run-queue.ts). */
  readonly runQueue: RunQueue;
  /** How many installed jobs are stop-like (stop, restart): none means no start job waits for one. */
  stopLikeJobs: number;
  /**
   * The last ENDED_JOBS_KEPT ended jobs, so clients can ask why they ended: a ring written at
   * `endedNext`, overwriting the oldest. The Job itself (nothing changes it once uninstalled);
   * GetJob copies it out, so ending a job allocates no copy and touches no map.
   */
  readonly ended: (Job | undefined)[];
  endedNext: number;
  /** Continuous checks of 01 §7, drained after every input. */
  readonly upholdQueue: Set<Unit>;
  readonly boundQueue: Set<Unit>;
  readonly unneededQueue: Set<Unit>;
  /** Per-unit limiter shared by the three checks' actions (01 §7: 16 per 10 s). */
  readonly checkLimits: Map<UnitName, { begin: Usec; count: number; retryArmed: boolean }>;
  /** Units to unload once the manager settles (collect.ts). */
  readonly collectQueue: Set<Unit>;
  /** The context handed to unit types, built once by the manager. */
  context: UnitContext | null;
  shuttingDown: boolean;
  /** Exclusive= groups: holders and waiting start jobs (exclusive.ts). */
  readonly exclusive: ExclusiveState;
  idleAnnounced: boolean;
  /** The Stamp last handed out by currentStamp(). */
  lastStamp: Stamp;
  /** When the manager started (OnStartupSec=, OnBootSec= and missed calendar elapses count from it). */
  readonly startup: { readonly realtime: Usec; readonly monotonic: Usec };
}

/** How many ended jobs stay answerable by GetJob. */
export const ENDED_JOBS_KEPT = 1024;

/** An ended job still remembered, by id (a scan: asked by clients only, never on a hot path). */
export function endedJob(s: EngineState, id: JobId): Job | undefined {
  return s.ended.find((j) => j?.id === id);
}

/**
 * Now, on both clocks. Stamps are never changed in place, so while neither clock moved every
 * state change shares one object instead of each unit keeping its own copy.
 */
export function currentStamp(s: EngineState): Stamp {
  const realtime = s.ports.clock.realtime();
  const monotonic = s.ports.clock.now();
  const last = s.lastStamp;
  if (last.realtime === realtime && last.monotonic === monotonic) return last;
  return (s.lastStamp = { realtime, monotonic });
}
