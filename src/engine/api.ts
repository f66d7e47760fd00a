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
  /** Why a waiting start job waits for an Exclusive= group: "Exclusive=mail held by mail-full.service". */
  readonly waiting?: string;
}

/** Every method: params and result. Methods that change state require an authorised peer. */
export interface Methods {
  /** Start receiving signals on this connection (like systemd's Subscribe()). */
  Subscribe: { params: Record<string, never>; result: { subscribed: true } };
  Unsubscribe: { params: Record<string, never>; result: { subscribed: false } };
  /** Enqueue one request for one unit. The reply is sent before any job of it runs. */
  EnqueueUnitJob: {
    params: { unit: string; type: RequestType; mode: JobMode; dryRun?: boolean; listJobs?: boolean };
    result: EnqueueResult;
  };
  ListJobs: { params: Record<string, never>; result: { jobs: JobSummary[] } };
  /** Looks a job up, also for a while after it ended (its result and cause). */
  GetJob: { params: { id: JobId }; result: JobDetails };
  /** list-jobs --before/--after: installed jobs this one waits for, and those waiting for it. */
  GetJobOrder: { params: { id: JobId }; result: { waitingFor: JobSummary[]; blocking: JobSummary[] } };
  CancelJob: { params: { id: JobId }; result: Record<string, never> };
  /** Cancels every job (systemctl cancel without arguments). */
  ClearJobs: { params: Record<string, never>; result: { canceled: number } };
  ListUnits: { params: { all?: boolean }; result: { units: UnitSummary[] } };
  /** list-timers: every loaded timer with its next and last elapse, and the manager's wall clock. */
  ListTimers: { params: Record<string, never>; result: { timers: TimerSummary[]; nowUsec: number } };
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
  /** Unit-file operations (04 §10): the changes made in the configuration directory. */
  EnableUnitFiles: { params: { units: string[] } & UnitFilesFlags; result: UnitFilesReply };
  DisableUnitFiles: { params: { units: string[] } & UnitFilesFlags; result: UnitFilesReply };
  ReenableUnitFiles: { params: { units: string[] } & UnitFilesFlags; result: UnitFilesReply };
  MaskUnitFiles: { params: { units: string[] } & UnitFilesFlags; result: UnitFilesReply };
  UnmaskUnitFiles: { params: { units: string[] } & UnitFilesFlags; result: UnitFilesReply };
  PresetUnitFiles: { params: { units: string[]; mode?: 'full' | 'enable-only' | 'disable-only' } & UnitFilesFlags; result: UnitFilesReply };
  /** link: absolute paths of unit files outside the search path, linked into the configuration directory. */
  LinkUnitFiles: { params: { files: string[] } & UnitFilesFlags; result: UnitFilesReply };
  /** is-enabled: enabled, disabled, static, masked, alias, indirect … */
  GetUnitFileState: { params: { unit: string }; result: { state: string } };
  ListUnitFiles: { params: Record<string, never>; result: { files: UnitFileEntry[] } };
  /** cat: the current text of the unit's fragment and drop-ins, in load order. */
  GetUnitFileText: { params: { unit: string }; result: UnitFileText };
  /** list-dependencies: the tree below a unit (forward or --reverse; --all descends into every unit). */
  ListUnitDependencies: { params: { unit: string; reverse?: boolean; all?: boolean; /** --after/--before: ordering edges instead. */ order?: 'after' | 'before' }; result: DependencyNode };
  /** is-system-running, and the manager's own properties for show without a unit. */
  GetSystemState: { params: Record<string, never>; result: SystemStateReport };
  /** The manager environment services inherit, NAME=VALUE sorted. */
  ShowEnvironment: { params: Record<string, never>; result: { environment: string[] } };
  SetEnvironment: { params: { assignments: string[] }; result: Record<string, never> };
  /** Names, or NAME=VALUE (removed only when the value matches). */
  UnsetEnvironment: { params: { names: string[] }; result: Record<string, never> };
  /** The live processes of a unit's process groups (status's process tree), by pid. */
  GetUnitProcesses: { params: { unit: string }; result: { unit: UnitName; processes: ProcessInfo[] } };
  /** The unit's captured output, oldest first; with `follow`, later lines arrive as LogLine signals. */
  GetUnitLogs: { params: { unit: string; lines?: number; since?: number; follow?: boolean }; result: UnitLogs };
}

/** One captured line of service output (the daemon's own journal). */
export interface LogEntry {
  /** Wall-clock µs since the epoch when the daemon read the line. */
  readonly ts: number;
  readonly unit: UnitName;
  readonly pid: number;
  readonly stream: 'stdout' | 'stderr';
  /** syslog priority 0–7: 6 (info) unless the line began with a `<N>` prefix. */
  readonly priority: number;
  /** SyslogIdentifier= (defaults to the unit name without its suffix). */
  readonly identifier: string;
  readonly message: string;
}

export interface UnitLogs {
  readonly unit: UnitName;
  readonly hostname: string;
  readonly entries: readonly LogEntry[];
}

export type MethodName = keyof Methods;
export type Params<M extends MethodName> = Methods[M]['params'];
export type Reply<M extends MethodName> = Methods[M]['result'];

/** Methods any local user may call; everything else needs the socket owner's uid or root. */
export const READ_ONLY_METHODS: ReadonlySet<MethodName> = new Set<MethodName>([
  'Subscribe', 'Unsubscribe', 'ListJobs', 'GetJob', 'GetJobOrder', 'ListUnits', 'ListTimers', 'GetUnitProperties', 'GetUnitStatus', 'Ping',
  'ListUnitDependencies', 'GetSystemState', 'ShowEnvironment', 'GetUnitProcesses',
  'GetUnitFileState', 'ListUnitFiles', 'GetUnitFileText',
]);

/** One unit in a list-dependencies tree. `cycle`: already on the path from the root, not expanded. */
export interface DependencyNode {
  readonly unit: UnitName;
  readonly activeState: ActiveState;
  readonly cycle: boolean;
  readonly children: readonly DependencyNode[];
}

export const SYSTEM_STATES = ['initializing', 'starting', 'running', 'degraded', 'maintenance', 'stopping'] as const;
export type SystemState = (typeof SYSTEM_STATES)[number];

export interface SystemStateReport {
  readonly state: SystemState;
  readonly units: number;
  readonly failedUnits: number;
  readonly jobs: number;
  readonly unitPath: readonly string[];
}

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
  /** A start job that will wait for an Exclusive= group held now (same text as JobSummary.waiting). */
  readonly waits?: string;
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
  /** `enabled`/`disabled` where status shows `; preset: …` ('' for static, alias, generated, transient). */
  readonly unitFilePreset?: string;
  readonly result: string | null;
  readonly loadError: string | null;
  /** µs since the epoch of the timestamp status shows (0 = none). */
  readonly stateSinceUsec: number;
  readonly mainPid: number;
  readonly processes: readonly ProcessInfo[];
  /** Lines like "Process: 123 ExecStartPre=/bin/false (code=exited, status=1/FAILURE)". */
  readonly execLines: readonly string[];
  readonly needDaemonReload: boolean;
  /** Timers: the next elapse in µs since the epoch (systemctl's calc_next_elapse), null = n/a. */
  readonly nextElapseUsec?: number | null;
  /** Triggers= and TriggeredBy= partners with their active state (the "Triggers:" lines). */
  readonly triggers?: readonly { readonly unit: UnitName; readonly activeState: ActiveState }[];
  readonly triggeredBy?: readonly { readonly unit: UnitName; readonly activeState: ActiveState }[];
  /** Exclusive= groups and who holds them: "mail (held by mail-full.service)"; absent for no group. */
  readonly exclusive?: string;
  /** Socket units: "ADDRESS (Type)" per listener, and the Accept=yes counters. */
  readonly listen?: readonly string[];
  readonly accept?: { readonly accepted: number; readonly connected: number; readonly refused: number } | null;
}

/**
 * One row of list-timers; times in µs since the epoch, null when there is none. `nextUsec` is 0
 * for a waiting timer with nothing armed (systemctl sorts those first) and null when not waiting.
 */
export interface TimerSummary {
  readonly unit: UnitName;
  readonly activeState: ActiveState;
  readonly activates: readonly UnitName[];
  readonly nextUsec: number | null;
  readonly lastUsec: number | null;
}

export interface ReloadReport {
  readonly added: readonly UnitName[];
  readonly removed: readonly UnitName[];
  readonly changed: readonly { readonly unit: UnitName; readonly keys: readonly string[] }[];
  readonly needRestart: readonly UnitName[];
  /** Units whose dependency edges (declared, .wants/.requires, implicit) changed. */
  readonly dependenciesChanged?: readonly UnitName[];
}

/** Units whose files changed on disk since they were loaded (watcher; applied on daemon-reload). */
export interface UnitFilesChangedReport {
  readonly changed: readonly UnitName[];
  /** True when the daemon applied the change itself (--auto-reload). */
  readonly reloaded: boolean;
}

/** One change made by enable/disable/mask/… (systemd's install change types). */
export interface UnitFileChange {
  /** `error`: a link that could not be made; the rest of the plan still is (systemd's negative change). */
  readonly type: 'symlink' | 'unlink' | 'destination-not-present' | 'message' | 'error';
  readonly path: string;
  /** symlink: the link's target; destination-not-present: the missing unit; message, error: the text. */
  readonly source: string;
}

export interface UnitFilesReply {
  readonly changes: readonly UnitFileChange[];
  /** Some named unit has no [Install] rules (enable prints systemd's notice, 06 §9). */
  readonly noInstallInfo: boolean;
}

export type UnitFilesOp = 'enable' | 'disable' | 'reenable' | 'mask' | 'unmask' | 'preset' | 'link';

/** --runtime (links under the runtime configuration directory) and --force (replace conflicting links). */
export interface UnitFilesFlags { readonly runtime?: boolean; readonly force?: boolean }

export interface UnitFileEntry {
  readonly name: UnitName;
  readonly path: string;
  readonly state: string;
  /** `enabled`/`disabled`, or null where systemd shows `-`. */
  readonly preset: string | null;
}

export interface UnitFileText {
  readonly unit: UnitName;
  readonly files: readonly { readonly path: string; readonly text: string }[];
  readonly masked: boolean;
  readonly needDaemonReload: boolean;
}

/** Signals (JSON-RPC notifications) sent to subscribed clients. */
export interface Signals {
  JobNew: { id: JobId; unit: UnitName; type: string };
  JobRemoved: { id: JobId; unit: UnitName; type: string; result: JobResult; cause: JobEndCause };
  UnitChanged: { unit: UnitName; activeState: ActiveState; subState: string };
  Reloaded: ReloadReport;
  UnitFilesChanged: UnitFilesChangedReport;
  /** The value GetSystemState reports changed (is-system-running --wait). */
  SystemStateChanged: { state: SystemState };
  /** A new line of a unit followed with GetUnitLogs (sent only to that connection). */
  LogLine: LogEntry;
}
export type SignalName = keyof Signals;
