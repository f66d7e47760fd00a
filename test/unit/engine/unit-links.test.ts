// The dependency graph's per-unit summaries (kind mask, ordering neighbours as nodes) and the
// run phase's view built from them (unit-links.ts): they must agree with the graph's name
// queries after any change, including removals and a graph replaced by daemon-reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEP_KINDS, DependencyGraph, KIND_BIT, atomBits, kindsWithAtom } from '../../../src/engine/deps.ts';
import type { EngineState } from '../../../src/engine/engine-state.ts';
import { hasAtomEdges, hasKind, linksOf, primeLinks, unitsWithAtom } from '../../../src/engine/unit-links.ts';
import type { Unit } from '../../../src/engine/unit.ts';

const kindsIn = (g: DependencyGraph, u: string): string[] => DEP_KINDS.filter((k) => (g.kindMask(u) & KIND_BIT[k]) !== 0);
const nonEmptyKinds = (g: DependencyGraph, u: string): string[] => DEP_KINDS.filter((k) => g.get(u, k).length > 0);
const orderNames = (g: DependencyGraph, u: string, kind: 'After' | 'Before'): string[] => [...g.orderNeighbours(u, kind)].map((n) => n.name);

test('kind mask and ordering nodes follow adds and clearFrom, in both directions', () => {
  const g = new DependencyGraph();
  g.add('a', 'After', 'b');
  g.add('a', 'After', 'c');
  g.add('a', 'Wants', 'c');
  g.add('d', 'Before', 'a');
  assert.deepEqual(kindsIn(g, 'a'), nonEmptyKinds(g, 'a'));
  assert.deepEqual(kindsIn(g, 'c'), ['WantedBy', 'Before']);
  assert.deepEqual(orderNames(g, 'a', 'After'), [...g.get('a', 'After')]);
  assert.deepEqual(orderNames(g, 'b', 'Before'), ['a']);
  const [b, c] = [g.orderNode('b')!, g.orderNode('c')!];
  const [eb, ec] = [b.epoch, c.epoch];
  const e = g.orderNode('e');
  g.add('x', 'Wants', 'y'); // elsewhere: b's and c's nodes do not move
  assert.deepEqual([b.epoch, c.epoch, e], [eb, ec, undefined]);
  g.clearFrom('a');
  assert.ok(b.epoch > eb && c.epoch > ec, 'the neighbours of a removed node move');
  for (const u of ['b', 'c', 'd']) {
    assert.deepEqual(kindsIn(g, u), nonEmptyKinds(g, u), u);
    assert.deepEqual(orderNames(g, u, 'Before'), [...g.get(u, 'Before')], u);
    assert.deepEqual(orderNames(g, u, 'After'), [...g.get(u, 'After')], u);
  }
  assert.equal(g.kindMask('a'), 0);
  assert.equal(g.orderNeighbours('a', 'After').length, 0);
});

test('an edge is stored once from either side, lists keep their order when a unit leaves, and has() reads either side', () => {
  const g = new DependencyGraph();
  for (const m of ['m1', 'm2', 'm3', 'm4']) g.add(m, 'After', 'hub');
  g.add('m2', 'After', 'hub');
  g.add('hub', 'Before', 'm3'); // the same edge as m3 After= hub
  assert.deepEqual(g.get('hub', 'Before'), ['m1', 'm2', 'm3', 'm4']);
  assert.deepEqual(g.get('m3', 'After'), ['hub']);
  g.clearFrom('m2');
  assert.deepEqual(g.get('hub', 'Before'), ['m1', 'm3', 'm4']);
  assert.equal(g.has('m4', 'After', 'hub'), true);
  assert.equal(g.has('hub', 'Before', 'm4'), true);
  assert.equal(g.has('hub', 'After', 'm4'), false);
  assert.equal(g.has('m2', 'After', 'hub'), false);
  assert.deepEqual(g.withAtom('hub', 'before'), ['m1', 'm3', 'm4']);
  assert.deepEqual([...g.kindsOf('m1').keys()], ['After']);
});

test('atomBits covers exactly the kinds carrying the atom', () => {
  for (const atom of ['bound-to', 'upheld-by', 'pins-unneeded', 'triggered-by'] as const) {
    assert.deepEqual(DEP_KINDS.filter((k) => (atomBits(atom) & KIND_BIT[k]) !== 0), [...kindsWithAtom(atom)], atom);
  }
});

/** Just what unit-links reads: the graph and the units by name. */
function state(): { s: EngineState; unit(name: string): Unit } {
  const units = new Map<string, Unit>();
  const s = { graph: new DependencyGraph(), units } as unknown as EngineState;
  return {
    s,
    unit(name) {
      const u = { id: name, job: null, links: null } as unknown as Unit;
      units.set(name, u);
      return u;
    },
  };
}

test('a unit\'s links resolve its ordering neighbours and are rebuilt after any graph change', () => {
  const { s, unit } = state();
  const [a, b, c] = [unit('a.service'), unit('b.service'), unit('c.service')];
  s.graph.add('a.service', 'After', 'b.service');
  const first = linksOf(s, a);
  assert.deepEqual(first.after, [b]);
  assert.deepEqual(first.before, []);
  assert.equal(linksOf(s, a), first, 'unchanged graph: the same view');
  s.graph.add('c.service', 'Before', 'a.service');
  assert.deepEqual(linksOf(s, a).after, [b, c]);
  assert.equal(hasKind(s, a, 'BindsTo'), false);
  s.graph.add('a.service', 'BindsTo', 'b.service');
  assert.equal(hasAtomEdges(s, a, 'bound-to'), true);
  assert.deepEqual(unitsWithAtom(s, a, 'bound-to'), ['b.service']);
  assert.deepEqual(unitsWithAtom(s, b, 'bound-to'), []);
  s.graph.clearFrom('c.service');
  assert.deepEqual(linksOf(s, a).after, [b]);
  // daemon-reload builds a new graph, whose nodes may start again at the same epochs.
  s.graph = new DependencyGraph();
  assert.deepEqual(linksOf(s, a).after, []);
  assert.equal(hasKind(s, a, 'BindsTo'), false);
});

test('a view survives changes elsewhere in the graph; a unit that had no node sees its first edge', () => {
  const { s, unit } = state();
  const [a, b, lone] = [unit('a.service'), unit('b.service'), unit('lone.service')];
  s.graph.add('a.service', 'After', 'b.service');
  const view = linksOf(s, a);
  s.graph.add('x.service', 'After', 'y.service');
  assert.equal(linksOf(s, a), view, 'an unrelated edge keeps the view');
  assert.deepEqual(linksOf(s, lone).before, []);
  s.graph.add('b.service', 'After', 'lone.service');
  assert.deepEqual(linksOf(s, lone).before, [b]);
  assert.equal(linksOf(s, a), view, 'b gaining an edge moves b\'s node, not a\'s');
  s.graph.add('b.service', 'Before', 'a.service');
  assert.equal(linksOf(s, a), view, 'b Before= a is the edge a After= b it has: nothing changed');
  s.graph.add('a.service', 'Wants', 'b.service');
  assert.notEqual(linksOf(s, a), view, 'an edge of its own rebuilds it');
  assert.equal(hasKind(s, a, 'Wants'), true);
  assert.deepEqual(linksOf(s, a).after, [b]);
});

test('primeLinks binds loaded units to their nodes and builds their views', () => {
  const { s, unit } = state();
  const [a, b] = [unit('a.service'), unit('b.service')];
  s.graph.add('a.service', 'Before', 'b.service');
  primeLinks(s, [a, b]);
  assert.equal(s.graph.orderNode('a.service')!.unit, a);
  assert.equal(s.graph.orderNode('b.service')!.unit, b);
  assert.ok(a.links !== null && b.links !== null);
  assert.deepEqual(b.links.after, [a]);
  // A unit's node is dropped with it; a unit loaded later under that name is bound afresh.
  s.graph.clearFrom('a.service');
  assert.deepEqual(linksOf(s, b).after, []);
  const again = unit('a.service');
  s.graph.add('a.service', 'Before', 'b.service');
  primeLinks(s, [again]);
  assert.deepEqual(linksOf(s, b).after, [again]);
});

test('a neighbour without a unit is skipped and looked up again next time', () => {
  const { s, unit } = state();
  const a = unit('a.service');
  s.graph.add('a.service', 'After', 'late.service');
  assert.deepEqual(linksOf(s, a).after, []);
  const late = unit('late.service');
  assert.deepEqual(linksOf(s, a).after, [late]);
});
