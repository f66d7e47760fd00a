// The unit record: names, configuration, its two job slots, generic runtime state (timestamps,
// conditions, start rate limit) and the type-specific runtime owned by its UnitTypeOps.
import type { LoadedUnit } from './unit-file/config.ts';
import type { UnitTypeOps, UnitView } from './unit-types/index.ts';
import type { ActiveState, LoadState, UnitName, UnitType, Usec } from './types.ts';
import type { TransactionUnitState } from './transaction-model.ts';
import type { Job } from './job.ts';
import type { UnitLinks } from './unit-links.ts';
import { stripSuffix } from './unit-name.ts';
import { priorityKey } from './run-queue.ts';

export interface Stamp { readonly realtime: Usec; readonly monotonic: Usec }

const ZERO: Stamp = { realtime: 0, monotonic: 0 };

/** A unit is its own view for the transaction builder: a build reads it and changes nothing. */
export class Unit implements UnitView, TransactionUnitState {
  readonly id: UnitName;
  readonly names = new Set<UnitName>();
  /** The id without its type suffix ("web" for web.service): the default SyslogIdentifier=. */
  readonly prefix: string;
  private cfg!: LoadedUnit;
  // Copied from the configuration when it is set: every job reads these, and reading them here
  // spares a job the configuration and settings objects, which are rarely in cache by then.
  type!: UnitType;
  loadState!: LoadState;
  description!: string;
  jobTimeoutUsec!: Usec;
  jobRunningTimeoutUsec!: Usec;
  /** StopWhenUnneeded=: asked at every job end. */
  stopWhenUnneeded!: boolean;
  /** Its Exclusive= groups: asked at every job install and state change. */
  exclusive!: readonly string[];
  /** Its jobs' place in the run queue (run-queue.ts), from its type, Nice= and name. */
  runPriority!: number;
  ops: UnitTypeOps<unknown>;
  runtime: unknown;
  job: Job | null = null;
  nopJob: Job | null = null;
  /** The active state last reported to the engine (the "old state" of the next notification). */
  lastActive: ActiveState = 'inactive';
  invocationId = '';
  /** Set when a start acquired invocationId, so leaving inactive keeps it instead of making another. */
  invocationAcquired = false;
  stateChange: Stamp = ZERO;
  inactiveExit: Stamp = ZERO;
  activeEnter: Stamp = ZERO;
  activeExit: Stamp = ZERO;
  inactiveEnter: Stamp = ZERO;
  conditionResult = true;
  assertResult = true;
  conditionStamp: Stamp = ZERO;
  assertStamp: Stamp = ZERO;
  /** Start rate limiter window (01 §6.5). */
  limitBegin: Usec = 0;
  limitCount = 0;
  startLimitHit = false;
  /** The unit's view of the dependency graph (unit-links.ts); null until first asked. */
  links: UnitLinks | null = null;
  /** Entries of EngineState.execs that point here (processes not yet reported gone). */
  liveExecs = 0;

  constructor(config: LoadedUnit, ops: UnitTypeOps<unknown>) {
    this.id = config.id;
    this.prefix = stripSuffix(config.id);
    this.config = config;
    this.ops = ops;
    this.runtime = ops.init(this);
    for (const n of config.names) this.names.add(n);
    this.names.add(config.id);
  }

  get config(): LoadedUnit { return this.cfg; }
  set config(config: LoadedUnit) {
    this.cfg = config;
    this.type = config.type;
    this.loadState = config.loadState;
    this.description = config.settings.description || this.id;
    this.jobTimeoutUsec = config.settings.jobTimeoutUsec;
    this.jobRunningTimeoutUsec = config.settings.jobRunningTimeoutUsec;
    this.stopWhenUnneeded = config.settings.stopWhenUnneeded;
    this.exclusive = config.settings.exclusive;
    this.runPriority = priorityKey(this.id, this.type, (config.service?.exec ?? config.socket?.exec)?.nice ?? 0);
  }

  get isLoaded(): boolean { return this.loadState === 'loaded'; }
  get activeState(): ActiveState { return this.ops.activeState(this.runtime); }
  get subState(): string { return this.ops.subState(this.runtime); }

  // What only some job types or modes ask of a unit in a transaction: a start never does.
  get canStart(): boolean { return this.isLoaded && this.ops.canStart(this); }
  /** Every unit type here can be stopped (systemd's perpetual units are not modelled). */
  get canStop(): boolean { return true; }
  get canReload(): boolean { return this.isLoaded && this.ops.canReload(this); }
  get allowIsolate(): boolean { return this.cfg.settings.allowIsolate; }
  get ignoreOnIsolate(): boolean { return this.cfg.settings.ignoreOnIsolate; }
}
