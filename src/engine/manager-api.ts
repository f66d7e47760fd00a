// The manager's surface as the daemon and the simulation see it. Manager implements it; the
// daemon's RPC methods call it, and nothing else of the engine is reachable from outside.
import type { DependencyNode, EnqueueResult, JobDetails, JobSummary, ReloadReport, SystemStateReport, TimerSummary, UnitFileEntry, UnitFileText, UnitFilesFlags, UnitFilesOp, UnitFilesReply, UnitStatus, UnitSummary } from './api.ts';
import type { Result } from './errors.ts';
import type { Input } from './inputs.ts';
import type { JobId, JobMode, RequestType, UnitName } from './types.ts';

/** Who is asking: used for job origins ("requested by unitctl, pid 881") and authorisation. */
export interface RequestContext {
  readonly client: string;
  readonly pid: number | null;
  readonly uid: number | null;
}

export interface EnqueueRequest {
  readonly unit: string;
  readonly type: RequestType;
  readonly mode: JobMode;
  readonly dryRun?: boolean;
  /** false: the reply's `jobs` stays empty unless this is a dry run (default true). */
  readonly listJobs?: boolean;
}

export interface ManagerApi {
  /** Feeds one outside event; returns when every consequence except running queued jobs is done. */
  handle(input: Input): void;
  /** True when installed jobs wait in the run queue; the daemon then calls dispatch() once idle. */
  hasQueuedJobs(): boolean;
  /** Runs queued jobs (02 §7.1: lowest priority, after replies and pending inputs). */
  dispatch(): void;

  enqueue(req: EnqueueRequest, who: RequestContext): Result<EnqueueResult>;
  listJobs(): JobSummary[];
  getJob(id: JobId): Result<JobDetails>;
  jobOrder(id: JobId): Result<{ waitingFor: JobSummary[]; blocking: JobSummary[] }>;
  cancelJob(id: JobId, who: RequestContext): Result<void>;
  clearJobs(who: RequestContext): number;
  listUnits(options: { all: boolean }): UnitSummary[];
  listTimers(): { timers: TimerSummary[]; nowUsec: number };
  unitProperties(unit: string, names: readonly string[] | null): Result<{ unit: UnitName; properties: [string, string][] }>;
  unitStatus(unit: string): Result<UnitStatus>;
  resetFailed(unit: string | null): Result<void>;
  killUnit(unit: string, whom: 'main' | 'control' | 'all', signal: number): Result<number>;
  /** daemon-reload: re-read every unit file, keep runtime state, report what changed. */
  reload(): ReloadReport;
  /** Boot: start default.target if it exists (mode replace). */
  startDefaultTarget(): void;
  /** Shutdown: stop every unit in reverse dependency order; emits Idle when all are down. */
  beginShutdown(): void;
  /** No jobs installed and, during shutdown, every unit inactive or failed. */
  isIdle(): boolean;
  /** enable/disable/reenable/mask/unmask/preset: the plan of symlink changes (the daemon applies it). */
  planUnitFiles(op: UnitFilesOp, units: readonly string[], presetMode?: 'full' | 'enable-only' | 'disable-only', flags?: UnitFilesFlags): Result<UnitFilesReply>;
  /** is-enabled (04 §10). */
  unitFileState(unit: string): Result<string>;
  listUnitFiles(): UnitFileEntry[];
  /** cat: fragment and drop-ins as they are on disk now. */
  unitFileText(unit: string): Result<UnitFileText>;
  /** list-dependencies (dependency-tree.ts). */
  unitDependencies(unit: string, options: { reverse: boolean; all: boolean; order?: 'after' | 'before' | undefined }): Result<DependencyNode>;
  /** is-system-running (system-state.ts). */
  systemState(): SystemStateReport;
  /** The manager environment services inherit (manager-environment.ts). */
  showEnvironment(): string[];
  setEnvironment(assignments: readonly string[]): Result<void>;
  unsetEnvironment(names: readonly string[]): Result<void>;
}
