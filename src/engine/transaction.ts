// Request → checked, merged, ordered set of jobs, or an error (02 §5–§6, modelled on systemd's
// src/core/transaction.c). Pure: reads the manager through TransactionView and returns a plan.
// It allocates no job ids and installs nothing; the manager does both (02 §6.10).
import { DEP_KINDS, kindsWithAtom, type Atom, type DepKind } from './deps.ts';
import { assert, fail, makeError, ok, type Result, type UnitdError } from './errors.ts';
import { collapse, isInstallableJobType } from './job-tables.ts';
import { isInactiveOrFailed } from './states.ts';
import type { InstallableJobType, JobMode, JobType, UnitName } from './types.ts';
import {
  addLink, addOneJob, collectGarbage, headOf, inTx, newTx, NONE,
  type Link, type PulledBy, type TransactionView, type Tx, type TxJob, type UnitEntry,
} from './transaction-model.ts';
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

/** 02 §6.2 applicability. */
const APPLICABLE = {
  'start': () => true,
  'verify-active': () => true,
  'nop': () => true,
  'stop': (s) => s.canStop,
  'restart': (s) => s.canStart && s.canStop,
  'reload': (s) => s.canReload,
} as const satisfies Record<InstallableJobType, (s: UnitEntry['state']) => boolean>;

interface PullRule { readonly atom: Atom; readonly type: JobType; readonly matters: boolean; readonly conflicts: boolean; readonly optional: boolean }

/** 02 §6.2 step f: which atoms a new job of each type follows, and what it adds there. */
const PULL_START: readonly PullRule[] = [
  { atom: 'pull-start', type: 'start', matters: true, conflicts: false, optional: false },
  { atom: 'pull-start-soft', type: 'start', matters: false, conflicts: false, optional: true },
  { atom: 'pull-verify', type: 'verify-active', matters: true, conflicts: false, optional: false },
  { atom: 'pull-stop', type: 'stop', matters: true, conflicts: true, optional: false },
  { atom: 'pull-stop-soft', type: 'stop', matters: false, conflicts: false, optional: true },
];
const PROPAGATE_STOP: PullRule = { atom: 'propagate-stop', type: 'stop', matters: true, conflicts: false, optional: false };
const PROPAGATE_RESTART: PullRule = { atom: 'propagate-restart', type: 'try-restart', matters: true, conflicts: false, optional: false };
const PROPAGATE_RELOAD: PullRule = { atom: 'propagates-reload-to', type: 'try-reload', matters: false, conflicts: false, optional: true };

const PULL_RULES = {
  'start': PULL_START,
  'restart': [...PULL_START, PROPAGATE_RESTART],
  'stop': [PROPAGATE_STOP],
  'reload': [PROPAGATE_RELOAD],
  'verify-active': [],
  'nop': [],
} as const satisfies Record<InstallableJobType, readonly PullRule[]>;

/**
 * Mode restart-dependencies (systemd 254): the anchor's start is propagated to the units that
 * depend on it the way a restart is (try-restart: only those that are up are restarted). It
 * applies to the anchor job only; what the anchor pulls in follows the ordinary rules.
 */
const PULL_RULES_RESTART_DEPENDENCIES = {
  ...PULL_RULES,
  'start': [...PULL_START, PROPAGATE_RESTART],
} as const satisfies Record<InstallableJobType, readonly PullRule[]>;

type PullTable = Record<InstallableJobType, readonly PullRule[]>;

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
  dropRedundant(tx);
  const ordered = verifyOrder(tx, mode);
  if (!ordered.ok) return ordered;
  for (;;) {
    const r = mergeJobs(tx);
    if (!r.ok) return r;
    if (r.value === 'ok') break;
    if (mode.collectGarbage) collectGarbage(tx);
  }
  dropRedundant(tx);
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

/** The job that pulls, and how: a link's subject and flags (a Frame is one too). */
interface By { readonly job: TxJob; readonly matters: boolean; readonly conflicts: boolean; readonly kind: string }

/**
 * One job whose dependencies are being added. It walks its pull rules, the kinds carrying each
 * rule's atom, and the units of each kind lazily (no per-pull allocation); the current rule's
 * flags make the frame usable as the `By` of the job it is adding.
 */
interface Frame extends By {
  job: TxJob;
  rules: readonly PullRule[];
  deps: ReadonlyMap<DepKind, ReadonlySet<UnitName>>;
  ri: number;
  ki: number;
  it: Iterator<UnitName> | null;
  rule: PullRule;
  depKind: DepKind;
  matters: boolean;
  conflicts: boolean;
  kind: string;
}

const KIND_LABEL = Object.fromEntries(DEP_KINDS.map((k) => [k, `${k}=`])) as Record<DepKind, string>;

/**
 * Frame `depth` of `frames`, set up for `job`. Frames are reused from one push to the next (a
 * build allocates one per depth level, not one per job): a frame lent out as a `By` is only
 * read, never kept.
 */
function enterFrame(frames: Frame[], depth: number, job: TxJob, table: PullTable): void {
  const f = frames[depth];
  if (!f) {
    frames.push({ job, rules: table[job.type], deps: job.entry.deps, ri: 0, ki: 0, it: null,
      rule: PROPAGATE_STOP, depKind: 'Requires', matters: false, conflicts: false, kind: '' });
    return;
  }
  f.job = job; f.rules = table[job.type]; f.deps = job.entry.deps; f.ri = 0; f.ki = 0; f.it = null;
}

/**
 * 02 §6.2 with an explicit stack (a chain of 100 000 Requires= must not overflow the call
 * stack). A frame's pull that fails mandatorily fails the frame itself, and so on up to the
 * first optional pull or the root; the jobs already added stay in the transaction.
 */
function addJobAndDependencies(tx: Tx, type: InstallableJobType, unit: UnitName, by: By | null,
  o: { readonly ignoreRequirements: boolean; readonly ignoreOrder: boolean; readonly restartDependencies?: boolean }): UnitdError | null {
  const mark = tx.seq;
  const root = addChecked(tx, type, unit, by, o.ignoreOrder);
  if ('error' in root) return root.error;
  if (root.seq < mark || o.ignoreRequirements) return null;
  const table: PullTable = PULL_RULES;
  const frames: Frame[] = [];
  enterFrame(frames, 0, root, o.restartDependencies && by === null ? PULL_RULES_RESTART_DEPENDENCIES : table);
  let depth = 1;
  while (depth > 0) {
    let f = frames[depth - 1]!;
    const dep = nextDependency(f);
    if (dep === null) { f.it = null; depth--; continue; }
    const jobType = pulledType(tx, f.rule, dep);
    if (jobType === 'nop') continue;   // a propagated try-restart/try-reload of a unit that is not up
    const before = tx.seq;
    const r = addChecked(tx, jobType, dep, f, o.ignoreOrder);
    if (!('error' in r)) {
      if (r.seq >= before) enterFrame(frames, depth++, r, table);
      continue;
    }
    // Unwind: a mandatory failure (other than "not applicable") fails the frame that pulled.
    let failed = dep;
    while (!f.rule.optional && r.error.name !== 'JobTypeNotApplicable') {
      failed = frames[--depth]!.job.name;
      if (depth === 0) return r.error;
      f = frames[depth - 1]!;
    }
    if (f.rule.optional) tx.log.push(`Cannot add dependency job for ${failed}, ignoring: ${r.error.message}`);
  }
  return null;
}

/** Advances the frame to its next dependency (each unit once per rule), or null when done. */
function nextDependency(f: Frame): UnitName | null {
  for (;;) {
    if (f.it) {
      const n = f.it.next();
      if (!n.done) {
        if (f.ki > 0 && kindsWithAtom(f.rule.atom).slice(0, f.ki).some((k) => f.deps.get(k)?.has(n.value))) continue;
        return n.value;
      }
      f.it = null;
      f.ki++;
    }
    const rule = f.rules[f.ri];
    if (!rule) return null;
    const kinds = kindsWithAtom(rule.atom);
    if (f.ki >= kinds.length) { f.ri++; f.ki = 0; continue; }
    const depKind = kinds[f.ki]!;
    const set = f.deps.get(depKind);
    if (!set || set.size === 0) { f.ki++; continue; }
    f.rule = rule; f.depKind = depKind; f.matters = rule.matters; f.conflicts = rule.conflicts; f.kind = KIND_LABEL[depKind];
    f.it = set.values();
  }
}

/** The rule's job type for `unit`; propagated try-* types are collapsed against its state now. */
function pulledType(tx: Tx, rule: PullRule, unit: UnitName): InstallableJobType {
  if (isInstallableJobType(rule.type)) return rule.type;
  const st = entryOf(tx, unit)?.state;
  return st ? collapse(rule.type, st.activeState) : 'nop';
}

/** Steps a–e of 02 §6.2 for one job: load state, applicability, then add and link it. */
function addChecked(tx: Tx, type: InstallableJobType, unit: UnitName, by: By | null, ignoreOrder: boolean): TxJob | { error: UnitdError } {
  const entry = entryOf(tx, unit);
  if (!entry) return { error: makeError('NoSuchUnit', [unit]) };
  const load = entry.state.loadState;
  if (load === 'stub' || load === 'merged') return { error: makeError('LoadFailed', [unit]) };
  if (type !== 'stop' && load !== 'loaded') return { error: tx.view.loadError(unit) ?? makeError('LoadFailed', [unit]) };
  if (!APPLICABLE[type](entry.state)) return { error: makeError('JobTypeNotApplicable', [type, unit]) };
  const job = addOneJob(tx, entry, type, by);
  job.ignoreOrder ||= ignoreOrder;
  if (by) addLink(tx, by.job, job, by);
  else tx.anchor = job;
  return job;
}

function entryOf(tx: Tx, name: UnitName): UnitEntry | null {
  const e = tx.units.get(name);
  if (e) return e;
  const state = tx.view.unitState(name);
  if (!state) return null;
  const node = tx.view.graph.orderNode(name);
  const created: UnitEntry = { name, index: tx.units.size, state, deps: node?.kinds ?? NO_KINDS, node, jobs: NONE, checkedHead: null, checkedType: null, checkedIgnoreOrder: false, installed: undefined };
  tx.units.set(name, created);
  tx.entries.push(created);
  if (node) { node.txStamp = tx.stamp; node.txEntry = created; }
  return created;
}

const NO_KINDS: ReadonlyMap<DepKind, ReadonlySet<UnitName>> = new Map();

const STOP_BY_ANCHOR = { ignoreRequirements: false, ignoreOrder: false } as const;

/** 02 §6.11: stop every running unit not kept by the transaction, IgnoreOnIsolate= or a kept trigger. */
function addIsolateJobs(tx: Tx): void {
  const view = tx.view;
  const spared = (u: UnitName): boolean => inTx(tx, u) || (view.unitState(u)?.ignoreOnIsolate ?? false);
  // A trigger keeps its unit only if it is not itself being stopped. systemd checks mere presence
  // in the transaction, which makes the outcome depend on hash order once a trigger got its own
  // isolate stop; we take the order-independent reading (UNCERTAIN against 252.39).
  const keepsRunning = (u: UnitName): boolean =>
    (view.unitState(u)?.ignoreOnIsolate ?? false) || (tx.units.get(u)?.jobs.some((j) => j.type !== 'stop') ?? false);
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
  for (let i = 0; i < tx.entries.length; i++) {
    const h = headOf(tx.entries[i]!);
    if (h) survivors.push(h);
  }
  survivors.sort((a, b) => a.firstSeq - b.firstSeq);
  survivors.forEach((j, i) => { j.planIndex = i; });
  const jobs = survivors.map((j): PlannedJob => {
    const why = j === tx.anchor ? NO_REASON : reasonOf(j);
    return {
      unit: j.name, type: j.type, isAnchor: j === tx.anchor, irreversible: j.irreversible, ignoreOrder: j.ignoreOrder,
      matters: j.matters, pulledBy: why.pulledBy, pullerIndex: why.puller ? why.puller.planIndex : null,
    };
  });
  const anchor = jobs.find((p) => p.isAnchor);
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

/** Why a planned job exists, and the planned job of the pulling unit if it has one. */
interface Reason { readonly pulledBy: PulledBy | null; readonly puller: TxJob | null }
const NO_REASON: Reason = { pulledBy: null, puller: null };

/** The oldest live link into the job (its first reason that still holds), else why it was created. */
function reasonOf(j: TxJob): Reason {
  let best: Link | null = null;
  for (const l of j.in) if (l.alive && l.subject !== j && l.subject.alive && (!best || l.seq < best.seq)) best = l;
  if (best) return { pulledBy: { unit: best.subject.name, kind: best.kind, type: best.subject.type }, puller: best.subject };
  return { pulledBy: j.origin, puller: j.originJob ? headOf(j.originJob.entry) ?? null : null };
}
