// What the engine tells the world: job and unit notifications and log records. The daemon
// turns these into RPC signals and log lines; the simulation records them as a trace.
import type { ReloadReport } from './api.ts';
import type { ActiveState, InstallableJobType, JobId, JobResult, JobState, UnitName } from './types.ts';

/** orderly: stop jobs for every unit first; force: no stop jobs, every process is killed; immediate: SIGKILL now. */
export type ShutdownMode = 'orderly' | 'force' | 'immediate';

/** Who asked for a job: a client request, or a unit whose job or state change pulled it in. */
export type JobOrigin =
  | { readonly kind: 'client'; readonly client: string; readonly pid: number | null; readonly request: string; readonly mode: string }
  | { readonly kind: 'dependency'; readonly unit: UnitName; readonly dependency: string; readonly job: JobId | null; readonly jobType: string }
  | { readonly kind: 'internal'; readonly reason: string };

/** Why a job ended the way it did; `text` is the one-line explanation the client prints. */
export interface JobEndCause {
  readonly kind: 'completed' | 'replaced' | 'dependency' | 'canceled-by-client' | 'flushed' | 'timeout' | 'unit-failed' | 'bound' | 'conflicted' | 'other';
  readonly text: string;
  readonly job?: JobId;
  readonly unit?: UnitName;
}

export interface JobInfo {
  readonly id: JobId;
  readonly unit: UnitName;
  readonly type: InstallableJobType;
  readonly state: JobState;
  readonly origin: JobOrigin;
}

export type EngineEvent =
  | { readonly kind: 'JobNew'; readonly job: JobInfo }
  | { readonly kind: 'JobChanged'; readonly job: JobInfo }
  | { readonly kind: 'JobRemoved'; readonly job: JobInfo; readonly result: JobResult; readonly cause: JobEndCause }
  | { readonly kind: 'UnitStateChanged'; readonly unit: UnitName; readonly oldState: ActiveState; readonly activeState: ActiveState; readonly subState: string }
  | { readonly kind: 'Log'; readonly level: 'debug' | 'info' | 'notice' | 'warning' | 'error'; readonly unit: UnitName | null; readonly message: string }
  /** Every job is done and no unit is changing: the daemon may exit after a shutdown. */
  | { readonly kind: 'Idle' }
  /**
   * SuccessAction=/FailureAction=/StartLimitAction= asked the manager to end: how, and with which
   * status (null: keep the manager's current one).
   */
  | { readonly kind: 'ExitRequested'; readonly status: number | null; readonly mode: ShutdownMode; readonly reason: string }
  /** Unit files changed on disk (watcher): which loaded units are stale, and the reload report if one ran. */
  | { readonly kind: 'UnitFilesChanged'; readonly changed: readonly UnitName[]; readonly report: ReloadReport | null }
  /** A daemon-reload finished (client, SIGHUP or automatic): what changed. */
  | { readonly kind: 'Reloaded'; readonly report: ReloadReport };
