// The JSON-RPC protocol between unitd and its clients: method names, params, results and the
// signals the daemon sends to subscribed clients. Pure types and constants (the client imports
// this file, so it must stay free of runtime dependencies). docs/rpc.md describes it for humans.
import type { JobEndCause, JobOrigin } from './events.ts';
import type { ActiveState, JobId, JobMode, JobResult, JobState, LoadState, RequestType, UnitName } from './types.ts';

export const PROTOCOL_VERSION = 1;
/** Largest accepted message (one line of NDJSON), in bytes. */
export const MAX_MESSAGE_BYTES = 1 << 20;

export interface JobSummary {
  readonly id: JobId;
  readonly unit: UnitName;
  readonly type: string;
  readonly state: JobState;
}

/** Every method: params and result. Methods that change state require an authorised peer. */
export interface Methods {
  /** Start receiving signals on this connection (like systemd's Subscribe()). */
  Subscribe: { params: Record<string, never>; result: { subscribed: true } };
  Unsubscribe: { params: Record<string, never>; result: { subscribed: false } };
  /** Enqueue one request for one unit. The reply is sent before any job of it runs. */
  EnqueueUnitJob: {
    params: { unit: string; type: RequestType; mode: JobMode; dryRun?: boolean };
    result: EnqueueResult;
  };
  ListJobs: { params: Record<string, never>; result: { jobs: JobSummary[] } };
  /** Looks a job up, also for a while after it ended (its result and cause). */
  GetJob: { params: { id: JobId }; result: JobDetails };
  CancelJob: { params: { id: JobId }; result: Record<string, never> };
  /** Cancels every job (systemctl cancel without arguments). */
  ClearJobs: { params: Record<string, never>; result: { canceled: number } };
  ListUnits: { params: { all?: boolean }; result: { units: UnitSummary[] } };
  /** Properties in systemctl show's order, values already formatted as show prints them. */
  GetUnitProperties: { params: { unit: string; properties?: string[] }; result: { unit: UnitName; properties: [string, string][] } };
  GetUnitStatus: { params: { unit: string }; result: UnitStatus };
  ResetFailed: { params: { unit?: string }; result: Record<string, never> };
  KillUnit: { params: { unit: string; whom: 'main' | 'control' | 'all'; signal: number }; result: { signalled: number } };
  /** daemon-reload; returns when the new configuration is in place. */
  Reload: { params: Record<string, never>; result: ReloadReport };
  /** Stops everything and ends the daemon with this status (exit/poweroff/halt). */
  Exit: { params: { status?: number }; result: Record<string, never> };
  Ping: { params: Record<string, never>; result: { version: number; pid: number } };
}

export type MethodName = keyof Methods;
export type Params<M extends MethodName> = Methods[M]['params'];
export type Reply<M extends MethodName> = Methods[M]['result'];

/** Methods any local user may call; everything else needs the socket owner's uid or root. */
export const READ_ONLY_METHODS: ReadonlySet<MethodName> = new Set<MethodName>([
  'Subscribe', 'Unsubscribe', 'ListJobs', 'GetJob', 'ListUnits', 'GetUnitProperties', 'GetUnitStatus', 'Ping',
]);

export interface EnqueueResult {
  /** The anchor job id (possibly an installed job the request merged into); 0 for a dry run. */
  readonly job: JobId;
  readonly unit: UnitName;       // the unit's id (main name)
  readonly type: string;         // installed type of the anchor job
  /** True when the unit's files changed on disk since it was loaded (systemctl's warning). */
  readonly needDaemonReload: boolean;
  /** Every job the transaction installed or merged into, and jobs it canceled (for -T / --dry-run). */
  readonly jobs: readonly TransactionJob[];
}

export interface TransactionJob {
  readonly id: JobId;
  readonly unit: UnitName;
  readonly type: string;
  readonly action: 'installed' | 'merged' | 'canceled';
  readonly reason: string;
}

export interface JobDetails extends JobSummary {
  readonly origin: JobOrigin;
  readonly result: JobResult | null;   // null while installed
  readonly cause: JobEndCause | null;
}

export interface UnitSummary {
  readonly id: UnitName;
  readonly loadState: LoadState;
  readonly activeState: ActiveState;
  readonly subState: string;
  readonly description: string;
  readonly job: JobSummary | null;
}

export interface ProcessInfo { readonly pid: number; readonly command: string; readonly role: string }

export interface UnitStatus extends UnitSummary {
  readonly fragmentPath: string | null;
  readonly dropInPaths: readonly string[];
  readonly unitFileState: string;
  readonly result: string | null;
  readonly loadError: string | null;
  /** µs since the epoch of the timestamp status shows (0 = none). */
  readonly stateSinceUsec: number;
  readonly mainPid: number;
  readonly processes: readonly ProcessInfo[];
  /** Lines like "Process: 123 ExecStartPre=/bin/false (code=exited, status=1/FAILURE)". */
  readonly execLines: readonly string[];
  readonly needDaemonReload: boolean;
}

export interface ReloadReport {
  readonly added: readonly UnitName[];
  readonly removed: readonly UnitName[];
  readonly changed: readonly { readonly unit: UnitName; readonly keys: readonly string[] }[];
  readonly needRestart: readonly UnitName[];
}

/** Signals (JSON-RPC notifications) sent to subscribed clients. */
export interface Signals {
  JobNew: { id: JobId; unit: UnitName; type: string };
  JobRemoved: { id: JobId; unit: UnitName; type: string; result: JobResult; cause: JobEndCause };
  UnitChanged: { unit: UnitName; activeState: ActiveState; subState: string };
  Reloaded: ReloadReport;
}
export type SignalName = keyof Signals;
