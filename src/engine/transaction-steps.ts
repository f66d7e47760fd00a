// The checking steps of a transaction (02 §6.4–§6.9): what matters to the anchor, impact
// minimisation, redundancy, ordering cycles, merging, destructiveness. Each step is one pass over
// the transaction (worklists, generation counters); none of them recurses on the call stack.
import { fail, ok, type Result } from './errors.ts';
import { conflicting, isRedundant, isStopLike, mergeable, mergeAndCollapse, orderFirst } from './job-tables.ts';
import { isActiveOrActivating } from './states.ts';
import { isOrderAcyclic } from './transaction-acyclic.ts';
import type { OrderNode as GraphNode, OrderView } from './deps.ts';
import type { InstallableJobType, JobMode } from './types.ts';
import { chainIn, chainOut, LINK_ALIVE, LINK_CONFLICTS, LINK_MATTERS, linkObject, type Links } from './transaction-links.ts';
import {
  deleteJob, deleteUnitJobs, entryOfNode, headOf, installedOf, label,
  type OrderNode, type Tx, type TxJob, type UnitEntry,
} from './transaction-model.ts';

/** 02 §6.4: every job reachable from the anchor through mandatory links matters. */
export function markJobsThatMatter(tx: Tx): void {
  const anchor = tx.anchor!;
  anchor.matters = true;
  const stack = [anchor];
  const links = tx.links;
  while (stack.length > 0) {
    for (let l = stack.pop()!.firstOut; l >= 0; l = links.nextOut[l]!) {
      const object = linkObject(tx, l);
      if ((links.flags[l]! & (LINK_ALIVE | LINK_MATTERS)) !== (LINK_ALIVE | LINK_MATTERS) || object.matters) continue;
      object.matters = true;
      stack.push(object);
    }
  }
}

/**
 * 02 §6.4, mode fail: drop optional jobs that stop a running unit or contradict its installed
 * job. Whether a job qualifies never changes when others are deleted, so one pass equals
 * systemd's rescan-after-each-deletion.
 */
export function minimizeImpact(tx: Tx): void {
  for (const j of tx.all) {
    if (!j.alive || j.matters) continue;
    const stopsRunning = j.type === 'stop' && isActiveOrActivating(j.entry.state.activeState);
    const installed = installedOf(tx, j.entry);
    const changesExisting = installed !== null && conflicting(j.type, installed.type);
    if (stopsRunning || changesExisting) deleteJob(tx, j, { dependents: true });
  }
}

/**
 * 02 §6.5: a unit whose candidates are all redundant, none the anchor and none conflicting with
 * its installed job loses them all; the jobs that needed them stay (only the links go).
 */
export function dropRedundant(tx: Tx, o: { onlyChanged: boolean }): void {
  // The answer for a unit depends only on its own candidates (their types, the anchor) and
  // state, so a second pass need only look at units whose candidates changed since the first.
  const list = o.onlyChanged ? byIndex(tx.changed.slice()) : tx.entries;
  for (let i = 0; i < list.length; i++) {
    const entry = list[i]!;
    if (entry.jobs.length === 0 || keepsJobs(tx, entry)) continue;
    for (const j of [...entry.jobs]) deleteJob(tx, j, { dependents: false });
  }
  tx.changed.length = 0;
}

/** Entries in entry order, each once. */
function byIndex(list: UnitEntry[]): UnitEntry[] {
  list.sort((a, b) => a.index - b.index);
  return list.filter((e, i) => i === 0 || list[i - 1] !== e);
}

/** Is one of the unit's candidates the anchor, not redundant, or in conflict with its installed job? */
function keepsJobs(tx: Tx, entry: UnitEntry): boolean {
  for (const j of entry.jobs) if (j === tx.anchor || !isRedundant(j.type, entry.state.activeState)) return true;
  const installed = installedOf(tx, entry);
  return installed !== null && entry.jobs.some((j) => conflicting(j.type, installed.type));
}

type OrderOutcome = 'ok' | 'again' | 'cyclic';

interface Frame {
  node: OrderNode;
  /** The node's unit in the graph, whose Before=/After= neighbours are its possible successors. */
  peers: OrderView | undefined;
  /** The neighbours being walked (Before=, then After=) and the next position in them. */
  edges: readonly GraphNode[] | null;
  at: number;
  /** The After= neighbours are still to be visited (only stop-like nodes have successors there). */
  afterPending: boolean;
  onAfterSide: boolean;
}

/**
 * 02 §6.6, one pass: depth-first over the head job of every unit in the transaction (and the
 * installed jobs of other units it reaches), with an explicit stack. `marker` points back along
 * the current path; a fully explored node keeps the pass's generation with an empty marker.
 * Stack frames are reused from one push to the next (a pass allocates one per depth level).
 * Without installed jobs an acyclic order is first proved the cheap way (transaction-acyclic.ts);
 * the pass runs when that fails, so it alone decides which cycle is reported and broken.
 */
export function verifyOrderOnce(tx: Tx): OrderOutcome {
  if (tx.noneInstalled && isOrderAcyclic(tx)) return 'ok';
  const g = ++tx.generation;
  const installedNodes = new Map<GraphNode, OrderNode | null>();
  const nodeFor = (at: GraphNode): OrderNode | null => {
    const e = entryOfNode(tx, at);
    const head = e ? headOf(e) : undefined;
    if (head) return head;
    if (e && installedOf(tx, e) === null) return null;
    if (tx.noneInstalled) return null;
    const known = installedNodes.get(at);
    if (known !== undefined) return known;
    const i = tx.view.installedJob(at.name);
    const n: OrderNode | null = i ? { name: at.name, type: i.type, ignoreOrder: i.ignoreOrder, gen: 0, marker: null, job: null } : null;
    installedNodes.set(at, n);
    return n;
  };
  const graph = tx.view.graph;
  const frames: Frame[] = [];
  let depth = 0;
  const push = (node: OrderNode): void => {
    // Shortcut of orderFirst: an unordered node has no successors, and an After= neighbour can
    // only wait for this node when this node is stop-like.
    const unordered = node.type === 'nop' || node.ignoreOrder;
    const peers = unordered ? undefined : node.job ? node.job.entry.node : graph.orderNode(node.name);
    const edges = peers ? peers.before : null;
    const afterPending = peers !== undefined && isStopLike(node.type);
    const f = frames[depth];
    if (f) { f.node = node; f.peers = peers; f.edges = edges; f.at = 0; f.afterPending = afterPending; f.onAfterSide = false; }
    else frames.push({ node, peers, edges, at: 0, afterPending, onAfterSide: false });
    depth++;
  };
  for (let i = 0; i < tx.entries.length; i++) {
    const entry = tx.entries[i]!;
    const root = headOf(entry);
    if (!root || root.gen === g) continue;
    root.gen = g;
    root.marker = root;
    push(root);
    while (depth > 0) {
      const f = frames[depth - 1]!;
      const next = nextSuccessor(f, nodeFor);
      if (next === null) {
        f.node.marker = null;
        f.edges = null;
        depth--;
        continue;
      }
      if (next.gen === g) {
        if (next.marker === null) continue;
        return breakCycle(tx, next, f.node, g);
      }
      next.gen = g;
      next.marker = f.node;
      push(next);
    }
  }
  return 'ok';
}

/**
 * Remembers every unit's head job after a successful order check (see headsChangedSinceCheck).
 */
export function recordCheckedHeads(tx: Tx): void {
  tx.headsChanged = false;
}

/**
 * Could the ordering graph have gained an edge since recordCheckedHeads? Only deletions leave it
 * a subgraph of the checked one; the steps that do more raise tx.headsChanged (a flag instead of
 * a pass that saves and compares every unit's head).
 */
export function headsChangedSinceCheck(tx: Tx): boolean {
  return tx.headsChanged;
}

/** The next node that must run after `f.node`, following Before= then After= neighbours. */
function nextSuccessor(f: Frame, nodeFor: (n: GraphNode) => OrderNode | null): OrderNode | null {
  for (;;) {
    if (f.edges === null || f.at >= f.edges.length) {
      if (!f.afterPending) return null;
      f.edges = f.peers!.after;
      f.at = 0;
      f.afterPending = false;
      f.onAfterSide = true;
      continue;
    }
    const o = nodeFor(f.edges[f.at++]!);
    if (o === null) continue;
    // f.node Before= o: f.node is the earlier side; f.node After= o: f.node is the later side.
    if (f.onAfterSide ? orderFirst(o, f.node) === 'later' : orderFirst(f.node, o) === 'earlier') return o;
  }
}

/**
 * A cycle closes at `start` (on the current path) coming from `from`. Walk back along the
 * markers; the first job whose unit has transaction jobs of which none matters is deleted with
 * its unit's other candidates. If none qualifies the transaction is cyclic.
 */
function breakCycle(tx: Tx, start: OrderNode, from: OrderNode, g: number): 'again' | 'cyclic' {
  const path: OrderNode[] = [];
  let victim: UnitEntry | null = null;
  for (let k: OrderNode | null = from; k; k = k.gen === g && k.marker !== k ? k.marker : null) {
    path.push(k);
    if (!victim && k.job && k.job.entry.jobs.length > 0 && !k.job.entry.jobs.some((j) => j.matters)) victim = k.job.entry;
    if (k === start) break;
  }
  tx.log.push(`Found ordering cycle on ${label(start)}`, ...path.map((k) => `Found dependency on ${label(k)}`));
  if (!victim) {
    tx.log.push(`Unable to break cycle starting with ${label(start)}`);
    return 'cyclic';
  }
  tx.log.push(`Job ${label(headOf(victim)!)} deleted to break ordering cycle starting with ${label(start)}`);
  deleteUnitJobs(tx, victim);
  return 'again';
}

/** Candidates of a unit from the head (newest) to the oldest, the order of 02 §6.8. */
const newestFirst = (e: UnitEntry): TxJob[] => [...e.jobs].reverse();

function pulledByConflicts(tx: Tx, j: TxJob): boolean {
  const links = tx.links;
  for (let l = j.firstIn; l >= 0; l = links.nextIn[l]!) {
    if ((links.flags[l]! & (LINK_ALIVE | LINK_CONFLICTS)) === (LINK_ALIVE | LINK_CONFLICTS)) return true;
  }
  return false;
}

/** 02 §6.8 table: which of two unmergeable candidates to give up, or null when both matter. */
function pickUnmergeable(tx: Tx, a: TxJob, b: TxJob): TxJob | null {
  if (!a.matters && !b.matters) {
    if (a.type === 'stop') return pulledByConflicts(tx, a) ? b : a;
    if (b.type === 'stop') return pulledByConflicts(tx, b) ? a : b;
    return a;
  }
  if (!a.matters) return a;
  if (!b.matters) return b;
  return null;
}

/** Deletes one job of the first unmergeable pair; false when both of that pair matter. */
function deleteOneUnmergeable(tx: Tx, list: readonly TxJob[]): boolean {
  for (let i = 0; i < list.length; i++) {
    for (let k = i + 1; k < list.length; k++) {
      const a = list[i]!, b = list[k]!;
      if (mergeable(a.type, b.type)) continue;
      const d = pickUnmergeable(tx, a, b);
      if (!d) return false;
      deleteJob(tx, d, { dependents: true });
      return true;
    }
  }
  return false;
}

/**
 * 02 §6.8. Phase A finds a unit whose candidates do not fold into one type and deletes one of
 * them ('again'), or fails. Phase B folds every unit's candidates into one survivor: the anchor
 * if present, else the head; links move to the survivor, irreversible/matters are OR-ed.
 */
export function mergeJobs(tx: Tx): Result<'ok' | 'again'> {
  // Only units that ever had two candidates can need merging: walk those, in entry order.
  const several = byIndex(tx.several);
  for (let i = 0; i < several.length; i++) {
    const entry = several[i]!;
    if (entry.jobs.length < 2) continue;
    const [first, ...rest] = newestFirst(entry);
    let t: InstallableJobType = first!.type;
    for (const k of rest) {
      const m = mergeAndCollapse(t, k.type, entry.state.activeState);
      if (m !== null) { t = m; continue; }
      if (deleteOneUnmergeable(tx, newestFirst(entry))) return ok('again');
      return fail('TransactionJobsConflicting', [t, k.type, entry.name]);
    }
  }
  for (let i = 0; i < several.length; i++) if (several[i]!.jobs.length > 1) foldInto(tx, several[i]!);
  return ok('ok');
}

function foldInto(tx: Tx, entry: UnitEntry): void {
  const list = newestFirst(entry);
  let t: InstallableJobType = list[0]!.type;
  for (const k of list.slice(1)) t = mergeAndCollapse(t, k.type, entry.state.activeState)!;
  const survivor = list.includes(tx.anchor!) ? tx.anchor! : list[0]!;
  if (survivor !== list[0] || survivor.type !== t) tx.headsChanged = true;
  for (const other of list) {
    if (other === survivor) continue;
    moveLinks(tx.links, other, survivor);
    survivor.irreversible ||= other.irreversible;
    survivor.matters ||= other.matters;
    survivor.firstSeq = Math.min(survivor.firstSeq, other.firstSeq);
    other.alive = false;
  }
  survivor.type = t;
  entry.jobs = [survivor];
  tx.changed.push(entry);
}

/** Moves the live links of `from` (both directions) to the end of `to`'s chains, in order. */
function moveLinks(links: Links, from: TxJob, to: TxJob): void {
  for (let l = from.firstIn, next: number; l >= 0; l = next) {
    next = links.nextIn[l]!;   // read before chainIn relinks l
    if ((links.flags[l]! & LINK_ALIVE) === 0) continue;
    links.object[l] = to.seq;
    chainIn(links, to, l);
    to.inAlive++;
  }
  for (let l = from.firstOut, next: number; l >= 0; l = next) {
    next = links.nextOut[l]!;
    if ((links.flags[l]! & LINK_ALIVE) === 0) continue;
    links.subject[l] = to.seq;
    chainOut(links, to, l);
  }
}

/**
 * 02 §6.9: a job that conflicts with the unit's installed job is destructive in mode fail, and
 * in every mode when the installed job is irreversible.
 */
export function checkDestructive(tx: Tx, mode: JobMode): Result<null> {
  if (tx.noneInstalled) return ok(null);
  const anchor = tx.anchor!;
  for (const entry of tx.entries) {
    const j = headOf(entry);
    const i = j ? installedOf(tx, entry) : null;
    if (!j || !i || !conflicting(i.type, j.type) || !(mode === 'fail' || i.irreversible)) continue;
    return fail('TransactionIsDestructive', [anchor.name, anchor.type, entry.name, i.type, j.type]);
  }
  return ok(null);
}
