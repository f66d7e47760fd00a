// A unit's view of the dependency graph for the run phase: its After=/Before= neighbours as units
// and which kinds it has any edge of. The run queue, state notifications and spawns ask the graph
// about the same unit many times per job; this answers from the unit itself. Read-only: the graph
// stays the truth, and a view is rebuilt when its node's edges changed (the node's epoch moved).
// The loader builds the views of the units it loads (primeLinks), as systemd resolves a unit's
// dependencies to units when it loads them, so a transaction's jobs find them ready.
import { KIND_BIT, atomBits, type Atom, type DepKind, type DependencyGraph, type OrderNode, type OrderView } from './deps.ts';
import type { EngineState } from './engine-state.ts';
import type { UnitName } from './types.ts';
import type { Unit } from './unit.ts';

export interface UnitLinks {
  readonly graph: DependencyGraph;
  /** The unit's node when the view was built, and that node's epoch then. */
  readonly node: OrderView | undefined;
  readonly epoch: number;
  /** For a unit without a node: the graph's node generation then (a node made since may be its own). */
  readonly generation: number;
  /** One bit per DepKind (KIND_BIT) the unit has at least one edge of. */
  readonly kinds: number;
  readonly after: readonly Unit[];
  readonly before: readonly Unit[];
}

const NONE: readonly UnitName[] = Object.freeze([]);
const NO_UNITS: readonly Unit[] = Object.freeze([]);

const isCurrent = (s: EngineState, l: UnitLinks): boolean =>
  l.graph === s.graph && (l.node !== undefined ? l.node.epoch === l.epoch : l.generation === s.graph.nodeGeneration);

export function linksOf(s: EngineState, unit: Unit): UnitLinks {
  const cached = unit.links;
  if (cached !== null && isCurrent(s, cached)) return cached;
  const node = s.graph.orderNode(unit.id);
  if (node) node.unit ??= unit; // spares the neighbours that resolve this node a lookup by name
  unresolved = false;
  const links: UnitLinks = {
    graph: s.graph, node, epoch: node?.epoch ?? 0, generation: s.graph.nodeGeneration, kinds: node?.mask ?? 0,
    after: node ? resolveUnits(s, node.after) : NO_UNITS,
    before: node ? resolveUnits(s, node.before) : NO_UNITS,
  };
  // A name without a unit yet is skipped, as a lookup would skip it, and looked up again next time.
  if (!unresolved) unit.links = links;
  return links;
}

/**
 * Binds freshly loaded units to their graph nodes, then builds their views. Only `fresh` units:
 * an older neighbour whose edges changed rebuilds when next asked, so loading one unit next to a
 * target with many members does not rebuild the target's view each time.
 */
export function primeLinks(s: EngineState, fresh: readonly Unit[]): void {
  for (let i = 0; i < fresh.length; i++) s.graph.bindUnit(fresh[i]!.id, fresh[i]!);
  for (let i = 0; i < fresh.length; i++) linksOf(s, fresh[i]!);
}

/** Set by resolveUnits when a node has no unit yet: linksOf then does not keep the view. */
let unresolved = false;

/** The units of `nodes`; each node remembers its unit, so a unit is looked up by name once per graph. */
function resolveUnits(s: EngineState, nodes: readonly OrderNode[]): readonly Unit[] {
  if (nodes.length === 0) return NO_UNITS;
  // Sized up front: these arrays live as long as the graph, and a growing one keeps spare room.
  const out = new Array<Unit>(nodes.length);
  let n = 0;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    const u = (node.unit ??= s.units.get(node.name));
    if (u) out[n++] = u; else unresolved = true;
  }
  out.length = n;
  return out;
}

export const hasKind = (s: EngineState, unit: Unit, kind: DepKind): boolean => (linksOf(s, unit).kinds & KIND_BIT[kind]) !== 0;

export const hasAtomEdges = (s: EngineState, unit: Unit, atom: Atom): boolean => (linksOf(s, unit).kinds & atomBits(atom)) !== 0;

/** s.graph.withAtom(unit.id, atom), skipping the graph when the unit has no edge of those kinds. */
export const unitsWithAtom = (s: EngineState, unit: Unit, atom: Atom): readonly UnitName[] =>
  hasAtomEdges(s, unit, atom) ? s.graph.withAtom(unit.id, atom) : NONE;

/** s.graph.get(unit.id, kind), skipping the graph when the unit has no such edge. */
export const unitsOfKind = (s: EngineState, unit: Unit, kind: DepKind): Iterable<UnitName> =>
  hasKind(s, unit, kind) ? s.graph.get(unit.id, kind) : NONE;
