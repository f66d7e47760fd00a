// list-dependencies as data: the tree systemctl 252 draws for a unit, built from the dependency
// graph in one call. Read-only; which kinds count and when to descend mirror systemctl's
// list_dependencies_one() in systemctl-list-dependencies.c.
import type { DependencyNode } from './api.ts';
import type { DepKind } from './deps.ts';
import type { EngineState } from './engine-state.ts';
import type { UnitName } from './types.ts';

/** The kinds followed: requirement-like ones forward, their inverses with --reverse. */
export const TREE_KINDS = {
  forward: ['Requires', 'Requisite', 'Wants', 'ConsistsOf', 'BindsTo', 'Upholds'],
  reverse: ['RequiredBy', 'RequisiteOf', 'WantedBy', 'PartOf', 'BoundBy', 'UpheldBy'],
} as const satisfies Record<'forward' | 'reverse', readonly DepKind[]>;

/** --after lists the units this one is ordered after; --before the units it is ordered before. */
export const ORDER_KINDS = { after: ['After'], before: ['Before'] } as const satisfies Record<'after' | 'before', readonly DepKind[]>;

export interface TreeOptions {
  readonly reverse: boolean;
  /** --after/--before: follow the ordering edges instead (overrides `reverse`, as in systemctl). */
  readonly order?: 'after' | 'before' | undefined;
  /** Descend into every unit, not only into targets. */
  readonly all: boolean;
}

const isTarget = (name: string): boolean => name.endsWith('.target');

/** systemctl's order: non-targets first, then case-insensitive by name. */
export function compareTreeNames(a: string, b: string): number {
  if (isTarget(a) !== isTarget(b)) return isTarget(a) ? 1 : -1;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Direct dependencies of `unit` in display order, without duplicates. */
export function directDependencies(s: EngineState, unit: UnitName, reverse: boolean, order?: 'after' | 'before'): UnitName[] {
  const out = new Set<UnitName>();
  const kinds = order === 'after' ? ORDER_KINDS.after : order === 'before' ? ORDER_KINDS.before : reverse ? TREE_KINDS.reverse : TREE_KINDS.forward;
  for (const kind of kinds) for (const n of s.graph.get(unit, kind)) out.add(n);
  return [...out].sort(compareTreeNames);
}

const activeStateOf = (s: EngineState, name: UnitName): DependencyNode['activeState'] => s.units.get(name)?.activeState ?? 'inactive';

/**
 * The tree below `root`. A unit already on the path from the root is a cycle: it is listed with
 * `cycle: true` and not expanded (systemctl prints "..."). Only targets are expanded unless `all`.
 */
export function dependencyTree(s: EngineState, root: UnitName, o: TreeOptions): DependencyNode {
  const path = new Set<UnitName>();
  const build = (name: UnitName, expand: boolean): DependencyNode => {
    if (!expand) return { unit: name, activeState: activeStateOf(s, name), cycle: false, children: [] };
    path.add(name);
    const children = directDependencies(s, name, o.reverse, o.order).map((c): DependencyNode => (path.has(c)
      ? { unit: c, activeState: activeStateOf(s, c), cycle: true, children: [] }
      : build(c, o.all || isTarget(c))));
    path.delete(name);
    return { unit: name, activeState: activeStateOf(s, name), cycle: false, children };
  };
  return build(root, true);
}
