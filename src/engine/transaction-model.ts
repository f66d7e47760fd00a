// The transaction's internal graph (02 §4, §6.1, §6.7): candidate jobs per unit, job links, and
// deletion with or without dependents. Private to transaction*.ts; never leaves a build.
import type { InstallableJobType, JobId, JobState, LoadState, ActiveState, UnitName } from './types.ts';
import type { DependencyGraph, OrderNode as GraphNode, OrderView } from './deps.ts';
import type { UnitdError } from './errors.ts';
import { assert } from './errors.ts';
import { LINK_ALIVE, LINK_MATTERS, linkObject, linkSubject, newLinks, type LinkSpec, type Links } from './transaction-links.ts';

export interface TransactionUnitState {
  readonly loadState: LoadState;
  readonly activeState: ActiveState;
  readonly canStart: boolean;
  /** False only for perpetual units that can never be stopped. */
  readonly canStop: boolean;
  readonly canReload: boolean;
  readonly allowIsolate: boolean;
  readonly ignoreOnIsolate: boolean;
}

export interface InstalledJobView {
  readonly id: JobId;
  readonly type: InstallableJobType;
  readonly state: JobState;
  readonly irreversible: boolean;
  readonly ignoreOrder: boolean;
}

/** What the builder reads from the manager. Every call must be cheap (an index lookup). */
export interface TransactionView {
  readonly graph: DependencyGraph;
  /** undefined = no unit object by that name. */
  unitState(name: UnitName): TransactionUnitState | undefined;
  /** unitState(node.name), for a unit reached through the graph (it may skip the lookup by name). */
  unitStateAt(node: GraphNode): TransactionUnitState | undefined;
  /** The error to report when a non-stop job is requested for a unit that is not loaded. */
  loadError(name: UnitName): UnitdError | null;
  /** The job in the unit's normal slot (never its nop slot). */
  installedJob(name: UnitName): InstalledJobView | null;
  /** False when no unit has an installed job: the common case, where every step skips that lookup. */
  hasInstalledJobs(): boolean;
  /** Every unit once (main names only, no aliases). */
  allUnits(): Iterable<UnitName>;
  /** Units with a Triggers= edge to `name` (its sockets, timers, paths). */
  triggeredBy(name: UnitName): readonly UnitName[];
}

/** Why a job is in the transaction: the job that pulled it, and through which dependency. */
export interface PulledBy {
  readonly unit: UnitName;
  /** `Requires=`, `ConflictedBy=`, `RequiredBy=` … (the puller's side), or `isolate` / `triggering`. */
  readonly kind: string;
  readonly type: InstallableJobType;
}

/** Fields the ordering DFS keeps on every node (transaction head job or installed job). */
export interface OrderMark { gen: number; marker: OrderNode | null }
export interface OrderNode extends OrderMark {
  readonly name: UnitName;
  type: InstallableJobType;
  ignoreOrder: boolean;
  /** The transaction job, or null when the node stands for an installed job. */
  readonly job: TxJob | null;
}

export interface TxJob extends OrderNode {
  readonly seq: number;
  readonly entry: UnitEntry;
  irreversible: boolean;
  matters: boolean;
  alive: boolean;
  /** First and last link numbers of the job's incoming and outgoing chains (-1: none) (Links). */
  firstIn: number;
  lastIn: number;
  firstOut: number;
  lastOut: number;
  /** Live incoming links; zero means nothing needs this job any more (garbage). */
  inAlive: number;
  /**
   * Creation-time reason, used when no live incoming link remains: the job that created this one
   * (possibly deleted or merged away since), its type then, and the dependency's label. Three
   * fields instead of a PulledBy object per job; planOf builds that only for the plan.
   */
  readonly originJob: TxJob | null;
  readonly originType: InstallableJobType | null;
  readonly originKind: string;
  /** Position in the plan's `jobs`, set when the plan is made (-1 before, or when not planned). */
  planIndex: number;
  /** Smallest creation number among the jobs merged into this one. */
  firstSeq: number;
}

export interface UnitEntry {
  readonly name: UnitName;
  /** Position in `Tx.entries` (entries are never removed during a build). */
  readonly index: number;
  readonly state: TransactionUnitState;
  /** The unit's graph node (none when it has no edges); its scratch slot holds this entry's index. */
  readonly node: OrderView | undefined;
  /** Candidates, oldest first: the head (newest, 02 §6.1) is the last element. */
  jobs: TxJob[];
  /** The unit's installed job, read from the view on first use (it cannot change during a build). */
  installed: InstalledJobView | null | undefined;
}

export interface Tx {
  readonly view: TransactionView;
  readonly irreversible: boolean;
  /** No unit has an installed job (read once: nothing installs during a build). */
  readonly noneInstalled: boolean;
  /**
   * Entries in creation order, by `index`; an entry with no jobs is not "in the transaction". The
   * passes walk this with indexed loops (an iterator allocates per step until optimized). An entry
   * is found from its unit's graph node (entryOfNode), not by name: no map of every unit's name.
   */
  readonly entries: UnitEntry[];
  /** Entries of units without a graph node (no edges at all), by name; made on first use. */
  loose: Map<UnitName, UnitEntry> | null;
  /** This build's stamp for the graph nodes' scratch slots (entryOfNode). */
  readonly stamp: number;
  /** Every job ever added, by `seq`. */
  readonly all: TxJob[];
  readonly links: Links;
  /** Entries that got a second candidate (jobs are only added before any is deleted: each once). */
  readonly several: UnitEntry[];
  /** Entries whose candidates were deleted or merged since dropRedundant last ran (repeats allowed). */
  readonly changed: UnitEntry[];
  /** Jobs whose incoming links all died since the last garbage collection (collectGarbage). */
  readonly orphans: TxJob[];
  anchor: TxJob | null;
  /** The next job's `seq`, which is also its index in `all` (only addOneJob takes one). */
  seq: number;
  generation: number;
  /**
   * Some unit's head job changed since the order was last found acyclic in a way that could add
   * an ordering edge (02 §6.6): a new head, a head of another type, or an installed job taking
   * the place of the unit's last candidate. Deletions alone leave a subgraph of the checked graph.
   */
  headsChanged: boolean;
  readonly log: string[];
}

export const newTx = (view: TransactionView, irreversible: boolean): Tx =>
  ({ view, irreversible, noneInstalled: !view.hasInstalledJobs(), entries: [], loose: null, stamp: view.graph.newStamp(), all: [],
    links: newLinks(64), orphans: [], several: [], changed: [], anchor: null, seq: 0, generation: 0, headsChanged: true, log: [] });

export const installedOf = (tx: Tx, e: UnitEntry): InstalledJobView | null =>
  (e.installed !== undefined ? e.installed : tx.noneInstalled ? null : (e.installed = tx.view.installedJob(e.name)));
/** The transaction's entry for a graph node's unit, if the unit is in it, without a name lookup. */
export const entryOfNode = (tx: Tx, node: GraphNode): UnitEntry | undefined =>
  (node.txStamp === tx.stamp ? tx.entries[node.txIndex] : undefined);

/** The entry of a unit reached through the graph, made on first use; null when no such unit exists. */
export function entryAt(tx: Tx, node: OrderView): UnitEntry | null {
  if (node.txStamp === tx.stamp) return tx.entries[node.txIndex]!;
  const state = tx.view.unitStateAt(node);
  return state ? newEntry(tx, node.name, state, node) : null;
}

/** The entry of the unit `name`, made on first use; null when no such unit exists. */
export function entryOf(tx: Tx, name: UnitName): UnitEntry | null {
  const node = tx.view.graph.orderNode(name);
  if (node) return entryAt(tx, node);
  const e = tx.loose?.get(name);
  if (e) return e;
  const state = tx.view.unitState(name);
  return state ? newEntry(tx, name, state, undefined) : null;
}

/** The entry of the unit `name` if the build has made one. */
export function findEntry(tx: Tx, name: UnitName): UnitEntry | undefined {
  const node = tx.view.graph.orderNode(name);
  return node ? entryOfNode(tx, node) : tx.loose?.get(name);
}

function newEntry(tx: Tx, name: UnitName, state: TransactionUnitState, node: OrderView | undefined): UnitEntry {
  const index = tx.entries.length;
  const e: UnitEntry = { name, index, state, node, jobs: NONE, installed: undefined };
  tx.entries.push(e);
  if (node) { node.txStamp = tx.stamp; node.txIndex = index; }
  else (tx.loose ??= new Map()).set(name, e);
  return e;
}
/**
 * Shared by every candidate list until its first element (never written): most units have one
 * candidate, and a push into `[]` reserves 17 slots where `[x]` holds one.
 */
export const NONE: never[] = [];

/** `list` with `x` added: a new one-element array when empty, else `list` itself after a push. */
export function append<T>(list: T[], x: T): T[] {
  if (list.length === 0) return [x];
  list.push(x);
  return list;
}

export const headOf = (e: UnitEntry): TxJob | undefined => e.jobs[e.jobs.length - 1];
export const inTx = (tx: Tx, name: UnitName): boolean => (findEntry(tx, name)?.jobs.length ?? 0) > 0;
export const label = (n: { name: UnitName; type: InstallableJobType }): string => `${n.name}/${n.type}`;

/**
 * 02 §6.1: the unit's candidate of exactly this type, or a new one (newest becomes the head).
 * A new job's `seq` is at least the `tx.seq` read before the call; an existing one's is below.
 */
export function addOneJob(tx: Tx, entry: UnitEntry, type: InstallableJobType, by: LinkSpec | null): TxJob {
  const list = entry.jobs;
  for (let i = 0; i < list.length; i++) if (list[i]!.type === type) return list[i]!;
  const seq = tx.seq++;
  const job: TxJob = {
    seq, firstSeq: seq, entry, name: entry.name, type, ignoreOrder: false, irreversible: tx.irreversible, matters: false,
    alive: true, firstIn: -1, lastIn: -1, firstOut: -1, lastOut: -1, inAlive: 0, originJob: by ? by.job : null, originType: by ? by.job.type : null, originKind: by ? by.kind : '',
    planIndex: -1, gen: 0, marker: null, job: null,
  };
  (job as { job: TxJob | null }).job = job;
  entry.jobs = append(entry.jobs, job);
  if (entry.jobs.length === 2) tx.several.push(entry);
  tx.all.push(job); // at index seq: links name jobs by it
  tx.headsChanged = true;
  return job;
}

/**
 * 02 §6.7. Removes `job` from its unit's candidates and drops its links. With `dependents`, every
 * job that mandatorily needed it goes too, transitively. Jobs left without incoming links go to
 * `tx.orphans` (the garbage collector's worklist).
 */
export function deleteJob(tx: Tx, job: TxJob, o: { dependents: boolean }): void {
  const work = [job];
  while (work.length > 0) {
    const j = work.pop()!;
    if (!j.alive) continue;
    assert(j !== tx.anchor, 'the anchor job is never deleted from its transaction');
    j.alive = false;
    const list = j.entry.jobs;
    const at = list.indexOf(j);
    list.splice(at, 1);
    // A new head, or an installed job in the place of the last candidate, can add ordering edges.
    if (at === list.length && (at > 0 || installedOf(tx, j.entry) !== null)) tx.headsChanged = true;
    tx.changed.push(j.entry);
    const links = tx.links;
    for (let l = j.firstOut; l >= 0; l = links.nextOut[l]!) {
      const flags = links.flags[l]!;
      if ((flags & LINK_ALIVE) === 0) continue;
      links.flags[l] = flags & ~LINK_ALIVE;
      const object = linkObject(tx, l);
      if (--object.inAlive === 0) tx.orphans.push(object);
    }
    for (let l = j.firstIn; l >= 0; l = links.nextIn[l]!) {
      const flags = links.flags[l]!;
      if ((flags & LINK_ALIVE) === 0) continue;
      links.flags[l] = flags & ~LINK_ALIVE;
      j.inAlive--;
      if (o.dependents && (flags & LINK_MATTERS) !== 0) work.push(linkSubject(tx, l));
    }
  }
}

/** Deletes every candidate of one unit, with dependents (cycle breaking, 02 §6.6). */
export function deleteUnitJobs(tx: Tx, entry: UnitEntry): void {
  for (const j of [...entry.jobs]) deleteJob(tx, j, { dependents: true });
}

/**
 * 02 §6.7: repeatedly delete non-anchor jobs that nothing links to. Every job but the anchor is
 * linked when it is made, so such jobs are exactly those whose last link died since: the
 * worklist deleteJob fills, not a scan of every job. A job without incoming links has no
 * dependents to take along, so the order of deletion does not change what is deleted.
 */
export function collectGarbage(tx: Tx): void {
  const work = tx.orphans;
  while (work.length > 0) {
    const j = work.pop()!;
    if (!j.alive || j === tx.anchor || j.inAlive > 0) continue;
    deleteJob(tx, j, { dependents: true });
  }
}
