// The Manager: owns all engine state, handles inputs and client requests, and drains its queues
// to quiescence. Queue model (02 §7.1, §12): an input or request is handled completely,
// including state changes, job completions, retroactive jobs and the continuous checks of
// 01 §7; installed jobs only enter the run queue, which dispatch() drains when the daemon has
// nothing else pending. So the reply to a request is always sent before its first job runs,
// and the engine is never re-entered: ports only record, outcomes come back as new inputs.
import type { DependencyNode, EnqueueResult, JobDetails, JobSummary, ReloadReport, SystemStateReport, TimerSummary, UnitFileEntry, UnitFileText, UnitFilesFlags, UnitFilesOp, UnitFilesReply, UnitStatus, UnitSummary } from './api.ts';
import { checksRetryDue, runChecks } from './checks.ts';
import { collectUnits } from './collect.ts';
import { DependencyGraph } from './deps.ts';
import { dependencyTree } from './dependency-tree.ts';
import { beginShutdown } from './emergency-action.ts';
import { endedJob, ENDED_JOBS_KEPT, type EngineState } from './engine-state.ts';
import { enqueueInternal, enqueueJob } from './enqueue.ts';
import { exclusiveJobFields, exclusiveReloaded, exclusiveStatusFields, newExclusiveState } from './exclusive.ts';
import { fail, ok, type Result } from './errors.ts';
import type { Input } from './inputs.ts';
import { dispatchRunQueue, finishJob, timeOutJob } from './job-runner.ts';
import { jobDetails, jobSummary, type Job } from './job.ts';
import { jobsBlockedBy, jobsWaitedFor } from './job-order.ts';
import { needsDaemonReload, reloadAll, resolveUnit, retireRemovedUnits } from './loader.ts';
import type { PresetMode } from './install.ts';
import { planUnitFileChanges, unitFileList, unitFilesChanged, unitFileStateFor, unitFileText, type ReloadPolicy } from './unit-files-api.ts';
import type { EnqueueRequest, ManagerApi, RequestContext } from './manager-api.ts';
import { environmentBlock, setEnvironment, unsetEnvironment } from './manager-environment.ts';
import type { Ports } from './ports.ts';
import { RunQueue } from './run-queue.ts';
import { JobTable } from './job-table.ts';
import { IdTable } from './id-table.ts';
import { statusPreset, unitFileState, unitProperties } from './properties.ts';
import { isInactiveOrFailed } from './states.ts';
import { systemState, type BootPhase } from './system-state.ts';
import type { ActiveState, JobId, JobType, UnitName } from './types.ts';
import { UnitFileIndex } from './unit-file/search.ts';
import { parseUnitTimerId, unitContext } from './unit-context.ts';
import { clockChanged, listTimers, timerNextElapse } from './triggers.ts';
import { resetStartLimit } from './unit-ops.ts';
import type { Unit } from './unit.ts';

export interface ManagerOptions {
  /** Unit search path, highest priority first. */
  readonly unitPath: readonly string[];
  /** What a watcher-reported change does (default: only report it, 04 §11). */
  readonly reloadPolicy?: ReloadPolicy;
}

export class Manager implements ManagerApi {
  private readonly s: EngineState;
  /** The manager environment (set-environment); services read it through ports.host.environment. */
  private readonly environment: Record<string, string>;
  private bootPhase: BootPhase = 'initializing';
  /** Unit-file changes (unit-files-api.ts): stale units already reported, units retiring after a reload. */
  private readonly reportedStale = new Set<UnitName>();
  private readonly retiring = new Set<Unit>();
  private readonly reloadPolicy: ReloadPolicy;

  constructor(hostPorts: Ports, options: ManagerOptions) {
    this.environment = { ...hostPorts.host.environment };
    this.reloadPolicy = options.reloadPolicy ?? { autoReload: false, autoRestartChanged: false };
    const ports: Ports = { ...hostPorts, host: { ...hostPorts.host, environment: this.environment } };
    this.s = {
      ports, unitPath: options.unitPath, index: new UnitFileIndex(options.unitPath, ports.fs),
      units: new Map(), graph: new DependencyGraph(), jobs: new JobTable(), nextJobId: 1, execs: new IdTable(), nextExecId: 1,
      runQueue: new RunQueue(), stopLikeJobs: 0, ended: new Array<Job | undefined>(ENDED_JOBS_KEPT).fill(undefined), endedNext: 0, upholdQueue: new Set(), boundQueue: new Set(), unneededQueue: new Set(), checkLimits: new Map(),
      collectQueue: new Set(),
      context: null, shuttingDown: false, idleAnnounced: false, exclusive: newExclusiveState(),
      startup: { realtime: ports.clock.realtime(), monotonic: ports.clock.now() }, lastStamp: { realtime: -1, monotonic: -1 },
    };
  }

  handle(input: Input): void {
    const s = this.s;
    const ctx = unitContext(s);
    switch (input.kind) {
      case 'ProcessStarted': {
        const u = s.execs.get(input.execId);
        if (u) u.ops.processStarted(ctx, u, u.runtime, input.execId, input.pid);
        break;
      }
      case 'ProcessExited': {
        const u = forgetExec(s, input.execId);
        if (u) u.ops.processExited(ctx, u, u.runtime, input.execId, input.code, input.status);
        break;
      }
      case 'SpawnFailed': {
        const u = forgetExec(s, input.execId);
        if (u) u.ops.spawnFailed(ctx, u, u.runtime, input.execId, input.message);
        break;
      }
      case 'TimerFired': this.timerFired(input.id); break;
      case 'UnitProcessesGone': {
        const u = s.units.get(input.unit);
        if (u) u.ops.processesGone(ctx, u, u.runtime);
        break;
      }
      case 'NotifyReceived': {
        const u = s.units.get(input.unit);
        if (u) u.ops.notify(ctx, u, u.runtime, input.pid, input.message, input.uid ?? null);
        break;
      }
      case 'ClockChanged': clockChanged(s); break;
      case 'SocketTriggered': {
        const u = s.units.get(input.unit);
        if (u?.ops.socketTriggered) u.ops.socketTriggered(ctx, u, u.runtime, input.fd, input.error);
        break;
      }
      case 'UnitFilesChanged':
        // Configuration changes apply on daemon-reload (04 §11) unless the policy says otherwise;
        // new files are found on first use.
        unitFilesChanged(s, this.reportedStale, this.reloadPolicy);
        break;
    }
    this.settle();
  }

  private timerFired(id: string): void {
    const s = this.s;
    if (id.startsWith('job:')) {
      const job = s.jobs.get(Number(id.slice(4)));
      if (job) timeOutJob(s, job);
      return;
    }
    if (checksRetryDue(s, id)) return;
    const t = parseUnitTimerId(id);
    const u = t ? s.units.get(t.unit) : undefined;
    if (t && u) u.ops.timerFired(unitContext(s), u, u.runtime, t.key);
  }

  /** Runs the continuous checks and announces idleness after a shutdown. */
  private settle(): void {
    runChecks(this.s);
    if (this.s.collectQueue.size > 0) collectUnits(this.s);
    if (this.retiring.size > 0) retireRemovedUnits(this.s, this.retiring);
    if (this.bootPhase === 'starting' && this.s.jobs.size === 0) this.bootPhase = 'finished';
    if (this.s.shuttingDown && !this.s.idleAnnounced && this.isIdle()) {
      this.s.idleAnnounced = true;
      this.s.ports.events.emit({ kind: 'Idle' });
    }
  }

  hasQueuedJobs(): boolean { return this.s.runQueue.size > 0; }

  dispatch(): void {
    do {
      dispatchRunQueue(this.s);
      runChecks(this.s);
    } while (this.s.runQueue.size > 0);
    this.settle();
  }

  enqueue(req: EnqueueRequest, who: RequestContext): Result<EnqueueResult> {
    const s = this.s;
    const r = resolveUnit(s, req.unit);
    if (!r.ok) return r;
    const u = r.value;
    const type = requestToJobType(req.type, u);
    if (s.shuttingDown && type !== 'stop') return fail('ShuttingDown');
    const refusal = refuseManual(u, type);
    if (refusal) return refusal;
    if (type === 'stop' && !u.isLoaded && isInactiveOrFailed(u.activeState) && !u.job) return fail('UnitNotLoaded', [u.id]);
    const origin = { kind: 'client' as const, client: who.client, pid: who.pid, request: req.type, mode: req.mode };
    const applied = enqueueJob(s, type, u, req.mode, origin, { dryRun: req.dryRun ?? false, listJobs: req.listJobs ?? true });
    if (!applied.ok) return applied;
    const anchor = applied.value.anchor;
    this.settle();
    return ok({
      job: anchor?.id ?? 0, unit: u.id, type: anchor?.type ?? type,
      needDaemonReload: needsDaemonReload(s, u), jobs: applied.value.jobs,
    });
  }

  listJobs(): JobSummary[] {
    return this.s.jobs.list().map((j) => ({ ...jobSummary(j), ...exclusiveJobFields(this.s, j) }));
  }

  getJob(id: JobId): Result<JobDetails> {
    const live = this.s.jobs.get(id);
    if (live) return ok({ ...jobDetails(live), ...exclusiveJobFields(this.s, live) });
    const ended = endedJob(this.s, id);
    return ended ? ok(jobDetails(ended)) : fail('NoSuchJob', [id]);
  }

  jobOrder(id: JobId): Result<{ waitingFor: JobSummary[]; blocking: JobSummary[] }> {
    const job = this.s.jobs.get(id);
    if (!job) return fail('NoSuchJob', [id]);
    return ok({ waitingFor: jobsWaitedFor(this.s, job).map(jobSummary), blocking: jobsBlockedBy(this.s, job).map(jobSummary) });
  }

  cancelJob(id: JobId, who: RequestContext): Result<void> {
    const job = this.s.jobs.get(id);
    if (!job) return fail('NoSuchJob', [id]);
    finishJob(this.s, job, 'canceled', { recursive: true, cause: { kind: 'canceled-by-client', text: `canceled by ${who.client}${who.pid !== null ? ` (pid ${who.pid})` : ''}` } });
    this.settle();
    return ok(undefined);
  }

  clearJobs(who: RequestContext): number {
    const jobs = this.s.jobs.list();
    for (const job of jobs) {
      if (job.installed) finishJob(this.s, job, 'canceled', { recursive: false, cause: { kind: 'canceled-by-client', text: `all jobs canceled by ${who.client}${who.pid !== null ? ` (pid ${who.pid})` : ''}` } });
    }
    this.settle();
    return jobs.length;
  }

  listUnits(options: { all: boolean }): UnitSummary[] {
    return this.uniqueUnits()
      .filter((u) => options.all || u.job !== null || u.activeState !== 'inactive')
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((u) => summary(u));
  }

  listTimers(): { timers: TimerSummary[]; nowUsec: number } {
    return listTimers(this.s);
  }

  unitProperties(unit: string, names: readonly string[] | null): Result<{ unit: UnitName; properties: [string, string][] }> {
    const r = resolveUnit(this.s, unit);
    if (!r.ok) return r;
    return ok({ unit: r.value.id, properties: unitProperties(this.s, r.value, names ? new Set(names) : null) });
  }

  unitStatus(unit: string): Result<UnitStatus> {
    const r = resolveUnit(this.s, unit);
    if (!r.ok) return r;
    const u = r.value;
    const st = u.ops.status(u, u.runtime);
    const state = u.activeState;
    const since = state === 'active' || state === 'reloading' ? u.activeEnter
      : isInactiveOrFailed(state) ? u.inactiveEnter : state === 'activating' ? u.inactiveExit : u.activeExit;
    return ok({
      ...summary(u), fragmentPath: u.config.fragmentPath, dropInPaths: u.config.dropInPaths,
      unitFileState: unitFileState(this.s, u), unitFilePreset: statusPreset(this.s, u), result: st.result, loadError: u.config.loadError?.message ?? null,
      stateSinceUsec: since.realtime, mainPid: st.mainPid, processes: [], execLines: st.execLines,
      needDaemonReload: needsDaemonReload(this.s, u),
      ...(st.timer ? { nextElapseUsec: timerNextElapse(st.timer.next, { monotonic: this.s.ports.clock.now(), realtime: this.s.ports.clock.realtime() }) } : {}),
      triggers: this.partners(u, 'Triggers'), triggeredBy: this.partners(u, 'TriggeredBy'),
      ...exclusiveStatusFields(this.s, u),
      ...(st.listen ? { listen: st.listen, accept: st.accept ?? null } : {}),
    });
  }

  private partners(u: Unit, kind: 'Triggers' | 'TriggeredBy'): { unit: UnitName; activeState: ActiveState }[] {
    return [...this.s.graph.get(u.id, kind)].sort().map((n) => ({ unit: n, activeState: this.s.units.get(n)?.activeState ?? 'inactive' }));
  }

  resetFailed(unit: string | null): Result<void> {
    const targets: Unit[] = [];
    if (unit === null) targets.push(...this.uniqueUnits());
    else {
      const r = resolveUnit(this.s, unit);
      if (!r.ok) return r;
      targets.push(r.value);
    }
    const ctx = unitContext(this.s);
    for (const u of targets) {
      resetStartLimit(u);
      u.ops.resetFailed(ctx, u, u.runtime);
    }
    this.settle();
    return ok(undefined);
  }

  killUnit(unit: string, whom: 'main' | 'control' | 'all', signal: number): Result<number> {
    const r = resolveUnit(this.s, unit);
    if (!r.ok) return r;
    const u = r.value;
    const res = u.ops.kill(unitContext(this.s), u, u.runtime, whom, signal);
    this.settle();
    return res;
  }

  reload(): ReloadReport {
    const report = reloadAll(this.s, this.retiring);
    exclusiveReloaded(this.s);
    this.reportedStale.clear();
    this.s.ports.events.emit({ kind: 'Reloaded', report });
    this.settle();
    return report;
  }

  startDefaultTarget(): void {
    this.bootPhase = 'starting';
    const r = resolveUnit(this.s, 'default.target');
    if (r.ok && r.value.isLoaded) enqueueInternal(this.s, 'start', r.value, 'replace', { kind: 'internal', reason: 'boot (default.target)' });
    this.settle();
  }

  beginShutdown(): void {
    beginShutdown(this.s);
    this.settle();
  }

  isIdle(): boolean {
    if (this.s.jobs.size > 0) return false;
    return !this.s.shuttingDown || this.uniqueUnits().every((u) => isInactiveOrFailed(u.activeState));
  }

  unitDependencies(unit: string, options: { reverse: boolean; all: boolean; order?: 'after' | 'before' | undefined }): Result<DependencyNode> {
    const r = resolveUnit(this.s, unit);
    return r.ok ? ok(dependencyTree(this.s, r.value.id, options)) : r;
  }

  systemState(): SystemStateReport {
    const units = this.uniqueUnits();
    const failedUnits = units.filter((u) => u.activeState === 'failed').length;
    return {
      state: systemState({ boot: this.bootPhase, shuttingDown: this.s.shuttingDown, failedUnits }),
      units: units.length, failedUnits, jobs: this.s.jobs.size, unitPath: this.s.unitPath,
    };
  }

  showEnvironment(): string[] { return environmentBlock(this.environment); }
  setEnvironment(assignments: readonly string[]): Result<void> { return setEnvironment(this.environment, assignments); }
  unsetEnvironment(names: readonly string[]): Result<void> { return unsetEnvironment(this.environment, names); }

  planUnitFiles(op: UnitFilesOp, units: readonly string[], presetMode?: PresetMode, flags?: UnitFilesFlags): Result<UnitFilesReply> {
    return planUnitFileChanges(this.s, op, units, presetMode, flags);
  }
  unitFileState(unit: string): Result<string> { return unitFileStateFor(this.s, unit); }
  listUnitFiles(): UnitFileEntry[] { return unitFileList(this.s); }
  unitFileText(unit: string): Result<UnitFileText> { return unitFileText(this.s, unit); }

  private uniqueUnits(): Unit[] {
    return [...new Set(this.s.units.values())];
  }
}

function summary(u: Unit): UnitSummary {
  return {
    id: u.id, loadState: u.loadState, activeState: u.activeState, subState: u.subState,
    description: u.description, job: u.job ? jobSummary(u.job) : null,
  };
}

/** 06 §3.1: the reload-or-* verbs reload when the unit can, and restart otherwise. */
function requestToJobType(t: EnqueueRequest['type'], u: Unit): JobType {
  const canReload = u.canReload;
  switch (t) {
    case 'reload-or-restart': return canReload ? 'reload-or-start' : 'restart';
    case 'try-reload-or-restart': return canReload ? 'try-reload' : 'try-restart';
    default: return t;
  }
}

/** RefuseManualStart=/RefuseManualStop= (01 §4.4). */
function refuseManual(u: Unit, type: JobType): Result<never> | null {
  const { refuseManualStart: noStart, refuseManualStop: noStop } = u.config.settings;
  const starts = type === 'start' || type === 'verify-active' || (type === 'reload-or-start' && !['active', 'reloading'].includes(u.activeState));
  const restarts = type === 'restart' || type === 'try-restart';
  if ((starts && noStart) || (type === 'stop' && noStop) || (restarts && (noStart || noStop))) return fail('OnlyByDependency', [u.id]);
  return null;
}

/** Drops an exec id whose process is gone, returning its unit. */
function forgetExec(s: EngineState, execId: number): Unit | undefined {
  const u = s.execs.get(execId);
  if (u && s.execs.delete(execId)) u.liveExecs--;
  return u;
}
