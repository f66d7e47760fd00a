// The engine side of the query verbs: list-dependencies trees, SystemState, and the manager
// environment (set-/unset-/show-environment).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DependencyGraph } from '../../../src/engine/deps.ts';
import { compareTreeNames, dependencyTree, directDependencies } from '../../../src/engine/dependency-tree.ts';
import type { EngineState } from '../../../src/engine/engine-state.ts';
import { environmentBlock, isValidAssignment, setEnvironment, unsetEnvironment } from '../../../src/engine/manager-environment.ts';
import { systemState } from '../../../src/engine/system-state.ts';

function stateWith(edges: [string, 'Requires' | 'Wants' | 'PartOf' | 'BindsTo' | 'Conflicts' | 'After', string][], active: Record<string, string> = {}): EngineState {
  const graph = new DependencyGraph();
  for (const [a, k, b] of edges) graph.add(a, k, b);
  const units = new Map(Object.entries(active).map(([id, activeState]) => [id, { id, activeState }]));
  return { graph, units } as unknown as EngineState;
}

test('targets sort last, the rest case-insensitively', () => {
  assert.deepEqual(['b.target', 'B.service', 'a.service', 'a.target'].sort(compareTreeNames), ['a.service', 'B.service', 'a.target', 'b.target']);
});

test('forward deps follow Requires/Wants/BindsTo/ConsistsOf, not Conflicts or ordering', () => {
  const s = stateWith([['a.service', 'Requires', 'b.service'], ['a.service', 'Wants', 'c.service'], ['a.service', 'Conflicts', 'x.service'],
    ['a.service', 'After', 'y.service'], ['p.service', 'PartOf', 'a.service'], ['a.service', 'BindsTo', 'z.target']]);
  assert.deepEqual(directDependencies(s, 'a.service', false), ['b.service', 'c.service', 'p.service', 'z.target']);
  assert.deepEqual(directDependencies(s, 'b.service', true), ['a.service']);
  assert.deepEqual(directDependencies(s, 'a.service', true), []);
  assert.deepEqual(directDependencies(s, 'z.target', true), ['a.service']);
});

test('only targets are expanded unless all; a unit on the path is a cycle, not expanded', () => {
  const s = stateWith([['a.target', 'Wants', 'b.service'], ['b.service', 'Wants', 'c.service'], ['a.target', 'Requires', 't.target'],
    ['t.target', 'Wants', 'a.target']], { 'b.service': 'active', 't.target': 'failed' });
  const tree = dependencyTree(s, 'a.target', { reverse: false, all: false });
  assert.equal(tree.children.length, 2);
  const [b, t] = tree.children;
  assert.deepEqual(b, { unit: 'b.service', activeState: 'active', cycle: false, children: [] });
  assert.equal(t!.activeState, 'failed');
  assert.deepEqual(t!.children, [{ unit: 'a.target', activeState: 'inactive', cycle: true, children: [] }]);
  const all = dependencyTree(s, 'a.target', { reverse: false, all: true });
  assert.deepEqual(all.children[0]!.children.map((c) => c.unit), ['c.service']);
});

test('--after follows After= (targets expanded, services not unless all); --before the inverse; both override reverse', () => {
  const s = stateWith([['a.service', 'After', 'b.target'], ['b.target', 'After', 'c.service'], ['c.service', 'After', 'd.service'],
    ['a.service', 'Wants', 'w.service']], { 'c.service': 'active' });
  assert.deepEqual(directDependencies(s, 'a.service', false, 'after'), ['b.target']);
  assert.deepEqual(directDependencies(s, 'b.target', true, 'before'), ['a.service']);
  const tree = dependencyTree(s, 'a.service', { reverse: true, all: false, order: 'after' });
  assert.deepEqual(tree.children, [{ unit: 'b.target', activeState: 'inactive', cycle: false,
    children: [{ unit: 'c.service', activeState: 'active', cycle: false, children: [] }] }]);
  const all = dependencyTree(s, 'a.service', { reverse: false, all: true, order: 'after' });
  assert.deepEqual(all.children[0]!.children[0]!.children.map((c) => c.unit), ['d.service']);
  const before = dependencyTree(s, 'd.service', { reverse: false, all: true, order: 'before' });
  assert.deepEqual(before.children[0]!.children[0]!.children.map((c) => c.unit), ['a.service']);
});

test('SystemState: stopping, then boot phase, then health', () => {
  assert.equal(systemState({ boot: 'initializing', shuttingDown: false, failedUnits: 0 }), 'initializing');
  assert.equal(systemState({ boot: 'starting', shuttingDown: false, failedUnits: 3 }), 'starting');
  assert.equal(systemState({ boot: 'finished', shuttingDown: false, failedUnits: 0 }), 'running');
  assert.equal(systemState({ boot: 'finished', shuttingDown: false, failedUnits: 1 }), 'degraded');
  assert.equal(systemState({ boot: 'starting', shuttingDown: true, failedUnits: 0 }), 'stopping');
});

test('set-environment is all or nothing and later assignments win', () => {
  const env: Record<string, string> = { PATH: '/bin' };
  assert.equal(setEnvironment(env, ['A=1', 'B=x y', 'A=2']).ok, true);
  assert.deepEqual(environmentBlock(env), ['A=2', 'B=x y', 'PATH=/bin']);
  const bad = setEnvironment(env, ['C=3', 'BAZ']);
  assert.equal(bad.ok, false);
  assert.equal(!bad.ok && bad.error.message, 'Invalid environment assignments');
  assert.equal(env['C'], undefined);
  for (const a of ['=x', '1A=x', 'A B=x', 'A=\x01']) assert.equal(isValidAssignment(a), false, a);
  assert.equal(isValidAssignment('A_1=\ttab\nnl'), true);
});

test('unset-environment takes names, or NAME=VALUE removed only when the value matches', () => {
  const env: Record<string, string> = { A: '1', B: '2', C: '3' };
  assert.equal(unsetEnvironment(env, ['A', 'B=nope', 'C=3']).ok, true);
  assert.deepEqual(environmentBlock(env), ['B=2']);
  const bad = unsetEnvironment(env, ['B', 'A B']);
  assert.equal(!bad.ok && bad.error.message, 'Invalid environment variable names or assignments');
  assert.deepEqual(environmentBlock(env), ['B=2']);
});
