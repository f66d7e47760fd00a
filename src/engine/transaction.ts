// Request → checked, merged, ordered set of jobs, or an error (02 §5–§6, modelled on systemd's
// src/core/transaction.c). Pure: reads the manager through TransactionView and returns a plan.
// It allocates no job ids and installs nothing; the manager does both (02 §6.10).
import { assert, fail, ok, type Result, type UnitdError } from './errors.ts';
import { collapse } from './job-tables.ts';
import { isInactiveOrFailed } from './states.ts';
import type { InstallableJobType, JobMode, JobType, UnitName } from './types.ts';
import { LINK_ALIVE, linkSubject } from './transaction-links.ts';
import {
  collectGarbage, findEntry, headOf, inTx, newTx,
  type PulledBy, type TransactionUnitState, type TransactionView, type Tx, type TxJob,
} from './transaction-model.ts';
import { addJobAndDependencies, type By } from './transaction-pull.ts';
import {
  checkDestructive, dropRedundant, headsChangedSinceCheck, markJobsThatMatter, mergeJobs, minimizeImpact, recordCheckedHeads, verifyOrderOnce,
} from './transaction-steps.ts';

export type { InstalledJobView, PulledBy, TransactionUnitState, TransactionView } from './transaction-model.ts';

/*
 * The numbered steps (02 §5, §6.3), each one pass over the transaction:
 *  1. validate the mode against the request (isolate needs start and AllowIsolate=, triggering needs stop,
 *     restart-dependencies needs start);
 *  2. collapse the requested type once, against the anchor unit's state now;
 *  3. add the anchor and, depth-first, the jobs its dependencies pull in (mandatory pull errors
 *     fail the request, except "not applicable"; optional pull errors are logged and ignored);
 *  4. isolate: stop everything else that runs; triggering: stop the units that trigger the anchor;
 *  5. mark the jobs that matter to the anchor (reachable through mandatory links);
 *  6. mode fail: drop optional jobs that would stop running units or contradict installed jobs;
 *  7. drop redundant units' jobs;
 *  8. loop { collect garbage (not in isolate); find one ordering cycle and break it by deleting a
 *     unit that does not matter, or fail as cyclic };
 *  9. loop { merge each unit's candidates into one, deleting one unmergeable job when possible,
 *     then collect garbage; or fail as conflicting };
 * 10. drop redundant jobs again;
 * 11. check the order again (not in systemd: merging can close a cycle, see activate);
 * 12. refuse destructive transactions;
 * 13. isolate/flush: list the installed jobs of units outside the transaction to cancel.
 * Invariants of the result: one job per unit, the anchor is among them, no ordering cycle among
 * the planned and installed jobs.
 */

export interface TransactionRequest {
  readonly unit: UnitName;
  readonly type: JobType;
  readonly mode: JobMode;
}

export interface PlannedJob {
  readonly unit: UnitName;
  readonly type: InstallableJobType;
  readonly isAnchor: boolean;
  readonly irreversible: boolean;
  readonly ignoreOrder: boolean;
  /** Reachable from the anchor through mandatory links. */
  readonly matters: boolean;
  /** Why the job exists; null for the anchor. */
  readonly pulledBy: PulledBy | null;
  /** Index in the plan's `jobs` of the job of pulledBy's unit, if that unit has one: the applier
   * names the puller's job id without looking units up by name. */
  readonly pullerIndex: number | null;
  /** The unit's state as the view gave it: the view's own object, so its applier can keep its unit there. */
  readonly state: TransactionUnitState;
}

export interface TransactionPlan {
  /** The anchor; also an element of `jobs`. */
  readonly anchor: PlannedJob;
  /** One job per unit, in the order they were first pulled in (a puller precedes what it pulls). */
  readonly jobs: readonly PlannedJob[];
  /** Units whose installed jobs an isolate/flush transaction cancels before installing. */
  readonly cancel: readonly UnitName[];
  /** Informational log lines (ignored dependency errors, ordering cycles found and broken). */
  readonly log: readonly string[];
}

interface ModeRow {
  readonly onlyFor: JobType | null;         // the one requested type the mode accepts
  readonly extra: 'isolate' | 'triggering' | 'restart-dependencies' | null;
  readonly ignoreRequirements: boolean;
  readonly ignoreOrder: boolean;
  readonly irreversible: boolean;
  readonly minimizeImpact: boolean;
  readonly collectGarbage: boolean;
  readonly cancelOthers: boolean;
}

const BASE: ModeRow = {
  onlyFor: null, extra: null, ignoreRequirements: false, ignoreOrder: false, irreversible: false,
  minimizeImpact: false, collectGarbage: true, cancelOthers: false,
};

/** 02 §3. Destructiveness (fail vs the rest) is decided in checkDestructive. */
const MODE_TABLE = {
  'fail':                 { ...BASE, minimizeImpact: true },
  'replace':              BASE,
  'replace-irreversibly': { ...BASE, irreversible: true },
  'isolate':              { ...BASE, onlyFor: 'start', extra: 'isolate', collectGarbage: false, cancelOthers: true },
  'flush':                { ...BASE, cancelOthers: true },
  'ignore-dependencies':  { ...BASE, ignoreRequirements: true, ignoreOrder: true },
  'ignore-requirements':  { ...BASE, ignoreRequirements: true },
  'triggering':           { ...BASE, onlyFor: 'stop', extra: 'triggering' },
  // Extension (systemd 254+ names the mode; 252 rejects it): propagated restarts start inactive dependents too.
  'restart-dependencies': { ...BASE, onlyFor: 'start', extra: 'restart-dependencies' },
} as const satisfies Record<JobMode, ModeRow | null>;

const ONLY_FOR_MESSAGE = { isolate: 'Isolate is only valid for start.', triggering: '--job-mode=triggering is only valid for stop.',
  'restart-dependencies': '--job-mode=restart-dependencies is only valid for start.' } as const;

/** Builds, checks and merges the transaction for one request (02 §5 steps 1–8, without installing). */
export function buildTransaction(view: TransactionView, request: TransactionRequest): Result<TransactionPlan> {
  const mode: ModeRow | null = MODE_TABLE[request.mode] ?? null;
  if (!mode) return fail('InvalidArgs', [`Job mode ${request.mode} invalid`]);
  if (mode.onlyFor !== null && request.type !== mode.onlyFor) return fail('InvalidArgs', [ONLY_FOR_MESSAGE[mode.extra!]]);
  const state = view.unitState(request.unit);
  if (!state) return fail('NoSuchUnit', [request.unit]);
  if (mode.extra === 'isolate' && !state.allowIsolate) return fail('NoIsolation');
  const tx = newTx(view, mode.irreversible);
  const type = collapse(request.type, state.activeState);
  const err = addJobAndDependencies(tx, type, request.unit, null, { ...mode, restartDependencies: mode.extra === 'restart-dependencies' });
  if (err) return { ok: false, error: withLog(err, tx) };
  if (mode.extra === 'isolate') addIsolateJobs(tx);
  if (mode.extra === 'triggering') addTriggeringJobs(tx, request.unit);
  const r = activate(tx, request.mode, mode);
  if (!r.ok) return { ok: false, error: withLog(r.error, tx) };
  return ok(planOf(tx, mode));
}

const withLog = (e: UnitdError, tx: Tx): UnitdError => (tx.log.length > 0 ? { ...e, data: { ...e.data, log: [...tx.log] } } : e);

/** 02 §6.3 steps 1–7. */
function activate(tx: Tx, modeName: JobMode, mode: ModeRow): Result<null> {
  markJobsThatMatter(tx);
  if (mode.minimizeImpact) minimizeImpact(tx);
  dropRedundant(tx, { onlyChanged: false });
  const ordered = verifyOrder(tx, mode);
  if (!ordered.ok) return ordered;
  for (;;) {
    const r = mergeJobs(tx);
    if (!r.ok) return r;
    if (r.value === 'ok') break;
    if (mode.collectGarbage) collectGarbage(tx);
  }
  dropRedundant(tx, { onlyChanged: true });
  // Deviation: systemd checks order only before merging, so a merge (start + restart → restart
  // between units ordered both ways) can install a deadlocked pair. Checking again costs one pass,
  // skipped when the steps since the first check only deleted jobs (a subgraph stays acyclic).
  if (mode.collectGarbage) collectGarbage(tx);
  if (headsChangedSinceCheck(tx)) {
    const reordered = verifyOrder(tx, mode, true);
    if (!reordered.ok) return reordered;
  }
  return checkDestructive(tx, modeName);
}

/** 02 §6.3 step 4: collect garbage, find a cycle and break it, until there is none or it is unbreakable. */
function verifyOrder(tx: Tx, mode: ModeRow, collected = false): Result<null> {
  for (let first = true; ; first = false) {
    if (mode.collectGarbage && !(first && collected)) collectGarbage(tx);
    const r = verifyOrderOnce(tx);
    if (r === 'ok') { recordCheckedHeads(tx); return ok(null); }
    if (r === 'cyclic') return fail('TransactionOrderIsCyclic');
  }
}

const STOP_BY_ANCHOR = { ignoreRequirements: false, ignoreOrder: false } as const;

/** 02 §6.11: stop every running unit not kept by the transaction, IgnoreOnIsolate= or a kept trigger. */
function addIsolateJobs(tx: Tx): void {
  const view = tx.view;
  const spared = (u: UnitName): boolean => inTx(tx, u) || (view.unitState(u)?.ignoreOnIsolate ?? false);
  // A trigger keeps its unit only if it is not itself being stopped. systemd checks mere presence
  // in the transaction, which makes the outcome depend on hash order once a trigger got its own
  // isolate stop; we take the order-independent reading (UNCERTAIN against 252.39).
  const keepsRunning = (u: UnitName): boolean =>
    (view.unitState(u)?.ignoreOnIsolate ?? false) || (findEntry(tx, u)?.jobs.some((j) => j.type !== 'stop') ?? false);
  for (const name of view.allUnits()) {
    const st = view.unitState(name);
    if (!st || spared(name)) continue;
    if (isInactiveOrFailed(st.activeState) && !view.installedJob(name)) continue;
    if (view.triggeredBy(name).some(keepsRunning)) continue;
    const err = addJobAndDependencies(tx, 'stop', name, anchorLink(tx, 'isolate'), STOP_BY_ANCHOR);
    if (err) tx.log.push(`Cannot add isolate job for ${name}, ignoring: ${err.message}`);
  }
}

/** 02 §6.11: `stop --job-mode=triggering` also stops the units that trigger the anchor's unit. */
function addTriggeringJobs(tx: Tx, unit: UnitName): void {
  const view = tx.view;
  for (const t of view.triggeredBy(unit)) {
    const st = view.unitState(t);
    if (!st || inTx(tx, t)) continue;
    if (isInactiveOrFailed(st.activeState) && !view.installedJob(t)) continue;
    const err = addJobAndDependencies(tx, 'stop', t, anchorLink(tx, 'triggering'), STOP_BY_ANCHOR);
    if (err) tx.log.push(`Cannot add triggering job for ${t}, ignoring: ${err.message}`);
  }
}

const anchorLink = (tx: Tx, kind: string): By => ({ job: tx.anchor!, matters: true, conflicts: false, kind });

function planOf(tx: Tx, mode: ModeRow): TransactionPlan {
  const survivors: TxJob[] = [];
  let sorted = true;
  for (let i = 0; i < tx.entries.length; i++) {
    const h = headOf(tx.entries[i]!);
    if (!h) continue;
    if (survivors.length > 0 && survivors[survivors.length - 1]!.firstSeq > h.firstSeq) sorted = false;
    survivors.push(h);
  }
  // Usually already in creation order (a unit's entry is made when its first job is): skip the sort then.
  if (!sorted) survivors.sort((a, b) => a.firstSeq - b.firstSeq);
  for (let i = 0; i < survivors.length; i++) survivors[i]!.planIndex = i;
  const jobs: PlannedJob[] = new Array(survivors.length);
  const shared: (PulledBy | undefined)[] = new Array(survivors.length);
  let anchor: PlannedJob | undefined;
  for (let i = 0; i < survivors.length; i++) {
    const j = survivors[i]!;
    const p = j === tx.anchor ? plannedJob(j, true, null, null) : plannedWithReason(tx, j, shared);
    jobs[i] = p;
    if (p.isAnchor) anchor = p;
  }
  assert(anchor !== undefined, 'the anchor survives every step of its transaction');
  const cancel: UnitName[] = [];
  if (mode.cancelOthers) {
    for (const name of tx.view.allUnits()) {
      if (inTx(tx, name) || !tx.view.installedJob(name) || tx.view.unitState(name)?.ignoreOnIsolate) continue;
      cancel.push(name);
    }
  }
  return { anchor, jobs, cancel, log: tx.log };
}

const plannedJob = (j: TxJob, isAnchor: boolean, pulledBy: PulledBy | null, pullerIndex: number | null): PlannedJob => ({
  unit: j.name, type: j.type, isAnchor, irreversible: j.irreversible, ignoreOrder: j.ignoreOrder, matters: j.matters, pulledBy, pullerIndex,
  state: j.entry.state,
});

/**
 * Why a planned job exists: the oldest live link into it (its first reason that still holds),
 * else why it was created; with the plan index of the pulling unit's job if it has one. The jobs
 * one planned job pulls through the same dependency share one PulledBy (`shared`, by its index).
 */
function plannedWithReason(tx: Tx, j: TxJob, shared: (PulledBy | undefined)[]): PlannedJob {
  const links = tx.links;
  let best = -1;
  for (let l = j.firstIn; l >= 0; l = links.nextIn[l]!) {
    const subject = linkSubject(tx, l);
    if ((links.flags[l]! & LINK_ALIVE) !== 0 && subject !== j && subject.alive && (best < 0 || l < best)) best = l;
  }
  if (best >= 0) {
    const by = linkSubject(tx, best);
    const kind = links.kind[best]!;
    let pulledBy = shared[by.planIndex];
    if (pulledBy?.kind !== kind) shared[by.planIndex] = pulledBy = { unit: by.name, kind, type: by.type };
    return plannedJob(j, false, pulledBy, by.planIndex);
  }
  const by = j.originJob;
  if (!by) return plannedJob(j, false, null, null);
  const puller = headOf(by.entry);
  return plannedJob(j, false, { unit: by.name, kind: j.originKind, type: j.originType! }, puller ? puller.planIndex : null);
}
