// The runtime record of one service (mutated in place by the service state machine) and the
// small bookkeeping helpers over it: results, exec statuses, ExecMain*. No transitions here.
import type { ExecId, Pid, Usec } from '../types.ts';
import type { ExitCode } from './service-exit.ts';
import type { ServiceResult, ServiceState } from './service-states.ts';

export const EXEC_LISTS = ['execCondition', 'execStartPre', 'execStart', 'execStartPost', 'execReload', 'execStop', 'execStopPost'] as const;
export type ExecList = (typeof EXEC_LISTS)[number];

/** Status of one command of one Exec list (or of the main process, ExecMain*). */
export interface ExecRecord {
  pid: Pid;
  startRealtime: Usec;
  startMonotonic: Usec;
  exitRealtime: Usec;
  exitMonotonic: Usec;
  code: ExitCode | null;
  status: number;
}

/**
 * A tracked process: which command of which list it runs (adopted PIDs: execStart/-1, kept out of
 * `execs`) and that command's status in this run, one record so process events need no lookup.
 */
export interface TrackedCommand extends ExecRecord {
  readonly execId: ExecId;
  readonly list: ExecList;
  readonly index: number;
}

export const trackCommand = (execId: ExecId, list: ExecList, index: number, pid: Pid, startRealtime: Usec, startMonotonic: Usec): TrackedCommand =>
  ({ execId, list, index, pid, startRealtime, startMonotonic, exitRealtime: 0, exitMonotonic: 0, code: null, status: 0 });

export type NotifyState = 'unknown' | 'ready' | 'reloading' | 'stopping';

export interface ServiceRuntime {
  state: ServiceState;
  /** Type=idle maps the start phases to `active` (03 §2); refreshed at every start. */
  idle: boolean;
  result: ServiceResult;
  reloadResult: ServiceResult;
  main: TrackedCommand | null;
  mainPid: Pid;
  /** False for a forking service whose main PID could not be determined (03 §9.3). */
  mainPidKnown: boolean;
  control: TrackedCommand | null;
  controlPid: Pid;
  /** Index of the ExecStart= command whose main process ended last (oneshot runs them in turn). */
  lastMainIndex: number;
  mainExec: ExecRecord;
  /** The commands spawned in the current run, one entry per command (its latest spawn), with their status. */
  execs: TrackedCommand[];
  statusText: string;
  statusErrno: number;
  notifyState: NotifyState;
  /** A stop operation was issued since the last start (03 §7.1 step 1). */
  manualStop: boolean;
  flushNRestarts: boolean;
  nRestarts: number;
  /** Deadline of the 'state' timer (Infinity when not armed) — EXTEND_TIMEOUT_USEC= needs it. */
  stateDeadline: Usec;
  watchdogDeadline: Usec;
  /** WATCHDOG_USEC= override from the service, null when not overridden. */
  watchdogOverrideUsec: Usec | null;
  /** When the watchdog was last (re)started; two fields, not a record: a start touches one object less. */
  watchdogRealtime: Usec;
  watchdogMonotonic: Usec;
  /** Monotonic time the current run became active; RuntimeMaxSec= counts from here. */
  activeSince: Usec;
  /** Forking: the PID file is polled for because it was not there yet. */
  waitingForPidFile: boolean;
}

export const emptyExecRecord = (): ExecRecord => ({ pid: 0, startRealtime: 0, startMonotonic: 0, exitRealtime: 0, exitMonotonic: 0, code: null, status: 0 });

/** Overwrites `to` with `from`: a record that lives on (ExecMain*) is reused, not reallocated per start. */
export function copyExecRecord(to: ExecRecord, from: Readonly<ExecRecord>): void {
  to.pid = from.pid;
  to.startRealtime = from.startRealtime;
  to.startMonotonic = from.startMonotonic;
  to.exitRealtime = from.exitRealtime;
  to.exitMonotonic = from.exitMonotonic;
  to.code = from.code;
  to.status = from.status;
}

const EMPTY_EXEC_RECORD: Readonly<ExecRecord> = Object.freeze(emptyExecRecord());

export function initRuntime(idle: boolean): ServiceRuntime {
  return {
    state: 'dead', idle, result: 'success', reloadResult: 'success',
    main: null, mainPid: 0, mainPidKnown: false, control: null, controlPid: 0, lastMainIndex: -1,
    mainExec: emptyExecRecord(), execs: NO_COMMANDS, statusText: '', statusErrno: 0, notifyState: 'unknown',
    manualStop: false, flushNRestarts: false, nRestarts: 0,
    stateDeadline: Number.POSITIVE_INFINITY, watchdogDeadline: Number.POSITIVE_INFINITY,
    watchdogOverrideUsec: null, watchdogRealtime: 0, watchdogMonotonic: 0, activeSince: 0, waitingForPidFile: false,
  };
}

/** First failure wins (03 §3.6). */
export function recordResult(r: ServiceRuntime, f: ServiceResult): void {
  if (r.result === 'success' && f !== 'success') r.result = f;
}

// Until a run spawns something its list is this shared empty one, then an exact one-element array:
// a run spawns a handful of commands, so a scan beats a Map (and its table) per service.
const NO_COMMANDS: TrackedCommand[] = Object.freeze([]) as unknown as TrackedCommand[];

/** Records a spawned command; spawning the same command again replaces its entry. */
export function addExec(r: ServiceRuntime, t: TrackedCommand): void {
  const execs = r.execs;
  if (execs.length === 0) {
    r.execs = [t];
    return;
  }
  for (let i = 0; i < execs.length; i++) {
    if (execs[i]!.list === t.list && execs[i]!.index === t.index) {
      execs[i] = t;
      return;
    }
  }
  execs.push(t);
}

/** The status of command `index` of `list` in the current run, if it was spawned. */
export function execRecordOf(r: ServiceRuntime, list: ExecList, index: number): ExecRecord | undefined {
  for (const t of r.execs) if (t.list === list && t.index === index) return t;
  return undefined;
}

/** The §6.3 first row: everything a new start resets. */
export function resetForStart(r: ServiceRuntime, idle: boolean): void {
  r.idle = idle;
  r.result = 'success';
  r.reloadResult = 'success';
  r.main = null;
  r.mainPid = 0;
  r.mainPidKnown = false;
  r.control = null;
  r.controlPid = 0;
  r.lastMainIndex = -1;
  copyExecRecord(r.mainExec, EMPTY_EXEC_RECORD); // in place: nothing else holds the record
  if (r.execs.length > 0) r.execs = NO_COMMANDS;
  r.statusText = '';
  r.statusErrno = 0;
  r.notifyState = 'unknown';
  r.watchdogOverrideUsec = null;
  r.waitingForPidFile = false;
  if (r.flushNRestarts) {
    r.nRestarts = 0;
    r.flushNRestarts = false;
  }
  r.manualStop = false;
}
