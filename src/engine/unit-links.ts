// A unit's view of the dependency graph for the run phase: its After=/Before= neighbours as units
// and which kinds it has any edge of. The run queue, state notifications and spawns ask the graph
// about the same unit many times per job; this answers from the unit itself. Read-only: the graph
// stays the truth, and a view is rebuilt whenever the graph changed (its version moved).
import { KIND_BIT, atomBits, type Atom, type DepKind, type DependencyGraph, type OrderNode } from './deps.ts';
import type { EngineState } from './engine-state.ts';
import type { UnitName } from './types.ts';
import type { Unit } from './unit.ts';

export interface UnitLinks {
  readonly graph: DependencyGraph;
  readonly version: number;
  /** One bit per DepKind (KIND_BIT) the unit has at least one edge of. */
  readonly kinds: number;
  readonly after: readonly Unit[];
  readonly before: readonly Unit[];
}

const NONE: readonly UnitName[] = Object.freeze([]);
const NO_UNITS: readonly Unit[] = Object.freeze([]);

export function linksOf(s: EngineState, unit: Unit): UnitLinks {
  const cached = unit.links;
  if (cached !== null && cached.graph === s.graph && cached.version === s.graph.version) return cached;
  const resolved = { all: true };
  const links: UnitLinks = {
    graph: s.graph, version: s.graph.version, kinds: s.graph.kindMask(unit.id),
    after: resolveUnits(s, s.graph.orderNeighbours(unit.id, 'After'), resolved),
    before: resolveUnits(s, s.graph.orderNeighbours(unit.id, 'Before'), resolved),
  };
  // A name without a unit yet is skipped, as a lookup would skip it, and looked up again next time.
  if (resolved.all) unit.links = links;
  return links;
}

/** The units of `nodes`; each node remembers its unit, so a unit is looked up by name once per graph. */
function resolveUnits(s: EngineState, nodes: ReadonlySet<OrderNode>, resolved: { all: boolean }): readonly Unit[] {
  if (nodes.size === 0) return NO_UNITS;
  // Sized up front: these arrays live as long as the graph, and a growing one keeps spare room.
  const out = new Array<Unit>(nodes.size);
  let n = 0;
  nodes.forEach((node) => { // forEach: no iterator objects on this hot path
    const u = (node.unit ??= s.units.get(node.name));
    if (u) out[n++] = u; else resolved.all = false;
  });
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
