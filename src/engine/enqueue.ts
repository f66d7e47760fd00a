// Turning a request into installed jobs: build the transaction (transaction.ts), then apply it
// (02 §6.10): cancel what isolate/flush removes, install every planned job, report the result.
import type { TransactionJob } from './api.ts';
import type { EngineState } from './engine-state.ts';
import { ok, type Result } from './errors.ts';
import type { JobOrigin } from './events.ts';
import { finishJob, installJob } from './job-runner.ts';
import type { Job } from './job.ts';
import { conflicting } from './job-tables.ts';
import { buildTransaction, type PlannedJob, type PulledBy, type TransactionView } from './transaction.ts';
import type { JobId, JobMode, JobType, UnitName } from './types.ts';
import { Unit } from './unit.ts';
import { loadError } from './loader.ts';
import { exclusiveWaitText } from './exclusive.ts';

export interface Applied {
  readonly anchor: Job | null;          // null for a dry run
  readonly jobs: TransactionJob[];
}

export function transactionView(s: EngineState): TransactionView {
  return {
    graph: s.graph,
    // The Unit is its own state view (it changes nothing during a build); a planned job carries
    // it, so the apply finds its unit without a lookup by name.
    unitState: (name) => s.units.get(name),
    // The node remembers its unit (as unit-links.ts does): one lookup by name per unit and graph.
    unitStateAt: (node) => (node.unit ??= s.units.get(node.name)),
    loadError: (name) => {
      const u = s.units.get(name);
      return u ? loadError(u) : null;
    },
    // The Job itself is a read-only InstalledJobView; the build never outlives a change to it.
    installedJob: (name) => s.units.get(name)?.job ?? null,
    hasInstalledJobs: () => s.jobs.size > 0,
    allUnits: () => uniqueUnitIds(s),
    triggeredBy: (name) => [...s.graph.get(name, 'TriggeredBy')],
  };
}

function* uniqueUnitIds(s: EngineState): Iterable<UnitName> {
  for (const [name, u] of s.units) if (name === u.id) yield name;
}

export interface EnqueueOptions {
  /** Plan only: `jobs` says what would be installed and canceled; nothing changes. */
  readonly dryRun?: boolean;
  /**
   * Report every job installed, merged into or canceled in `jobs` (a dry run always does). Only a
   * client showing the transaction reads it: a boot's transaction has a line per unit.
   */
  readonly listJobs?: boolean;
}

/** Builds and applies a transaction for `type` on `unit` (02 §5). */
export function enqueueJob(s: EngineState, type: JobType, unit: Unit, mode: JobMode, origin: JobOrigin, o: EnqueueOptions = {}): Result<Applied> {
  const plan = buildTransaction(transactionView(s), { unit: unit.id, type, mode });
  if (!plan.ok) return plan;
  const { anchor, jobs, cancel } = plan.value;
  if (o.dryRun) return ok({ anchor: null, jobs: describePlan(s, jobs, cancel, anchor) });
  const list = o.listJobs ?? false;
  const out: TransactionJob[] = [];
  for (const name of cancel) {
    const victim = s.units.get(name)?.job;
    if (!victim) continue;
    if (list) out.push({ id: victim.id, unit: name, type: victim.type, action: 'canceled', reason: `not part of the ${mode} transaction` });
    finishJob(s, victim, 'canceled', { recursive: false, cause: { kind: 'flushed', unit: unit.id, text: `canceled by ${mode} of ${unit.id} (${describeOriginShort(origin)})` } });
  }
  // Installed so far, by plan index: a dependency origin names its puller's job id when the
  // puller was installed first. The anchor goes first so every origin can name its job id.
  const installed: (Job | undefined)[] = new Array(jobs.length);
  const whys: (Why | undefined)[] = new Array(jobs.length);
  const anchorIndex = jobs.indexOf(anchor);
  let anchorJob: Job | null = null;
  for (let k = -1; k < jobs.length; k++) {
    if (k === anchorIndex) continue;
    const i = k < 0 ? anchorIndex : k;
    const p = jobs[i]!;
    const u = unitOf(s, p)!;
    const why = p.isAnchor || !p.pulledBy ? null : dependencyWhy(whys, p.pullerIndex, p.pulledBy, p.pullerIndex !== null ? installed[p.pullerIndex] : undefined);
    const r = installJob(s, u, p.type, { irreversible: p.irreversible, ignoreOrder: p.ignoreOrder, origin: why ? why.origin : origin });
    installed[i] = r.job;
    if (p.isAnchor) anchorJob = r.job;
    if (!list) continue;
    if (r.canceled) out.push({ id: r.canceled.id, unit: p.unit, type: r.canceled.type, action: 'canceled', reason: `replaced by ${p.type} job ${r.job.id}` });
    out.push(jobLine(r.job.id, p.unit, r.job.type, r.merged ? 'merged' : 'installed', why ? why.reason : reasonOf(p), waitText(s, u, r.job.type)));
  }
  return ok({ anchor: anchorJob, jobs: out });
}

const unitOf = (s: EngineState, p: PlannedJob): Unit | undefined => (p.state instanceof Unit ? p.state : s.units.get(p.unit));

/**
 * A dependency job's origin and reason line. The jobs one job pulls in through the same
 * dependency share both (immutable), kept by the puller's plan index: one object and one string
 * per puller and dependency instead of per job. The line is made only when a listing reads it.
 */
class Why {
  readonly by: PulledBy;
  readonly puller: Job | undefined;
  readonly origin: JobOrigin;
  private line: string | null = null;
  constructor(by: PulledBy, puller: Job | undefined) {
    this.by = by;
    this.puller = puller;
    this.origin = { kind: 'dependency', unit: by.unit, dependency: by.kind, job: puller?.id ?? null, jobType: by.type };
  }
  get reason(): string { return (this.line ??= pulledByText(this.by)); }
}

function dependencyWhy(whys: (Why | undefined)[], pullerIndex: number | null, by: PulledBy, puller: Job | undefined): Why {
  const last = pullerIndex !== null ? whys[pullerIndex] : undefined;
  if (last && last.by.kind === by.kind && last.by.type === by.type && last.puller === puller) return last;
  const why = new Why(by, puller);
  if (pullerIndex !== null) whys[pullerIndex] = why;
  return why;
}

function describePlan(s: EngineState, jobs: readonly PlannedJob[], cancel: readonly UnitName[], anchor: PlannedJob): TransactionJob[] {
  const out: TransactionJob[] = [];
  for (const name of cancel) {
    const j = s.units.get(name)?.job;
    if (j) out.push({ id: j.id, unit: name, type: j.type, action: 'canceled', reason: 'not part of the transaction' });
  }
  for (const p of [anchor, ...jobs.filter((j) => j !== anchor)]) {
    const u = unitOf(s, p);
    const installedJob = u?.job;
    if (installedJob && p.type !== 'nop' && conflicting(installedJob.type, p.type)) {
      out.push({ id: installedJob.id, unit: p.unit, type: installedJob.type, action: 'canceled', reason: `replaced by ${p.type}` });
    }
    const merged = installedJob && p.type !== 'nop' && !conflicting(installedJob.type, p.type);
    out.push(jobLine(merged ? installedJob.id : 0, p.unit, p.type, merged ? 'merged' : 'installed', reasonOf(p), u ? waitText(s, u, p.type) : null));
  }
  return out;
}

/** A start job whose Exclusive= group is held now says so (-T and --dry-run show it). */
const waitText = (s: EngineState, u: Unit, type: string): string | null =>
  (type === 'start' || type === 'restart' ? exclusiveWaitText(s, u) : null);

/** One line of the reply; `waits` only when there is a wait (two literal shapes, no object spread per job). */
const jobLine = (id: JobId, unit: UnitName, type: string, action: TransactionJob['action'], reason: string, waits: string | null): TransactionJob =>
  (waits === null ? { id, unit, type, action, reason } : { id, unit, type, action, reason, waits });

function reasonOf(p: PlannedJob): string {
  if (p.isAnchor) return 'requested';
  if (!p.pulledBy) return 'pulled in';
  return pulledByText(p.pulledBy);
}

const pulledByText = (by: PulledBy): string => `${by.type} ${by.unit} via ${by.kind}`;

function describeOriginShort(o: JobOrigin): string {
  return o.kind === 'client' ? `requested by ${o.client}${o.pid !== null ? `, pid ${o.pid}` : ''}` : o.kind === 'internal' ? o.reason : `${o.unit} ${o.dependency}`;
}

/** Internal requests (02 §5 table): errors are only logged. */
export function enqueueInternal(s: EngineState, type: JobType, unit: Unit, mode: JobMode, origin: JobOrigin, o: { propagateReload?: boolean } = {}): Result<Applied> {
  if (o.propagateReload) {
    for (const name of s.graph.withAtom(unit.id, 'propagates-reload-to')) {
      const other = s.units.get(name);
      if (other) enqueueInternal(s, 'try-reload', other, mode, origin);
    }
    return ok({ anchor: null, jobs: [] });
  }
  const r = enqueueJob(s, type, unit, mode, origin);
  if (!r.ok) s.ports.events.emit({ kind: 'Log', level: 'warning', unit: unit.id, message: `Failed to enqueue ${type} job: ${r.error.message}` });
  return r;
}

