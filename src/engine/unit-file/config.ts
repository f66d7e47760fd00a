// The typed configuration of one unit, as the loader produces it from fragment + drop-ins.
// Pure data: the manager and the unit types read it; nothing here touches files.
import type { JobMode, LoadState, UnitName, UnitType, Usec } from '../types.ts';
import type { EMERGENCY_ACTIONS } from './values.ts';

/** Dependency keys as written in unit files (inverse kinds are derived by deps.ts). */
export const DECLARED_DEP_KINDS = [
  'Requires', 'Requisite', 'Wants', 'BindsTo', 'PartOf', 'Upholds', 'Conflicts', 'Before', 'After',
  'OnFailure', 'OnSuccess', 'PropagatesReloadTo', 'ReloadPropagatedFrom', 'PropagatesStopTo',
  'StopPropagatedFrom', 'JoinsNamespaceOf', 'Triggers',
  'TriggeredBy', // never written in a file: Sockets= implies it (load-fragment.c)
] as const;
export type DeclaredDepKind = (typeof DECLARED_DEP_KINDS)[number];

export interface SourcePosition { readonly file: string; readonly line: number }

export interface LoadDiagnostic extends SourcePosition {
  readonly severity: 'warning' | 'error';
  /** systemd's wording, e.g. "Unknown key 'Foo' in section [Service], ignoring." */
  readonly message: string;
}

/** One Condition*= or Assert*= entry (01 §6.6). */
export interface ConditionSpec {
  readonly kind: string;          // e.g. 'PathExists' (without the Condition/Assert prefix)
  readonly trigger: boolean;      // leading '|'
  readonly negate: boolean;       // '!' after the optional '|'
  readonly value: string;         // specifiers already expanded
}

/** One parsed Exec*= command (04 §7, 03 §3.2). Arguments still contain $VAR references. */
export interface ExecCommand {
  readonly path: string;          // executable: absolute path or bare file name
  readonly argv: readonly string[]; // argv[0] included (second word with '@')
  readonly ignoreFailure: boolean;  // '-'
  readonly noEnvExpand: boolean;    // ':'
  /** Some argument has a '$' and ':' is absent: argv is expanded per spawn (else sent as is). */
  readonly expands: boolean;
  readonly fullPrivileges: boolean; // '+', '!' or '!!'
  readonly line: string;          // the command as written, for show/status
}

export interface ExitStatusSet { readonly statuses: readonly number[]; readonly signals: readonly number[] }

export type ServiceType = 'simple' | 'exec' | 'forking' | 'oneshot' | 'dbus' | 'notify' | 'idle';
export type RestartPolicy = 'no' | 'on-success' | 'on-failure' | 'on-abnormal' | 'on-watchdog' | 'on-abort' | 'always';
export type NotifyAccess = 'none' | 'main' | 'exec' | 'all';
export type KillMode = 'control-group' | 'mixed' | 'process' | 'none';
export type TimeoutFailureMode = 'terminate' | 'abort' | 'kill';
export type EmergencyAction = (typeof EMERGENCY_ACTIONS)[number];

export interface KillConfig {
  readonly killMode: KillMode;
  readonly killSignal: number;
  readonly restartKillSignal: number;
  readonly finalKillSignal: number;
  readonly watchdogSignal: number;
  readonly sendSIGKILL: boolean;
  readonly sendSIGHUP: boolean;
}

export interface ExecContext {
  readonly environment: readonly string[];                  // NAME=value, in order; later wins
  readonly environmentFiles: readonly { readonly path: string; readonly optional: boolean }[];
  readonly passEnvironment: readonly string[];
  readonly unsetEnvironment: readonly string[];
  readonly workingDirectory: { readonly path: string; readonly optional: boolean } | null; // '~' kept as path '~'
  readonly user: string | null;
  readonly group: string | null;
  readonly supplementaryGroups: readonly string[];
  readonly umask: number | null;
  readonly nice: number | null;
  /** setrlimit resources by systemd key name without 'Limit' (NOFILE, CORE, …); Infinity = unlimited. */
  readonly limits: Readonly<Record<string, { readonly soft: number; readonly hard: number }>>;
  readonly standardInput: string;                           // 'null' | 'tty' | …
  readonly standardOutput: string;                          // 'journal' | 'inherit' | 'null' | 'file:/p' | 'append:/p' | 'truncate:/p'
  readonly standardError: string;
  readonly syslogIdentifier: string | null;
  readonly runtimeDirectory: readonly string[];
  /** StateDirectory= and friends, relative names; modes default to 0755 (exec-dirs.ts). */
  readonly execDirectories: ExecDirectories;
  readonly runtimeDirectoryPreserve: 'no' | 'yes' | 'restart';
}

export const EXEC_DIRECTORY_TYPES = ['runtime', 'state', 'cache', 'logs', 'configuration'] as const;
export type ExecDirectoryType = (typeof EXEC_DIRECTORY_TYPES)[number];
export type ExecDirectories = Readonly<Record<ExecDirectoryType, { readonly names: readonly string[]; readonly mode: number }>>;
const NONE = { names: [], mode: 0o755 } as const;
export const NO_EXEC_DIRECTORIES: ExecDirectories = { runtime: NONE, state: NONE, cache: NONE, logs: NONE, configuration: NONE };

export interface ServiceConfig {
  readonly type: ServiceType;
  readonly remainAfterExit: boolean;
  readonly guessMainPid: boolean;
  readonly pidFile: string | null;
  readonly execCondition: readonly ExecCommand[];
  readonly execStartPre: readonly ExecCommand[];
  readonly execStart: readonly ExecCommand[];
  readonly execStartPost: readonly ExecCommand[];
  readonly execReload: readonly ExecCommand[];
  readonly execStop: readonly ExecCommand[];
  readonly execStopPost: readonly ExecCommand[];
  readonly restart: RestartPolicy;
  readonly restartUsec: Usec;
  readonly restartSteps: number;
  readonly restartMaxDelayUsec: Usec;
  readonly timeoutStartUsec: Usec;    // Infinity when disabled
  readonly timeoutStopUsec: Usec;
  readonly timeoutAbortUsec: Usec;
  readonly timeoutStartFailureMode: TimeoutFailureMode;
  readonly timeoutStopFailureMode: TimeoutFailureMode;
  readonly runtimeMaxUsec: Usec;
  readonly watchdogUsec: Usec;        // 0 = off
  readonly notifyAccess: NotifyAccess;
  readonly successExitStatus: ExitStatusSet;
  readonly restartPreventExitStatus: ExitStatusSet;
  readonly restartForceExitStatus: ExitStatusSet;
  readonly kill: KillConfig;
  readonly exec: ExecContext;
}

export interface SocketListen {
  readonly kind: 'stream' | 'datagram' | 'seqpacket' | 'fifo';
  readonly address: string;
}

export interface SocketConfig {
  readonly listen: readonly SocketListen[];
  readonly accept: boolean;
  readonly service: UnitName | null;
  readonly socketMode: number;
  readonly backlog: number;
  readonly removeOnStop: boolean;
  readonly fileDescriptorName: string | null;
  readonly symlinks: readonly string[];
  readonly triggerLimitIntervalUsec: Usec;
  readonly triggerLimitBurst: number;
  readonly directoryMode: number;
  readonly socketUser: string | null;
  readonly socketGroup: string | null;
  readonly flushPending: boolean;
  readonly maxConnections: number;
  readonly bindIPv6Only: 'default' | 'both' | 'ipv6-only';
  readonly reusePort: boolean;
  /** TimeoutSec=: the socket's own commands and kill phases (Infinity when disabled). */
  readonly timeoutUsec: Usec;
  readonly execStartPre: readonly ExecCommand[];
  readonly execStartPost: readonly ExecCommand[];
  readonly execStopPre: readonly ExecCommand[];
  readonly execStopPost: readonly ExecCommand[];
  readonly kill: KillConfig;
  readonly exec: ExecContext;
}

export interface TimerConfig {
  readonly onActiveUsec: readonly Usec[];
  readonly onBootUsec: readonly Usec[];
  readonly onStartupUsec: readonly Usec[];
  readonly onUnitActiveUsec: readonly Usec[];
  readonly onUnitInactiveUsec: readonly Usec[];
  readonly onCalendar: readonly string[];
  readonly accuracyUsec: Usec;
  readonly randomizedDelayUsec: Usec;
  readonly persistent: boolean;
  readonly remainAfterElapse: boolean;
  readonly fixedRandomDelay: boolean;
  readonly onClockChange: boolean;
  /** Parsed and shown; unitd has no time-zone change notification to act on. */
  readonly onTimezoneChange: boolean;
  /** Parsed and shown, never acted on: a container cannot arm RTC wake-up alarms. */
  readonly wakeSystem: boolean;
  readonly unit: UnitName | null;
}

export interface InstallConfig {
  readonly wantedBy: readonly UnitName[];
  readonly requiredBy: readonly UnitName[];
  readonly upheldBy: readonly UnitName[];
  readonly alias: readonly UnitName[];
  readonly also: readonly UnitName[];
  readonly defaultInstance: string | null;
}

export interface UnitSettings {
  readonly description: string;                 // defaults to the unit id
  readonly documentation: readonly string[];
  readonly defaultDependencies: boolean;
  readonly stopWhenUnneeded: boolean;
  readonly refuseManualStart: boolean;
  readonly refuseManualStop: boolean;
  readonly allowIsolate: boolean;
  readonly ignoreOnIsolate: boolean;
  readonly onFailureJobMode: JobMode;
  readonly onSuccessJobMode: JobMode;
  readonly jobTimeoutUsec: Usec;
  readonly jobRunningTimeoutUsec: Usec;
  readonly jobTimeoutAction: EmergencyAction;
  readonly startLimitIntervalUsec: Usec;
  readonly startLimitBurst: number;
  readonly startLimitAction: EmergencyAction;
  readonly failureAction: EmergencyAction;
  readonly successAction: EmergencyAction;
  readonly failureActionExitStatus: number | null;
  readonly successActionExitStatus: number | null;
  readonly collectMode: 'inactive' | 'inactive-or-failed';
  readonly conditions: readonly ConditionSpec[];
  readonly asserts: readonly ConditionSpec[];
  /** Exclusive= groups (unitd extension, issue 8). */
  readonly exclusive: readonly string[];
}

/**
 * A path and its mtime at load. A list of these rather than a path-keyed record: objects keyed by
 * per-unit paths give every unit its own hidden classes, which cost kilobytes per unit.
 */
export interface SourceStamp<M> { readonly path: string; readonly mtimeUsec: M }

/** What the loader hands the manager for one unit name. */
export interface LoadedUnit {
  readonly id: UnitName;                        // main name (fragment name, instance substituted)
  readonly names: readonly UnitName[];          // id first, then aliases
  readonly type: UnitType;
  readonly loadState: LoadState;
  /** For bad-setting/error/not-found: the error shown by status and LoadError. */
  readonly loadError: { readonly name: string; readonly message: string } | null;
  readonly fragmentPath: string | null;
  readonly dropInPaths: readonly string[];
  /** Every file that went into this config with its mtime (µs); NeedDaemonReload compares these. */
  readonly sourceMtimes: readonly SourceStamp<number>[];
  /**
   * Directories holding this unit's drop-ins and .wants/.requires links at load, with their mtime
   * (µs). A new or removed drop-in or link changes one of them, so NeedDaemonReload sees it too;
   * the directories that could hold them but did not exist are not stored (most units have none of
   * them), NeedDaemonReload lists them again from the search path. Absent for units without a fragment.
   */
  readonly sourceDirs?: readonly SourceStamp<number>[];
  readonly settings: UnitSettings;
  readonly deps: Readonly<Partial<Record<DeclaredDepKind, readonly UnitName[]>>>;
  readonly service: ServiceConfig | null;
  readonly socket: SocketConfig | null;
  readonly timer: TimerConfig | null;
  readonly install: InstallConfig;
  readonly diagnostics: readonly LoadDiagnostic[];
}
