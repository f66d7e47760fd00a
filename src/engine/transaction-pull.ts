// Adding a job and, depth-first, the jobs its dependencies pull in (02 §6.2): the pull rules by
// job type, and the walk over the graph with an explicit stack. Private to transaction*.ts.
import { atomBits, DEP_KINDS, KIND_BIT, KIND_INDEX, kindsWithAtom, type Atom, type DepKind, type OrderView } from './deps.ts';
import { makeError, type UnitdError } from './errors.ts';
import { collapse, isInstallableJobType } from './job-tables.ts';
import { addLink } from './transaction-links.ts';
import { addOneJob, entryAt, entryOf, type Tx, type TxJob, type UnitEntry } from './transaction-model.ts';
import type { InstallableJobType, JobType, UnitName } from './types.ts';

/** 02 §6.2 applicability. */
const APPLICABLE = {
  'start': () => true,
  'verify-active': () => true,
  'nop': () => true,
  'stop': (s) => s.canStop,
  'restart': (s) => s.canStart && s.canStop,
  'reload': (s) => s.canReload,
} as const satisfies Record<InstallableJobType, (s: UnitEntry['state']) => boolean>;

interface PullRuleSpec { readonly atom: Atom; readonly type: JobType; readonly matters: boolean; readonly conflicts: boolean; readonly optional: boolean }

/**
 * A rule with what the pull walk would otherwise look up per job: the kinds carrying its atom,
 * their KIND_BIT bits (a unit's kind mask skips the rule, or a kind, without a map lookup), and
 * its type when that needs no collapsing.
 */
interface PullRule extends PullRuleSpec {
  readonly kinds: readonly DepKind[];
  readonly kindBits: readonly number[];
  readonly kindIndex: readonly number[];
  readonly bits: number;
  readonly installable: InstallableJobType | null;
}

const pullRule = (spec: PullRuleSpec): PullRule => ({
  ...spec, kinds: kindsWithAtom(spec.atom), kindBits: kindsWithAtom(spec.atom).map((k) => KIND_BIT[k]),
  kindIndex: kindsWithAtom(spec.atom).map((k) => KIND_INDEX[k]), bits: atomBits(spec.atom),
  installable: isInstallableJobType(spec.type) ? spec.type : null,
});

/** 02 §6.2 step f: which atoms a new job of each type follows, and what it adds there. */
const PULL_START: readonly PullRule[] = [
  pullRule({ atom: 'pull-start', type: 'start', matters: true, conflicts: false, optional: false }),
  pullRule({ atom: 'pull-start-soft', type: 'start', matters: false, conflicts: false, optional: true }),
  pullRule({ atom: 'pull-verify', type: 'verify-active', matters: true, conflicts: false, optional: false }),
  pullRule({ atom: 'pull-stop', type: 'stop', matters: true, conflicts: true, optional: false }),
  pullRule({ atom: 'pull-stop-soft', type: 'stop', matters: false, conflicts: false, optional: true }),
];
const PROPAGATE_STOP = pullRule({ atom: 'propagate-stop', type: 'stop', matters: true, conflicts: false, optional: false });
const PROPAGATE_RESTART = pullRule({ atom: 'propagate-restart', type: 'try-restart', matters: true, conflicts: false, optional: false });
const PROPAGATE_RELOAD = pullRule({ atom: 'propagates-reload-to', type: 'try-reload', matters: false, conflicts: false, optional: true });

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

/** The job that pulls, and how: a link's subject and flags (a Frame is one too). */
export interface By { readonly job: TxJob; readonly matters: boolean; readonly conflicts: boolean; readonly kind: string }

/**
 * One job whose dependencies are being added: its pulls are `pulls[next..end)`. The current
 * pull's flags make the frame usable as the `By` of the job it is adding.
 */
interface Frame extends By {
  job: TxJob;
  next: number;
  end: number;
  rule: PullRule;
  matters: boolean;
  conflicts: boolean;
  kind: string;
}

/**
 * The pulls still to make for every frame on the stack, as parallel arrays: a frame's pulls are
 * written when it is entered, above its parent's, so a frame that ends or fails drops them by
 * being popped.
 */
interface Pulls {
  readonly nodes: OrderView[];
  readonly rules: PullRule[];
  readonly kinds: string[];
  top: number;
}

const KIND_LABEL = Object.fromEntries(DEP_KINDS.map((k) => [k, `${k}=`])) as Record<DepKind, string>;

/**
 * Frame `depth` of `frames`, set up for `job`, with its pulls in rule order, then kind order,
 * then the graph's order; a unit reached through two kinds of one rule is pulled once, through
 * the first (a stamp per rule marks the units taken). Frames are reused from one push to the
 * next (a build allocates one per depth level, not one per job): a frame lent out as a `By` is
 * only read, never kept.
 */
function enterFrame(tx: Tx, frames: Frame[], depth: number, job: TxJob, table: PullTable, pulls: Pulls): void {
  let top = depth > 0 ? frames[depth - 1]!.end : 0;
  const start = top;
  const node = job.entry.node;
  if (node) {
    const mask = node.mask;
    const rules = table[job.type];
    for (let ri = 0; ri < rules.length; ri++) {
      const rule = rules[ri]!;
      if ((mask & rule.bits) === 0) continue;
      const kinds = rule.kinds;
      // One kind: its list has each unit once already. Several: the stamp keeps the first.
      const stamp = kinds.length > 1 ? tx.view.graph.newStamp() : 0;
      for (let ki = 0; ki < kinds.length; ki++) {
        if ((mask & rule.kindBits[ki]!) === 0) continue;
        const list = node.peers[rule.kindIndex[ki]!];
        if (!list || list.length === 0) continue;
        const label = KIND_LABEL[kinds[ki]!];
        for (let i = 0; i < list.length; i++) {
          const dep = list[i]!;
          if (stamp !== 0) {
            if (dep.pullStamp === stamp) continue;
            dep.pullStamp = stamp;
          }
          pulls.nodes[top] = dep;
          pulls.rules[top] = rule;
          pulls.kinds[top++] = label;
        }
      }
    }
  }
  pulls.top = top;
  const f = frames[depth];
  if (!f) frames.push({ job, next: start, end: top, rule: PROPAGATE_STOP, matters: false, conflicts: false, kind: '' });
  else { f.job = job; f.next = start; f.end = top; }
}

/**
 * 02 §6.2 with an explicit stack (a chain of 100 000 Requires= must not overflow the call
 * stack). A frame's pull that fails mandatorily fails the frame itself, and so on up to the
 * first optional pull or the root; the jobs already added stay in the transaction.
 */
export function addJobAndDependencies(tx: Tx, type: InstallableJobType, unit: UnitName, by: By | null,
  o: { readonly ignoreRequirements: boolean; readonly ignoreOrder: boolean; readonly restartDependencies?: boolean }): UnitdError | null {
  const mark = tx.seq;
  const root = addChecked(tx, type, entryOf(tx, unit), unit, by, o.ignoreOrder);
  if ('error' in root) return root.error;
  if (root.seq < mark || o.ignoreRequirements) return null;
  const table: PullTable = PULL_RULES;
  const frames: Frame[] = [];
  const pulls: Pulls = { nodes: [], rules: [], kinds: [], top: 0 };
  enterFrame(tx, frames, 0, root, o.restartDependencies && by === null ? PULL_RULES_RESTART_DEPENDENCIES : table, pulls);
  let depth = 1;
  while (depth > 0) {
    let f = frames[depth - 1]!;
    if (f.next === f.end) { depth--; continue; }
    const p = f.next++;
    const dep = pulls.nodes[p]!;
    const rule = pulls.rules[p]!;
    f.rule = rule; f.matters = rule.matters; f.conflicts = rule.conflicts; f.kind = pulls.kinds[p]!;
    const jobType = pulledType(tx, rule, dep);
    if (jobType === 'nop') continue;   // a propagated try-restart/try-reload of a unit that is not up
    const before = tx.seq;
    const r = addChecked(tx, jobType, entryAt(tx, dep), dep.name, f, o.ignoreOrder);
    if (!('error' in r)) {
      if (r.seq >= before) enterFrame(tx, frames, depth++, r, table, pulls);
      continue;
    }
    // Unwind: a mandatory failure (other than "not applicable") fails the frame that pulled.
    let failed = dep.name;
    while (!f.rule.optional && r.error.name !== 'JobTypeNotApplicable') {
      failed = frames[--depth]!.job.name;
      if (depth === 0) return r.error;
      f = frames[depth - 1]!;
    }
    if (f.rule.optional) tx.log.push(`Cannot add dependency job for ${failed}, ignoring: ${r.error.message}`);
  }
  return null;
}

/** The rule's job type for `unit`; propagated try-* types are collapsed against its state now. */
function pulledType(tx: Tx, rule: PullRule, unit: OrderView): InstallableJobType {
  if (rule.installable !== null) return rule.installable;
  const st = entryAt(tx, unit)?.state;
  return st ? collapse(rule.type, st.activeState) : 'nop';
}

/** Steps a–e of 02 §6.2 for one job: load state, applicability, then add and link it. */
function addChecked(tx: Tx, type: InstallableJobType, entry: UnitEntry | null, unit: UnitName, by: By | null, ignoreOrder: boolean): TxJob | { error: UnitdError } {
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
