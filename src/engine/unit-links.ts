// A unit's view of the dependency graph for the run phase: its After=/Before= neighbours as units
// and which kinds it has any edge of. The run queue, state notifications and spawns ask the graph
// about the same unit many times per job; this answers from the unit itself. Read-only: the graph
// stays the truth, and a view is rebuilt whenever the graph changed (its version moved).
import { DEP_KINDS, kindsWithAtom, type Atom, type DepKind, type DependencyGraph } from './deps.ts';
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

const KIND_BIT = Object.fromEntries(DEP_KINDS.map((k, i) => [k, 1 << i])) as Record<DepKind, number>;
const ATOM_BITS = new Map<Atom, number>();
const atomBits = (atom: Atom): number => {
  let bits = ATOM_BITS.get(atom);
  if (bits === undefined) ATOM_BITS.set(atom, (bits = kindsWithAtom(atom).reduce((m, k) => m | KIND_BIT[k], 0)));
  return bits;
};

const NONE: readonly UnitName[] = Object.freeze([]);

export function linksOf(s: EngineState, unit: Unit): UnitLinks {
  const cached = unit.links;
  if (cached !== null && cached.graph === s.graph && cached.version === s.graph.version) return cached;
  let kinds = 0;
  for (const [kind, names] of s.graph.kindsOf(unit.id)) if (names.size > 0) kinds |= KIND_BIT[kind];
  const resolved = { all: true };
  const links: UnitLinks = {
    graph: s.graph, version: s.graph.version, kinds,
    after: resolveUnits(s, s.graph.get(unit.id, 'After'), resolved), before: resolveUnits(s, s.graph.get(unit.id, 'Before'), resolved),
  };
  // A name without a unit yet is skipped, as a lookup would skip it, and looked up again next time.
  if (resolved.all) unit.links = links;
  return links;
}

function resolveUnits(s: EngineState, names: ReadonlySet<UnitName>, resolved: { all: boolean }): Unit[] {
  const out: Unit[] = [];
  for (const name of names) {
    const u = s.units.get(name);
    if (u) out.push(u); else resolved.all = false;
  }
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
