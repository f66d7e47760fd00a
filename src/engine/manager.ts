// The Manager: owns all engine state, handles inputs and client requests, and drains its queues
// to quiescence. Queue model (02 §7.1, §12): an input or request is handled completely,
// including state changes, job completions, retroactive jobs and the continuous checks of
// 01 §7; installed jobs only enter the run queue, which dispatch() drains when the daemon has
// nothing else pending. So the reply to a request is always sent before its first job runs,
// and the engine is never re-entered: ports only record, outcomes come back as new inputs.
import type { EnqueueResult, JobDetails, JobSummary, ReloadReport, UnitStatus, UnitSummary } from './api.ts';
import { runChecks } from './checks.ts';
import { DependencyGraph } from './deps.ts';
import type { EngineState } from './engine-state.ts';
import { enqueueInternal, enqueueJob } from './enqueue.ts';
import { fail, ok, type Result } from './errors.ts';
import type { Input } from './inputs.ts';
import { dispatchRunQueue, finishJob } from './job-runner.ts';
import { jobDetails, jobSummary } from './job.ts';
import { needsDaemonReload, reloadAll, resolveUnit } from './loader.ts';
import type { EnqueueRequest, ManagerApi, RequestContext } from './manager-api.ts';
import type { Ports } from './ports.ts';
import { unitFileState, unitProperties } from './properties.ts';
import { isInactiveOrFailed } from './states.ts';
import type { JobId, JobType, UnitName } from './types.ts';
import { UnitFileIndex } from './unit-file/search.ts';
import { parseUnitTimerId, unitContext } from './unit-context.ts';
import { resetStartLimit } from './unit-ops.ts';
import type { Unit } from './unit.ts';

export interface ManagerOptions {
  /** Unit search path, highest priority first. */
  readonly unitPath: readonly string[];
}

export class Manager implements ManagerApi {
  private readonly s: EngineState;

  constructor(ports: Ports, options: ManagerOptions) {
    this.s = {
      ports, unitPath: options.unitPath, index: new UnitFileIndex(options.unitPath, ports.fs),
      units: new Map(), graph: new DependencyGraph(), jobs: new Map(), nextJobId: 1, execs: new Map(), nextExecId: 1,
      runQueue: [], ended: new Map(), upholdQueue: new Set(), boundQueue: new Set(), unneededQueue: new Set(),
      context: null, shuttingDown: false, idleAnnounced: false,
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
        const u = s.execs.get(input.execId);
        s.execs.delete(input.execId);
        if (u) u.ops.processExited(ctx, u, u.runtime, input.execId, input.code, input.status);
        break;
      }
      case 'SpawnFailed': {
        const u = s.execs.get(input.execId);
        s.execs.delete(input.execId);
        if (u) u.ops.spawnFailed(ctx, u, u.runtime, input.execId, input.message);
        break;
      }
      case 'TimerFired': this.timerFired(input.id); break;
      case 'NotifyReceived': {
        const u = s.units.get(input.unit);
        if (u) u.ops.notify(ctx, u, u.runtime, input.pid, input.message);
        break;
      }
      case 'UnitFilesChanged':
        // Configuration changes apply on daemon-reload (04 §11); new files are found on first use.
        break;
    }
    this.settle();
  }

  private timerFired(id: string): void {
    const s = this.s;
    if (id.startsWith('job:')) {
      const job = s.jobs.get(Number(id.slice(4)));
      if (!job) return;
      s.ports.events.emit({ kind: 'Log', level: 'warning', unit: job.unit.id, message: `Job ${job.unit.id}/${job.type} timed out.` });
      finishJob(s, job, 'timeout', { recursive: true, cause: { kind: 'timeout', unit: job.unit.id, text: 'JobTimeoutSec= expired' } });
      return;
    }
    const t = parseUnitTimerId(id);
    const u = t ? s.units.get(t.unit) : undefined;
    if (t && u) u.ops.timerFired(unitContext(s), u, u.runtime, t.key);
  }

  /** Runs the continuous checks and announces idleness after a shutdown. */
  private settle(): void {
    runChecks(this.s);
    if (this.s.shuttingDown && !this.s.idleAnnounced && this.isIdle()) {
      this.s.idleAnnounced = true;
      this.s.ports.events.emit({ kind: 'Idle' });
    }
  }

  hasQueuedJobs(): boolean { return this.s.runQueue.length > 0; }

  dispatch(): void {
    do {
      dispatchRunQueue(this.s);
      runChecks(this.s);
    } while (this.s.runQueue.length > 0);
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
    const applied = enqueueJob(s, type, u, req.mode, origin, { dryRun: req.dryRun ?? false });
    if (!applied.ok) return applied;
    const anchor = applied.value.anchor;
    this.settle();
    return ok({
      job: anchor?.id ?? 0, unit: u.id, type: anchor?.type ?? type,
      needDaemonReload: needsDaemonReload(s, u), jobs: applied.value.jobs,
    });
  }

  listJobs(): JobSummary[] {
    return [...this.s.jobs.values()].sort((a, b) => a.id - b.id).map(jobSummary);
  }

  getJob(id: JobId): Result<JobDetails> {
    const live = this.s.jobs.get(id);
    if (live) return ok(jobDetails(live));
    const ended = this.s.ended.get(id);
    return ended ? ok(ended) : fail('NoSuchJob', [id]);
  }

  cancelJob(id: JobId, who: RequestContext): Result<void> {
    const job = this.s.jobs.get(id);
    if (!job) return fail('NoSuchJob', [id]);
    finishJob(this.s, job, 'canceled', { recursive: true, cause: { kind: 'canceled-by-client', text: `canceled by ${who.client}${who.pid !== null ? ` (pid ${who.pid})` : ''}` } });
    this.settle();
    return ok(undefined);
  }

  clearJobs(who: RequestContext): number {
    const jobs = [...this.s.jobs.values()];
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

  unitProperties(unit: string, names: readonly string[] | null): Result<{ unit: UnitName; properties: [string, string][] }> {
    const r = resolveUnit(this.s, unit);
    if (!r.ok) return r;
    let properties = unitProperties(this.s, r.value);
    if (names) {
      const wanted = new Set(names);
      properties = properties.filter(([k]) => wanted.has(k));
    }
    return ok({ unit: r.value.id, properties });
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
      unitFileState: unitFileState(u), result: st.result, loadError: u.config.loadError?.message ?? null,
      stateSinceUsec: since.realtime, mainPid: st.mainPid, processes: [], execLines: st.execLines,
      needDaemonReload: needsDaemonReload(this.s, u),
    });
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
    const report = reloadAll(this.s);
    this.settle();
    return report;
  }

  startDefaultTarget(): void {
    const r = resolveUnit(this.s, 'default.target');
    if (!r.ok || !r.value.isLoaded) return;
    enqueueInternal(this.s, 'start', r.value, 'replace', { kind: 'internal', reason: 'boot (default.target)' });
    this.settle();
  }

  beginShutdown(): void {
    const s = this.s;
    s.shuttingDown = true;
    for (const u of this.uniqueUnits()) {
      if (isInactiveOrFailed(u.activeState) && !u.job) continue;
      enqueueInternal(s, 'stop', u, 'replace-irreversibly', { kind: 'internal', reason: 'manager shutdown' });
    }
    this.settle();
  }

  isIdle(): boolean {
    if (this.s.jobs.size > 0) return false;
    return !this.s.shuttingDown || this.uniqueUnits().every((u) => isInactiveOrFailed(u.activeState));
  }

  private uniqueUnits(): Unit[] {
    return [...new Set(this.s.units.values())];
  }
}

function summary(u: Unit): UnitSummary {
  return {
    id: u.id, loadState: u.config.loadState, activeState: u.activeState, subState: u.subState,
    description: u.description, job: u.job ? jobSummary(u.job) : null,
  };
}

/** 06 §3.1: the reload-or-* verbs reload when the unit can, and restart otherwise. */
function requestToJobType(t: EnqueueRequest['type'], u: Unit): JobType {
  const canReload = u.isLoaded && u.ops.canReload(u);
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
