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

const EMPTY: ReadonlySet<UnitName> = new Set();
const NONE: readonly UnitName[] = Object.freeze([]);
const NO_KINDS: ReadonlyMap<DepKind, ReadonlySet<UnitName>> = new Map();

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
   * Scratch slot of the transaction being built (transaction.ts): its entry for this unit, valid
   * only while `txStamp` equals that build's stamp. Saves a name lookup per ordering edge.
   */
  txStamp: number;
  txEntry: unknown;
  /** The entry's position in that build's entry list (same validity): the order proof's arcs need only this. */
  txIndex: number;
}

/** A unit's node as readers of its ordering neighbours see it. */
export interface OrderView extends OrderNode {
  /** KIND_BIT bits of the kinds the unit has at least one edge of. */
  readonly mask: number;
  readonly after: ReadonlySet<OrderNode>;
  readonly before: ReadonlySet<OrderNode>;
  /** The unit's edges by kind (kindsOf). */
  readonly kinds: ReadonlyMap<DepKind, ReadonlySet<UnitName>>;
  /**
   * The same edges with neighbours as nodes, in the same order (`after`/`before` are two of these
   * sets): the transaction walks them without a lookup by name per edge.
   */
  readonly peers: ReadonlyMap<DepKind, ReadonlySet<OrderView>>;
}

/** One unit's edges by kind, which kinds are not empty, and its ordering neighbours as nodes. */
interface Node extends OrderView {
  epoch: number;
  readonly kinds: Map<DepKind, Set<UnitName>>;
  readonly peers: Map<DepKind, Set<Node>>;
  mask: number;
  readonly after: Set<Node>;
  readonly before: Set<Node>;
}

const NO_NODES: ReadonlySet<OrderNode> = new Set();

/**
 * Adjacency by kind for every unit. Adding A —kind→ B also adds B —inverse→ A, so queries in
 * either direction are index lookups. Self-dependencies are dropped (01 §4.1).
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
    link(a, kind, b);
    link(b, DEP_TABLE[kind].inverse, a);
    return true;
  }

  /** Binds `unit` to its node, when it has one: readers of its neighbours then need no lookup by name. */
  bindUnit(name: UnitName, unit: Unit): void {
    const node = this.edges.get(name);
    if (node) node.unit = unit;
  }

  get(unit: UnitName, kind: DepKind): ReadonlySet<UnitName> {
    return this.edges.get(unit)?.kinds.get(kind) ?? EMPTY;
  }

  has(from: UnitName, kind: DepKind, to: UnitName): boolean {
    return this.get(from, kind).has(to);
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
  orderNeighbours(unit: UnitName, kind: 'After' | 'Before'): ReadonlySet<OrderNode> {
    const node = this.edges.get(unit);
    return node ? (kind === 'After' ? node.after : node.before) : NO_NODES;
  }

  /**
   * Units reached from `unit` through any kind that carries `atom`. Asked on every state change
   * and job end, and most units have no such edge: that answer is one shared empty list.
   */
  withAtom(unit: UnitName, atom: Atom): readonly UnitName[] {
    const node = this.edges.get(unit);
    if (!node || (node.mask & atomBits(atom)) === 0) return NONE;
    let first: ReadonlySet<UnitName> | null = null;
    let out: Set<UnitName> | null = null;
    for (const k of kindsWithAtom(atom)) {
      const set = node.kinds.get(k);
      if (!set || set.size === 0) continue;
      if (first === null) { first = set; continue; }
      out ??= new Set(first);
      for (const u of set) out.add(u);
    }
    return out ? [...out] : first ? [...first] : NONE;
  }

  hasAtom(from: UnitName, atom: Atom, to: UnitName): boolean {
    const node = this.edges.get(from);
    if (!node) return false;
    return kindsWithAtom(atom).some((k) => node.kinds.get(k)?.has(to) ?? false);
  }

  /** Removes every edge that starts at `unit` (and the matching inverse edges), e.g. before a reload. */
  clearFrom(unit: UnitName): void {
    const node = this.edges.get(unit);
    if (!node) return;
    for (const [kind, targets] of node.kinds) {
      const inverse = DEP_TABLE[kind].inverse;
      for (const t of targets) {
        const other = this.edges.get(t);
        const set = other?.kinds.get(inverse);
        if (!other || !set) continue;
        set.delete(unit);
        if (set.size === 0) other.mask &= ~KIND_BIT[inverse];
        other.peers.get(inverse)?.delete(node);
        other.epoch++;
      }
    }
    node.epoch++;
    this.edges.delete(unit);
  }

  kindsOf(unit: UnitName): ReadonlyMap<DepKind, ReadonlySet<UnitName>> {
    return this.edges.get(unit)?.kinds ?? NO_KINDS;
  }

  private node(name: UnitName): Node {
    let node = this.edges.get(name);
    if (!node) {
      node = { name, unit: undefined, epoch: 0, txStamp: 0, txEntry: null, txIndex: -1, kinds: new Map(), peers: new Map(), mask: 0, after: new Set(), before: new Set() };
      this.edges.set(name, node);
      this.nodesMade++;
    }
    return node;
  }
}

function link(from: Node, kind: DepKind, to: Node): void {
  let set = from.kinds.get(kind);
  if (!set) from.kinds.set(kind, (set = new Set()));
  set.add(to.name);
  from.mask |= KIND_BIT[kind];
  from.epoch++;
  let peers = from.peers.get(kind);
  if (!peers) from.peers.set(kind, (peers = kind === 'After' ? from.after : kind === 'Before' ? from.before : new Set()));
  peers.add(to);
}
