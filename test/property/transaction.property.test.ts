// Properties of the transaction builder over random unit graphs, states, installed jobs and
// requests: one job per unit, the anchor survives or the request fails, no ordering cycle, jobs
// only for units the anchor reaches, destructiveness honoured, determinism.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { kindsWithAtom, type Atom, type DepKind } from '../../src/engine/deps.ts';
import { conflicting, orderFirst } from '../../src/engine/job-tables.ts';
import type { TransactionPlan } from '../../src/engine/transaction.ts';
import { ACTIVE_STATES, type ActiveState, type InstallableJobType, type JobMode, type JobType } from '../../src/engine/types.ts';
import { world, type TxWorld } from '../fixtures/tx-view.ts';

const KINDS: readonly DepKind[] = ['Requires', 'Wants', 'Requisite', 'BindsTo', 'PartOf', 'Upholds', 'Conflicts', 'After', 'Before', 'PropagatesStopTo', 'PropagatesReloadTo', 'Triggers'];
const MODES: readonly JobMode[] = ['fail', 'replace', 'replace-irreversibly', 'isolate', 'flush', 'ignore-dependencies', 'ignore-requirements', 'triggering'];
const REQUEST_TYPES: readonly JobType[] = ['start', 'stop', 'restart', 'reload', 'verify-active', 'try-restart', 'try-reload', 'reload-or-start'];
const INSTALLED_TYPES: readonly InstallableJobType[] = ['start', 'stop', 'restart', 'reload', 'verify-active'];
const PULL_ATOMS: readonly Atom[] = ['pull-start', 'pull-start-soft', 'pull-verify', 'pull-stop', 'pull-stop-soft', 'propagate-stop', 'propagate-restart', 'propagates-reload-to'];
const EXPECTED_ERRORS = new Set(['NoSuchUnit', 'UnitMasked', 'BadUnitSetting', 'JobTypeNotApplicable', 'TransactionOrderIsCyclic', 'TransactionJobsConflicting', 'TransactionIsDestructive', 'InvalidArgs', 'NoIsolation']);

interface Scenario {
  readonly units: { state: ActiveState; canReload: boolean; allowIsolate: boolean; ignoreOnIsolate: boolean; job: { type: InstallableJobType; irreversible: boolean; running: boolean } | null }[];
  readonly edges: [number, DepKind, number][];
  readonly request: { unit: number; type: JobType; mode: JobMode };
}

const edgeKind = fc.oneof(
  { arbitrary: fc.constantFrom<DepKind>('Requires', 'Wants', 'After', 'Before'), weight: 6 },
  { arbitrary: fc.constantFrom(...KINDS), weight: 4 },
);

const scenario: fc.Arbitrary<Scenario> = fc.integer({ min: 1, max: 12 }).chain((n) => fc.record({
  units: fc.array(fc.record({
    state: fc.oneof({ arbitrary: fc.constant<ActiveState>('inactive'), weight: 6 }, { arbitrary: fc.constant<ActiveState>('active'), weight: 2 }, { arbitrary: fc.constantFrom(...ACTIVE_STATES), weight: 2 }),
    canReload: fc.boolean(),
    allowIsolate: fc.boolean(),
    ignoreOnIsolate: fc.integer({ min: 0, max: 5 }).map((x) => x === 0),
    job: fc.oneof(
      { arbitrary: fc.constant(null), weight: 3 },
      { arbitrary: fc.record({ type: fc.constantFrom(...INSTALLED_TYPES), irreversible: fc.integer({ min: 0, max: 4 }).map((x) => x === 0), running: fc.boolean() }), weight: 1 },
    ),
  }), { minLength: n, maxLength: n }),
  edges: fc.array(fc.tuple(fc.nat(n - 1), edgeKind, fc.nat(n)), { minLength: n, maxLength: n * 6 }),
  request: fc.record({
    unit: fc.nat(n - 1),
    type: fc.oneof({ arbitrary: fc.constantFrom<JobType>('start', 'stop', 'restart'), weight: 3 }, { arbitrary: fc.constantFrom(...REQUEST_TYPES), weight: 1 }),
    mode: fc.oneof({ arbitrary: fc.constantFrom<JobMode>('replace', 'fail'), weight: 3 }, { arbitrary: fc.constantFrom(...MODES), weight: 2 }),
  }),
}));

/** Unit `n` (one past the last) is a missing unit, so mandatory pulls of it fail. */
function build(s: Scenario): TxWorld {
  const w = world();
  s.units.forEach((u, i) => {
    w.unit(`u${i}`, { activeState: u.state, canReload: u.canReload, allowIsolate: u.allowIsolate, ignoreOnIsolate: u.ignoreOnIsolate });
    if (u.job) w.job(`u${i}`, u.job.type, { irreversible: u.job.irreversible, state: u.job.running ? 'running' : 'waiting' });
  });
  for (const [a, kind, b] of s.edges) w.dep(`u${a}`, kind, b === s.units.length ? 'missing' : `u${b}`);
  return w;
}

const run = (w: TxWorld, s: Scenario) => w.request(`u${s.request.unit}`, s.request.type, s.request.mode);

/** Type of each unit's job after the plan: the planned one, else the installed one. */
function nodesAfter(w: TxWorld, plan: TransactionPlan): Map<string, { type: InstallableJobType; ignoreOrder: boolean }> {
  const nodes = new Map<string, { type: InstallableJobType; ignoreOrder: boolean }>();
  for (const [u, j] of w.jobs) if (!plan.cancel.includes(u)) nodes.set(u, j);
  for (const p of plan.jobs) nodes.set(p.unit, p);
  return nodes;
}

/** A cycle reachable from `roots` (cycles among untouched installed jobs are not the builder's business). */
function hasOrderingCycle(w: TxWorld, nodes: Map<string, { type: InstallableJobType; ignoreOrder: boolean }>, roots: readonly string[]): boolean {
  const succ = (u: string): string[] => {
    const j = nodes.get(u)!;
    const out: string[] = [];
    for (const v of w.graph.get(u, 'Before')) { const o = nodes.get(v); if (o && orderFirst(j, o) === 'earlier') out.push(v); }
    for (const v of w.graph.get(u, 'After')) { const o = nodes.get(v); if (o && orderFirst(o, j) === 'later') out.push(v); }
    return out;
  };
  const color = new Map<string, 1 | 2>();
  const visit = (u: string): boolean => {
    color.set(u, 1);
    for (const v of succ(u)) {
      if (color.get(v) === 1) return true;
      if (!color.has(v) && visit(v)) return true;
    }
    color.set(u, 2);
    return false;
  };
  return roots.some((u) => !color.has(u) && visit(u));
}

function reachableFrom(w: TxWorld, anchor: string): Set<string> {
  const seen = new Set([anchor]);
  const stack = [anchor];
  while (stack.length > 0) {
    const u = stack.pop()!;
    for (const atom of PULL_ATOMS) for (const k of kindsWithAtom(atom)) for (const v of w.graph.get(u, k)) if (!seen.has(v)) { seen.add(v); stack.push(v); }
  }
  return seen;
}

const RUNS = { numRuns: 1500 };

test('a plan has one job per unit, and the anchor is the requested unit\'s job', () => {
  fc.assert(fc.property(scenario, (s) => {
    const r = run(build(s), s);
    if (!r.ok) { assert.ok(EXPECTED_ERRORS.has(r.error.name), r.error.name); return; }
    const units = r.value.jobs.map((j) => j.unit);
    assert.equal(new Set(units).size, units.length);
    assert.equal(r.value.anchor.unit, `u${s.request.unit}`);
    assert.ok(r.value.jobs.includes(r.value.anchor));
    assert.equal(r.value.jobs.filter((j) => j.isAnchor).length, 1);
    assert.ok(r.value.jobs.every((j) => j.isAnchor || j.type !== 'nop'), 'only an anchor can be a nop');
    assert.ok(r.value.jobs.every((j) => j.isAnchor === (j.pulledBy === null)));
  }), RUNS);
});

test('no ordering cycle reachable from the planned jobs (through the installed jobs they leave in place)', () => {
  fc.assert(fc.property(scenario, (s) => {
    const w = build(s);
    const r = run(w, s);
    if (r.ok) assert.equal(hasOrderingCycle(w, nodesAfter(w, r.value), r.value.jobs.map((j) => j.unit)), false);
  }), RUNS);
});

test('jobs only for units the anchor reaches through pulling dependencies (isolate/triggering aside)', () => {
  fc.assert(fc.property(scenario, (s) => {
    const w = build(s);
    const r = run(w, s);
    if (!r.ok || s.request.mode === 'isolate' || s.request.mode === 'triggering') return;
    const reach = reachableFrom(w, `u${s.request.unit}`);
    for (const j of r.value.jobs) assert.ok(reach.has(j.unit), `${j.unit} not reachable`);
    for (const j of r.value.jobs) {
      if (!j.pulledBy) continue;
      const kind = j.pulledBy.kind.replace(/=$/, '') as DepKind;
      assert.ok(w.graph.has(j.pulledBy.unit, kind, j.unit), `${j.unit} pulled by ${j.pulledBy.unit} via ${j.pulledBy.kind}`);
    }
  }), RUNS);
});

test('destructiveness: fail mode never contradicts an installed job; no mode replaces an irreversible one', () => {
  fc.assert(fc.property(scenario, (s) => {
    const w = build(s);
    const r = run(w, s);
    if (!r.ok) return;
    for (const j of r.value.jobs) {
      const i = w.jobs.get(j.unit);
      if (!i || !conflicting(i.type, j.type)) continue;
      assert.notEqual(s.request.mode, 'fail', `${j.unit}: ${j.type} vs installed ${i.type}`);
      assert.equal(i.irreversible, false);
    }
  }), RUNS);
});

test('modes: dependency-free modes plan only the anchor; only isolate/flush cancel, and never IgnoreOnIsolate= units', () => {
  fc.assert(fc.property(scenario, (s) => {
    const w = build(s);
    const r = run(w, s);
    if (!r.ok) return;
    const mode = s.request.mode;
    if (mode === 'ignore-dependencies' || mode === 'ignore-requirements') assert.equal(r.value.jobs.length, 1);
    if (mode === 'replace-irreversibly') assert.ok(r.value.jobs.every((j) => j.irreversible));
    if (mode !== 'isolate' && mode !== 'flush') { assert.deepEqual(r.value.cancel, []); return; }
    const planned = new Set(r.value.jobs.map((j) => j.unit));
    const expected = [...w.jobs.keys()].filter((u) => !planned.has(u) && !w.units.get(u)!.ignoreOnIsolate);
    assert.deepEqual([...r.value.cancel].sort(), expected.sort());
  }), RUNS);
});

test('building is deterministic and does not change the view', () => {
  fc.assert(fc.property(scenario, (s) => {
    const w = build(s);
    const before = w.installed();
    assert.deepEqual(run(w, s), run(w, s));
    assert.deepEqual(w.installed(), before);
  }), { numRuns: 500 });
});

test('applying a plan and repeating the request in mode fail is never destructive', () => {
  fc.assert(fc.property(scenario, (s) => {
    if (s.request.mode !== 'replace') return;
    const w = build(s);
    const r = w.run(`u${s.request.unit}`, s.request.type, 'replace');
    if (!r.ok) return;
    const again = w.request(`u${s.request.unit}`, s.request.type, 'fail');
    if (!again.ok) assert.notEqual(again.error.name, 'TransactionIsDestructive', again.error.message);
  }), RUNS);
});
