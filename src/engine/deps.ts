// Dependency kinds, their inverses and behaviour atoms (01 §4, modelled on systemd's
// unit-dependency-atom.c), plus the indexed graph. Behaviour is attached to atoms, never to
// kinds, so every rule asks "which units does U reach through atom X".
import type { UnitName } from './types.ts';
import type { Unit } from './unit.ts';

export const DEP_KINDS = [
  'Requires', 'Requisite', 'Wants', 'BindsTo', 'PartOf', 'Upholds',
  'RequiredBy', 'RequisiteOf', 'WantedBy', 'BoundBy', 'ConsistsOf', 'UpheldBy',
  'Conflicts', 'ConflictedBy', 'Before', 'After',
  'OnSuccess', 'OnSuccessOf', 'OnFailure', 'OnFailureOf',
  'Triggers', 'TriggeredBy', 'PropagatesReloadTo', 'ReloadPropagatedFrom',
  'PropagatesStopTo', 'StopPropagatedFrom', 'JoinsNamespaceOf', 'References', 'ReferencedBy',
] as const;
export type DepKind = (typeof DEP_KINDS)[number];

export const ATOMS = [
  'pull-start', 'pull-start-soft', 'pull-verify', 'pull-stop', 'pull-stop-soft',
  'propagate-stop', 'propagate-restart', 'propagates-reload-to',
  'start-failure-propagates', 'stop-failure-propagates', 'inactive-success-fails',
  'retro-start-replace', 'retro-start-fail', 'retro-stop-on-start', 'retro-stop-on-stop',
  'bound-to', 'bound-check-target', 'upheld-by', 'uphold-check-target', 'unneeded-check-target',
  'pins-unneeded', 'target-order-member', 'target-order-owner',
  'on-failure', 'on-success', 'on-failure-of', 'on-success-of', 'before', 'after',
  'triggers', 'triggered-by', 'references', 'referenced-by',
] as const;
export type Atom = (typeof ATOMS)[number];

interface KindRow { readonly inverse: DepKind; readonly atoms: readonly Atom[] }

/** 01 §4.3. The inverse side carries the behaviour that acts on the declaring unit. */
export const DEP_TABLE = {
  Requires:   { inverse: 'RequiredBy', atoms: ['pull-start', 'retro-start-replace', 'unneeded-check-target', 'target-order-member'] },
  Requisite:  { inverse: 'RequisiteOf', atoms: ['pull-verify', 'unneeded-check-target', 'target-order-member'] },
  Wants:      { inverse: 'WantedBy', atoms: ['pull-start-soft', 'retro-start-fail', 'unneeded-check-target', 'target-order-member'] },
  BindsTo:    { inverse: 'BoundBy', atoms: ['pull-start', 'retro-start-replace', 'bound-to', 'unneeded-check-target', 'target-order-member'] },
  PartOf:     { inverse: 'ConsistsOf', atoms: ['target-order-member'] },
  Upholds:    { inverse: 'UpheldBy', atoms: ['pull-start-soft', 'retro-start-replace', 'uphold-check-target', 'unneeded-check-target', 'target-order-member'] },
  RequiredBy: { inverse: 'Requires', atoms: ['propagate-stop', 'propagate-restart', 'start-failure-propagates', 'pins-unneeded', 'target-order-owner'] },
  RequisiteOf:{ inverse: 'Requisite', atoms: ['propagate-stop', 'propagate-restart', 'start-failure-propagates', 'inactive-success-fails', 'pins-unneeded', 'target-order-owner'] },
  WantedBy:   { inverse: 'Wants', atoms: ['target-order-owner', 'pins-unneeded'] },
  BoundBy:    { inverse: 'BindsTo', atoms: ['retro-stop-on-stop', 'propagate-stop', 'propagate-restart', 'start-failure-propagates', 'pins-unneeded', 'bound-check-target', 'target-order-owner'] },
  ConsistsOf: { inverse: 'PartOf', atoms: ['propagate-stop', 'propagate-restart'] },
  UpheldBy:   { inverse: 'Upholds', atoms: ['upheld-by', 'target-order-owner', 'pins-unneeded'] },
  Conflicts:  { inverse: 'ConflictedBy', atoms: ['pull-stop', 'retro-stop-on-start'] },
  ConflictedBy: { inverse: 'Conflicts', atoms: ['pull-stop-soft', 'retro-stop-on-start', 'stop-failure-propagates'] },
  Before:     { inverse: 'After', atoms: ['before'] },
  After:      { inverse: 'Before', atoms: ['after'] },
  OnSuccess:  { inverse: 'OnSuccessOf', atoms: ['on-success'] },
  OnSuccessOf:{ inverse: 'OnSuccess', atoms: ['on-success-of'] },
  OnFailure:  { inverse: 'OnFailureOf', atoms: ['on-failure'] },
  OnFailureOf:{ inverse: 'OnFailure', atoms: ['on-failure-of'] },
  Triggers:   { inverse: 'TriggeredBy', atoms: ['triggers'] },
  TriggeredBy:{ inverse: 'Triggers', atoms: ['triggered-by'] },
  PropagatesReloadTo:   { inverse: 'ReloadPropagatedFrom', atoms: ['propagates-reload-to'] },
  ReloadPropagatedFrom: { inverse: 'PropagatesReloadTo', atoms: [] },
  PropagatesStopTo:     { inverse: 'StopPropagatedFrom', atoms: ['retro-stop-on-stop', 'propagate-stop'] },
  StopPropagatedFrom:   { inverse: 'PropagatesStopTo', atoms: [] },
  JoinsNamespaceOf:     { inverse: 'JoinsNamespaceOf', atoms: [] },
  References:   { inverse: 'ReferencedBy', atoms: ['references'] },
  ReferencedBy: { inverse: 'References', atoms: ['referenced-by'] },
} as const satisfies Record<DepKind, KindRow>;

const KINDS_BY_ATOM: ReadonlyMap<Atom, readonly DepKind[]> = (() => {
  const m = new Map<Atom, DepKind[]>();
  for (const kind of DEP_KINDS) for (const atom of DEP_TABLE[kind].atoms) {
    const list = m.get(atom) ?? [];
    list.push(kind);
    m.set(atom, list);
  }
  return m;
})();

export const kindsWithAtom = (atom: Atom): readonly DepKind[] => KINDS_BY_ATOM.get(atom) ?? [];

/** One bit per kind, for a unit's summary of which kinds it has edges of (DependencyGraph.kindMask). */
export const KIND_BIT = Object.fromEntries(DEP_KINDS.map((k, i) => [k, 1 << i])) as Readonly<Record<DepKind, number>>;

const ATOM_BITS: ReadonlyMap<Atom, number> = new Map(ATOMS.map((a) => [a, kindsWithAtom(a).reduce((m, k) => m | KIND_BIT[k], 0)]));

/** The KIND_BIT bits of the kinds that carry `atom`. */
export const atomBits = (atom: Atom): number => ATOM_BITS.get(atom) ?? 0;

/** Each kind's position in DEP_KINDS: a node keeps its neighbours in a list per position. */
export const KIND_INDEX = Object.fromEntries(DEP_KINDS.map((k, i) => [k, i])) as Readonly<Record<DepKind, number>>;
const INVERSE_INDEX: readonly number[] = DEP_KINDS.map((k) => KIND_INDEX[DEP_TABLE[k].inverse]);
const AFTER = KIND_INDEX.After;
const BEFORE = KIND_INDEX.Before;

const NONE: readonly UnitName[] = Object.freeze([]);

/** A unit as a neighbour in the ordering graph: the run queue walks these instead of names. */
export interface OrderNode {
  readonly name: UnitName;
  /**
   * The unit named `name`: bound by the loader (bindUnit), or filled in by its first reader
   * (unit-links.ts). The node is dropped with the unit's edges.
   */
  unit: Unit | undefined;
  /**
   * Bumped whenever this node's edges change or it leaves the graph, so a view derived from it
   * (a unit's resolved neighbours) knows to rebuild without caring about the rest of the graph.
   */
  readonly epoch: number;
  /**
   * Scratch slot of the transaction being built (transaction.ts): the position of its entry for
   * this unit in that build's entry list, valid only while `txStamp` equals that build's stamp.
   * Saves a name lookup per ordering edge. A number, not the entry: a node must not keep a
   * finished transaction alive.
   */
  txStamp: number;
  txIndex: number;
  /** Scratch stamp of the transaction's pull walk (newStamp()): this node is already among one rule's pulls. */
  pullStamp: number;
}

/** A unit's node as readers of its ordering neighbours see it. */
export interface OrderView extends OrderNode {
  /** KIND_BIT bits of the kinds the unit has at least one edge of. */
  readonly mask: number;
  readonly after: readonly OrderNode[];
  readonly before: readonly OrderNode[];
  /**
   * The unit's neighbours by KIND_INDEX, in the order the edges were added; undefined (or empty)
   * for a kind it has no edge of. `after` and `before` are two of these lists.
   */
  readonly peers: readonly (readonly OrderView[] | undefined)[];
}

/**
 * One unit's edges: a plain list per kind, one slot per kind. Hash sets per kind cost about
 * 150 bytes each even for one edge, and most units have a handful of edges of several kinds.
 */
interface Node extends OrderView {
  epoch: number;
  mask: number;
  readonly peers: (Node[] | undefined)[];
  readonly after: Node[];
  readonly before: Node[];
}

const NO_NODES: readonly OrderNode[] = Object.freeze([]);

/** Removes `node` from `list`, keeping the order of the rest (iteration order shows in outputs). */
function removeFrom(list: Node[], node: Node): void {
  const i = list.indexOf(node);
  if (i >= 0) list.splice(i, 1);
}

/**
 * Adjacency by kind for every unit. Adding A —kind→ B also adds B —inverse→ A, so queries in
 * either direction are index lookups. Self-dependencies are dropped (01 §4.1). A membership test
 * reads the shorter of the two sides (a target may have every service as a neighbour).
 */
export class DependencyGraph {
  private readonly edges = new Map<UnitName, Node>();
  /** Bumped whenever a node is made: a view of a unit that had none then knows to look again. */
  private nodesMade = 0;
  private stamps = 0;

  /** A fresh stamp for the OrderNode scratch slots; a slot with an older stamp is empty. */
  newStamp(): number { return ++this.stamps; }

  get nodeGeneration(): number { return this.nodesMade; }

  add(from: UnitName, kind: DepKind, to: UnitName): boolean {
    if (from === to) return false;
    const a = this.node(from);
    const b = this.node(to);
    const k = KIND_INDEX[kind];
    if (linked(a, k, b)) return true;
    link(a, k, b);
    link(b, INVERSE_INDEX[k]!, a);
    return true;
  }

  /** Binds `unit` to its node, when it has one: readers of its neighbours then need no lookup by name. */
  bindUnit(name: UnitName, unit: Unit): void {
    const node = this.edges.get(name);
    if (node) node.unit = unit;
  }

  /** The units `unit` reaches through `kind`, in the order the edges were added. */
  get(unit: UnitName, kind: DepKind): readonly UnitName[] {
    const list = this.edges.get(unit)?.peers[KIND_INDEX[kind]];
    return list && list.length > 0 ? list.map(nameOf) : NONE;
  }

  has(from: UnitName, kind: DepKind, to: UnitName): boolean {
    const a = this.edges.get(from);
    const b = this.edges.get(to);
    return a !== undefined && b !== undefined && linked(a, KIND_INDEX[kind], b);
  }

  /** KIND_BIT bits of the kinds `unit` has at least one edge of. */
  kindMask(unit: UnitName): number {
    return this.edges.get(unit)?.mask ?? 0;
  }

  /** The unit's own node: its kind mask and ordering neighbours in one lookup (unit-links.ts). */
  orderNode(unit: UnitName): OrderView | undefined {
    return this.edges.get(unit);
  }

  /** get(unit, 'After' | 'Before') as nodes, in the same order. */
  orderNeighbours(unit: UnitName, kind: 'After' | 'Before'): readonly OrderNode[] {
    const node = this.edges.get(unit);
    return node ? (kind === 'After' ? node.after : node.before) : NO_NODES;
  }

  /**
   * Units reached from `unit` through any kind that carries `atom`, each once, in kind order.
   * Asked on every state change and job end, and most units have no such edge: that answer is
   * one shared empty list.
   */
  withAtom(unit: UnitName, atom: Atom): readonly UnitName[] {
    const node = this.edges.get(unit);
    if (!node || (node.mask & atomBits(atom)) === 0) return NONE;
    let first: readonly Node[] | null = null;
    let out: Set<UnitName> | null = null;
    for (const k of kindsWithAtom(atom)) {
      const list = node.peers[KIND_INDEX[k]];
      if (!list || list.length === 0) continue;
      if (first === null) { first = list; continue; }
      out ??= new Set(first.map(nameOf));
      for (const n of list) out.add(n.name);
    }
    return out ? [...out] : first ? first.map(nameOf) : NONE;
  }

  hasAtom(from: UnitName, atom: Atom, to: UnitName): boolean {
    return kindsWithAtom(atom).some((k) => this.has(from, k, to));
  }

  /** Removes every edge that starts at `unit` (and the matching inverse edges), e.g. before a reload. */
  clearFrom(unit: UnitName): void {
    const node = this.edges.get(unit);
    if (!node) return;
    for (let k = 0; k < node.peers.length; k++) {
      const targets = node.peers[k];
      if (!targets) continue;
      const inverse = INVERSE_INDEX[k]!;
      for (const other of targets) {
        const list = other.peers[inverse];
        if (!list) continue;
        removeFrom(list, node);
        if (list.length === 0) other.mask &= ~(1 << inverse);
        other.epoch++;
      }
    }
    node.epoch++;
    this.edges.delete(unit);
  }

  /** The unit's edges by kind, as sets of names (for readers off the hot paths). */
  kindsOf(unit: UnitName): ReadonlyMap<DepKind, ReadonlySet<UnitName>> {
    const out = new Map<DepKind, ReadonlySet<UnitName>>();
    const node = this.edges.get(unit);
    if (node) node.peers.forEach((list, k) => { if (list && list.length > 0) out.set(DEP_KINDS[k]!, new Set(list.map(nameOf))); });
    return out;
  }

  private node(name: UnitName): Node {
    let node = this.edges.get(name);
    if (!node) {
      const after: Node[] = [];
      const before: Node[] = [];
      const peers = new Array<Node[] | undefined>(DEP_KINDS.length).fill(undefined);
      peers[AFTER] = after;
      peers[BEFORE] = before;
      node = { name, unit: undefined, epoch: 0, txStamp: 0, txIndex: -1, pullStamp: 0, peers, mask: 0, after, before };
      this.edges.set(name, node);
      this.nodesMade++;
    }
    return node;
  }
}

const nameOf = (n: OrderNode): UnitName => n.name;

/** Is there an edge a —k→ b? Reads the shorter side: b —inverse→ a is the same edge. */
function linked(a: Node, k: number, b: Node): boolean {
  const forward = a.peers[k];
  const backward = b.peers[INVERSE_INDEX[k]!];
  if (!forward || !backward || forward.length === 0 || backward.length === 0) return false;
  return forward.length <= backward.length ? forward.includes(b) : backward.includes(a);
}

function link(from: Node, k: number, to: Node): void {
  let list = from.peers[k];
  if (!list) from.peers[k] = list = [];
  list.push(to);
  from.mask |= 1 << k;
  from.epoch++;
}
