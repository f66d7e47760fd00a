// The contract between the manager and each unit type's state machine, and the table of types.
// A unit type owns its runtime record (mutated in place) and acts on the world only through
// UnitContext; it reports every sub-state change with ctx.stateChanged so the manager can run
// the job and dependency logic of 01 §6.3.
import type { LoadedUnit, ExecCommand } from '../unit-file/config.ts';
import type { ActiveState, ExecId, InstallableJobType, Pid, UnitName, UnitType, Usec } from '../types.ts';
import type { Result } from '../errors.ts';
import type { TimeZone } from '../calendar.ts';
import type { OwnPidVariable, SocketDriver } from '../ports.ts';

export interface UnitView {
  readonly id: UnitName;
  readonly config: LoadedUnit;
}

export type SpawnOutcome =
  /** `pid`: known at once when the driver forked synchronously, else 0 until ProcessStarted. */
  | { readonly kind: 'spawned'; readonly execId: ExecId; readonly pid: Pid }
  /** '-' command whose executable does not exist: treat as a successful run (03 §3.2). */
  | { readonly kind: 'skipped' }
  /** Set-up failed in the manager (missing EnvironmentFile=, bad specifier…): the `resources` path. */
  | { readonly kind: 'failed'; readonly message: string };

export interface SpawnOptions {
  readonly role: 'main' | 'control';
  /** Variables the unit type adds (MAINPID, SERVICE_RESULT, EXIT_CODE…); merged per 03 §3.4. */
  readonly env: Readonly<Record<string, string>>;
  readonly notify: boolean;
  /** Variables to set to the process's own pid (WATCHDOG_PID); the context adds LISTEN_PID itself. */
  readonly ownPidEnv?: readonly OwnPidVariable[];
  /** A start-phase command: gets MONITOR_* of the unit whose OnFailure=/OnSuccess= started this one. */
  readonly monitor?: boolean;
}

export interface StateChangeFlags {
  readonly reloadFailed?: boolean;
  readonly willAutoRestart?: boolean;
}

export interface UnitContext {
  now(): Usec;
  realtime(): Usec;
  /** Call after every sub-state change (also when the active state stays the same). */
  stateChanged(unit: UnitView, flags?: StateChangeFlags): void;
  spawn(unit: UnitView, command: ExecCommand, options: SpawnOptions): SpawnOutcome;
  /** Signals the given commands' processes, and with wholeUnit every process of the unit; returns the count. */
  signal(unit: UnitView, execIds: readonly ExecId[], signal: number, options: { wholeUnit: boolean }): number;
  /** Starts watching a process the unit did not spawn directly (forking main PID). */
  adopt(unit: UnitView, pid: Pid): ExecId;
  hasProcesses(unit: UnitView): boolean;
  /** Asks for processesGone() once the unit's last process has ended. */
  watchProcessesGone(unit: UnitView): void;
  isPidAlive(pid: Pid): boolean;
  /** Whether `pid` is one of the unit's processes (our cgroup membership); absent: not tracked, every pid counts. */
  ownsProcess?(unit: UnitView, pid: Pid): boolean;
  armTimer(unit: UnitView, key: string, at: Usec): void;
  cancelTimer(unit: UnitView, key: string): void;
  /** Type of the job in the unit's normal slot, or null. */
  jobType(unit: UnitView): InstallableJobType | null;
  /** Enqueues the automatic restart (a `restart` job, mode replace); false if that failed. */
  enqueueAutoRestart(unit: UnitView): boolean;
  /** RELOADING=1: reload the units this one propagates reloads to (mode fail). */
  propagateReload(unit: UnitView): void;
  /** Listening sockets (socket units only). */
  readonly sockets: SocketDriver;
  /** What a unit this one triggers looks like now; null when unknown. */
  peer(name: UnitName): PeerView | null;
  /**
   * Enqueues `start` of a unit this one triggers (mode replace, 05 §A.4); with `link`, first
   * adds the Before=/Triggers= edges (per-connection instances). The error text if that failed.
   */
  enqueueTriggered(unit: UnitView, target: UnitName, reason: string, o?: { readonly link?: boolean }): string | null;
  /** Unloads `name` once the manager settles, if it is then inactive without job or processes. */
  collect(name: UnitName): void;
  log(unit: UnitView, level: 'debug' | 'info' | 'notice' | 'warning' | 'error', message: string): void;
  readFile(path: string): string | null;
  /** The unit went dead: remove its runtime directories (per RuntimeDirectoryPreserve=) and PID file. */
  removeRuntimeData(unit: UnitView, options: { readonly willRestart: boolean; readonly pidFile: string | null }): void;
  readonly triggers: TriggerSupport;
}

/** A timer's next elapse (0 = none on that clock) and last trigger (realtime, 0 = never). */
export interface TimerStatus {
  readonly next: { readonly monotonic: Usec; readonly realtime: Usec };
  readonly lastTrigger: Usec;
}

/** The unit a trigger unit (timer) activates, as the trigger sees it. */
export interface TriggeredUnit {
  readonly id: UnitName;
  readonly isLoaded: boolean;
  readonly activeState: ActiveState;
  readonly inactiveExitMonotonic: Usec;
  readonly inactiveEnterMonotonic: Usec;
}

/** What trigger units need beyond the common context: their unit, stamps, randomness, zones. */
export interface TriggerSupport {
  /** The first unit of the unit's Triggers= dependency, or null. */
  triggered(unit: UnitView): TriggeredUnit | null;
  /** Enqueues a start job (mode replace) for `target`; null when queued, else why not. */
  startTriggered(unit: UnitView, target: UnitName): string | null;
  /** When the manager started (systemd's userspace timestamp). */
  startup(): { readonly realtime: Usec; readonly monotonic: Usec };
  /** Persistent= stamp of a timer (realtime µs), or null. */
  readStamp(unit: UnitView): Usec | null;
  writeStamp(unit: UnitView, realtimeUsec: Usec): void;
  /** Uniform in [0, 1). */
  random(): number;
  /** A named zone, or the local zone for null. */
  zone(name: string | null): TimeZone;
  readonly machineId: string;
  readonly bootId: string;
}

/** Another unit as a trigger unit sees it (socket_trigger_notify, unit_active_or_pending). */
export interface PeerView {
  readonly id: UnitName;
  readonly loaded: boolean;
  readonly type: UnitType;
  readonly activeState: ActiveState;
  readonly subState: string;
  readonly jobType: InstallableJobType | null;
  readonly startLimitHit: boolean;
}

/** The fds a trigger unit hands to the main process of the unit it triggers (05 §A.6). */
export interface PassedFds {
  readonly fds: readonly number[];
  readonly names: readonly string[];
  /** REMOTE_ADDR/REMOTE_PORT for a per-connection instance. */
  readonly env?: Readonly<Record<string, string>>;
}

/** What status shows of a unit type: main PID, "Process:" lines, result; sockets add listeners. */
export interface UnitTypeStatus {
  readonly mainPid: Pid;
  readonly execLines: readonly string[];
  readonly result: string | null;
  readonly timer?: TimerStatus;
  readonly listen?: readonly string[];
  readonly accept?: { readonly accepted: number; readonly connected: number; readonly refused: number } | null;
}

/** What a start/stop/reload operation answers (02 §7.3); 'error' fails the job (e.g. -EBUSY). */
export type OpOutcome = 'started' | 'again' | 'already' | 'not-active' | 'error';

export interface UnitTypeOps<R> {
  /** Types whose start consults the start rate limit (service, socket, timer). */
  readonly hasStartLimit: boolean;
  /** `Listening on`, `Reached target` …: the verb used in "Started %s." style log lines. */
  readonly messages: { readonly started: string; readonly stopped: string; readonly failed: string };
  init(unit: UnitView): R;
  activeState(r: R): ActiveState;
  subState(r: R): string;
  canStart(unit: UnitView): boolean;
  canReload(unit: UnitView): boolean;
  start(ctx: UnitContext, unit: UnitView, r: R): OpOutcome;
  stop(ctx: UnitContext, unit: UnitView, r: R): OpOutcome;
  reload(ctx: UnitContext, unit: UnitView, r: R): OpOutcome;
  /** The start rate limit refused a start: enter failed with result start-limit-hit. */
  startLimitHit(ctx: UnitContext, unit: UnitView, r: R): void;
  processStarted(ctx: UnitContext, unit: UnitView, r: R, execId: ExecId, pid: Pid): void;
  processExited(ctx: UnitContext, unit: UnitView, r: R, execId: ExecId, code: 'exited' | 'killed' | 'dumped' | 'unknown', status: number): void;
  spawnFailed(ctx: UnitContext, unit: UnitView, r: R, execId: ExecId, message: string): void;
  timerFired(ctx: UnitContext, unit: UnitView, r: R, key: string): void;
  /** The last process of the unit ended (after ctx.watchProcessesGone). */
  processesGone(ctx: UnitContext, unit: UnitView, r: R): void;
  /** `uid`: the sender's, null when unknown (privileged senders may name any MAINPID=). */
  notify(ctx: UnitContext, unit: UnitView, r: R, pid: Pid | null, message: string, uid?: number | null): void;
  kill(ctx: UnitContext, unit: UnitView, r: R, whom: 'main' | 'control' | 'all', signal: number): Result<number>;
  resetFailed(ctx: UnitContext, unit: UnitView, r: R): void;
  /** True while an automatic restart is pending (StopWhenUnneeded must not stop such a unit). */
  isRestartPending(r: R): boolean;
  /** Type-specific `show` properties in systemd's order, values formatted as show prints them. */
  properties(unit: UnitView, r: R): [string, string][];
  /** SERVICE_RESULT/EXIT_CODE/EXIT_STATUS as a unit triggered by this one sees them (MONITOR_*); services only. */
  monitorEnv?(r: R): Readonly<Record<string, string>>;
  /**
   * The exit status the unit's last run hands to exit/exit-force (unit.c unit_exit_status): the
   * main process's status, 255 when a signal ended it, null when there is none or the type has none.
   */
  exitStatus(r: R): number | null;
  /** Main PID and the "Process:" lines for status; timers add their schedule, sockets their listeners. */
  status(unit: UnitView, r: R): UnitTypeStatus;
  /** The unit this one triggers changed state or finished a job (systemd's trigger_notify). */
  triggerNotify?(ctx: UnitContext, unit: UnitView, r: R, other: TriggeredUnit): void;
  /** A daemon-reload read the unit's configuration again (systemd's coldplug after deserializing). */
  reloaded?(ctx: UnitContext, unit: UnitView, r: R): void;
  /** The wall clock jumped (settimeofday): realtime schedules must be computed again. */
  clockChanged?(ctx: UnitContext, unit: UnitView, r: R): void;
  /** SocketTriggered: traffic (error null) or a failure on a watched listening fd. */
  socketTriggered?(ctx: UnitContext, unit: UnitView, r: R, fd: number, error: string | null): void;
  /** Edges made at runtime (Accept=yes instances), re-added when daemon-reload rebuilds the graph. */
  runtimeDeps?(r: R): readonly (readonly ['Before' | 'Triggers', UnitName])[];
  /** Open fds to pass to the main process of `target`, a unit this one triggers; may be empty. */
  passedFds?(unit: UnitView, r: R, target: UnitName): PassedFds;
}
