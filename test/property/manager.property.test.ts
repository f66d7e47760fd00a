// Properties of the whole Manager in virtual time: random unit graphs (services with random
// dependencies, some oneshot, some failing) and random request sequences interleaved with time
// steps. After every input, request and dispatch: one job per slot, every job ends exactly once
// with one JobRemoved, the anchor of a successful request exists or already ended, and no job
// starts running while a job it must wait for by ordering is still installed (02 §7.2).
// A failure prints the seed and path; replay with UNITD_SEED=<seed> UNITD_PATH=<path>.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { RequestType, JobMode } from '../../src/engine/types.ts';
import type { EngineEvent } from '../../src/engine/events.ts';
import { Sim } from '../sim/harness.ts';

const U = '/etc/systemd/system';
const DEP_KINDS = ['Wants', 'Requires', 'Requisite', 'BindsTo', 'Conflicts', 'After', 'Before', 'PartOf'] as const;
type DepKind = (typeof DEP_KINDS)[number];
const REQUESTS: readonly RequestType[] = ['start', 'stop', 'restart', 'try-restart', 'reload-or-restart'];
const MODES: readonly JobMode[] = ['replace', 'fail', 'ignore-dependencies', 'ignore-requirements', 'replace-irreversibly', 'flush', 'isolate', 'triggering'];
const WAITS = [0, 0.05, 0.3, 1, 2.5] as const;

interface UnitSpec { kind: 'simple' | 'oneshot' | 'failing'; pre: number; stop: number; remain: boolean; exit: number }
interface Step { unit: number; type: RequestType; mode: JobMode; wait: number }
interface World { units: UnitSpec[]; edges: [number, DepKind, number][]; steps: Step[] }

const delay = fc.constantFrom(0, 0, 0.2, 1, 2);
const world: fc.Arbitrary<World> = fc.integer({ min: 2, max: 12 }).chain((n) => fc.record({
  units: fc.array(fc.record({
    kind: fc.constantFrom<UnitSpec['kind']>('simple', 'simple', 'oneshot', 'failing'),
    pre: delay, stop: delay, remain: fc.boolean(), exit: delay,
  }), { minLength: n, maxLength: n }),
  edges: fc.array(fc.tuple(fc.nat(n - 1), fc.constantFrom(...DEP_KINDS, 'After', 'Wants', 'Requires'), fc.nat(n - 1))
    .filter(([a, , b]) => a !== b) as fc.Arbitrary<[number, DepKind, number]>, { maxLength: n * 3 }),
  steps: fc.array(fc.record({
    unit: fc.nat(n - 1),
    type: fc.constantFrom(...REQUESTS),
    mode: fc.oneof({ arbitrary: fc.constant<JobMode>('replace'), weight: 4 }, { arbitrary: fc.constantFrom(...MODES), weight: 2 }),
    wait: fc.constantFrom(...WAITS),
  }), { minLength: 1, maxLength: 12 }),
}));

const name = (i: number): string => `u${i}.service`;

function unitFile(i: number, w: World): string {
  const u = w.units[i]!;
  const deps = w.edges.filter(([a]) => a === i).map(([, k, b]) => `${k}=${name(b)}`);
  const svc: string[] = [];
  if (u.pre > 0) svc.push(`ExecStartPre=/sim/run exit=${u.pre}`);
  if (u.kind === 'simple') svc.push('ExecStart=/sim/run');
  else if (u.kind === 'oneshot') svc.push('Type=oneshot', `RemainAfterExit=${u.remain ? 'yes' : 'no'}`, `ExecStart=/sim/run exit=${u.exit}`);
  else svc.push(`ExecStart=/sim/run exit=${u.exit} status=1`);
  if (u.stop > 0) svc.push(`ExecStop=/sim/run exit=${u.stop}`);
  return `[Unit]\nAllowIsolate=yes\n${deps.join('\n')}\n[Service]\n${svc.join('\n')}\n`;
}

/** Ordering as the manager sees it: `a` is After= `b` when a says After=b or b says Before=a. */
function afterSets(w: World): Set<number>[] {
  const after = w.units.map(() => new Set<number>());
  for (const [a, k, b] of w.edges) {
    if (k === 'After') after[a]!.add(b);
    if (k === 'Before') after[b]!.add(a);
  }
  return after;
}

const STOP_LIKE = new Set(['stop', 'restart']);

/**
 * The waits-for relation of 02 §7.2 among installed jobs: a start-like job waits for any job of
 * a unit it is After=, and any job waits for a stop-like job of a unit it is Before=.
 */
function hasOrderingCycle(jobs: readonly { id: number; unit: string; type: string }[], after: Set<number>[], unordered: Set<number>): boolean {
  const idx = (u: string): number => Number(/^u(\d+)\.service$/.exec(u)?.[1] ?? -1);
  const live = jobs.filter((j) => idx(j.unit) >= 0 && j.type !== 'nop' && !unordered.has(j.id));
  const waits = (a: (typeof live)[number], b: (typeof live)[number]): boolean =>
    (!STOP_LIKE.has(a.type) && after[idx(a.unit)]!.has(idx(b.unit))) || (STOP_LIKE.has(b.type) && after[idx(b.unit)]!.has(idx(a.unit)));
  const state = new Map<number, 'open' | 'done'>();
  const visit = (a: (typeof live)[number]): boolean => {
    state.set(a.id, 'open');
    for (const b of live) {
      if (b === a || !waits(a, b)) continue;
      if (state.get(b.id) === 'open') return true;
      if (!state.has(b.id) && visit(b)) return true;
    }
    state.set(a.id, 'done');
    return false;
  };
  return live.some((j) => !state.has(j.id) && visit(j));
}

/** Replays one world and throws (with a description) on the first broken invariant. */
function check(w: World): void {
  const after = afterSets(w);
  const indexOf = (unit: string): number => Number(/^u(\d+)\.service$/.exec(unit)?.[1] ?? -1);
  const jobNew = new Set<number>();
  const removed = new Set<number>();
  const ignoreOrder = new Set<number>();
  const states = new Map<number, string>();
  const files = Object.fromEntries(w.units.map((_, i) => [`${U}/${name(i)}`, unitFile(i, w)]));
  let sim: Sim;
  const onEvent = (e: EngineEvent): void => {
    if (e.kind === 'JobNew') {
      assert.ok(!jobNew.has(e.job.id), `job ${e.job.id} announced twice`);
      jobNew.add(e.job.id);
    }
    if (e.kind === 'JobRemoved') {
      assert.ok(jobNew.has(e.job.id), `job ${e.job.id} removed but never announced`);
      assert.ok(!removed.has(e.job.id), `job ${e.job.id} removed twice`);
      assert.ok(e.cause.text.length > 0, `job ${e.job.id} ended without a cause`);
      removed.add(e.job.id);
    }
    if (e.kind === 'JobChanged' && e.job.state === 'running' && states.get(e.job.id) !== 'running') checkOrdering(e.job.id, e.job.unit, e.job.type);
    if (e.kind === 'JobNew' || e.kind === 'JobChanged') states.set(e.job.id, e.job.state);
  };
  // 02 §7.2: a start-like job runs only when no unit it is After= has a job; any job runs only
  // when no unit it is Before= has a stop-like job.
  const checkOrdering = (id: number, unit: string, type: string): void => {
    if (ignoreOrder.has(id) || type === 'nop') return;
    const i = indexOf(unit);
    if (i < 0) return;
    for (const j of sim.manager.listJobs()) {
      const o = indexOf(j.unit);
      if (o < 0 || j.type === 'nop' || ignoreOrder.has(j.id)) continue;
      if (!STOP_LIKE.has(type) && after[i]!.has(o)) assert.fail(`${type} job ${id} of ${unit} ran while ${j.type} job ${j.id} of ${j.unit} (After=) was installed`);
      if (STOP_LIKE.has(j.type) && after[o]!.has(i)) assert.fail(`${type} job ${id} of ${unit} ran while stop-like job ${j.id} of ${j.unit} (Before=) was installed`);
    }
  };
  const invariants = (what: string): void => {
    const jobs = sim.manager.listJobs();
    const slots = new Set<string>();
    for (const j of jobs) {
      const slot = `${j.unit}/${j.type === 'nop' ? 'nop' : 'job'}`;
      assert.ok(!slots.has(slot), `two jobs in slot ${slot} after ${what}`);
      slots.add(slot);
      assert.ok(jobNew.has(j.id) && !removed.has(j.id), `installed job ${j.id} not announced or already removed`);
    }
  };
  sim = new Sim({ files, onStep: (s, what) => invariants(what) });
  const emit = sim.events.push.bind(sim.events);
  sim.events.push = (...es: EngineEvent[]): number => { for (const e of es) onEvent(e); return emit(...es); };
  // Units ordered both ways (directly or through others) can deadlock in systemd too: a restart
  // job that turns into a start (02 §9.2), or a start merged into a running restart, is checked
  // by no transaction. Only an acyclic unit ordering promises acyclic installed jobs.
  const acyclicUnits = !hasOrderingCycle(w.units.map((_, i) => ({ id: i, unit: name(i), type: 'start' })), after, new Set());
  for (const step of w.steps) {
    const r = sim.enqueue(name(step.unit), step.type, step.mode);
    if (r.ok && step.mode === 'ignore-dependencies') ignoreOrder.add(r.value.job);
    if (acyclicUnits) assert.ok(!hasOrderingCycle(sim.manager.listJobs(), after, ignoreOrder), `${step.type} ${name(step.unit)} installed an ordering cycle`);
    if (r.ok) {
      assert.ok(jobNew.has(r.value.job), `anchor job ${r.value.job} of ${step.type} ${name(step.unit)} was never installed`);
      assert.ok(sim.manager.getJob(r.value.job).ok, `anchor job ${r.value.job} can not be looked up`);
    }
    sim.runFor(step.wait);
  }
  sim.runFor(120);
  // A restart job that turns into a start (02 §9.2) can close an ordering cycle between units
  // ordered both ways; systemd's job_is_runnable() then waits forever as well. Jobs may be left
  // only in such a deadlock.
  const left = sim.manager.listJobs();
  if (left.length > 0) assert.ok(!acyclicUnits && hasOrderingCycle(left, after, ignoreOrder), `jobs left after the system settled: ${JSON.stringify(left)}`);
  else assert.deepEqual([...jobNew].filter((id) => !removed.has(id)), [], 'jobs that never ended');
  for (const id of removed) {
    const d = sim.manager.getJob(id);
    assert.ok(d.ok && d.value.result !== null && d.value.cause !== null, `ended job ${id} can not be looked up with its result`);
  }
}

const seed = process.env['UNITD_SEED'] !== undefined ? Number(process.env['UNITD_SEED']) : undefined;
const path = process.env['UNITD_PATH'];
const numRuns = Number(process.env['UNITD_RUNS'] ?? 300);

test('the manager keeps its job invariants over random graphs and request sequences', () => {
  const params = { numRuns, ...(seed !== undefined ? { seed } : {}), ...(path !== undefined ? { path } : {}) };
  const out = fc.check(fc.property(world, (w) => { check(w); }), params);
  if (out.failed) {
    const replay = `UNITD_SEED=${out.seed} UNITD_PATH=${out.counterexamplePath ?? ''}`;
    assert.fail(`${String(out.errorInstance)}\nreplay with: ${replay}\ncounterexample: ${JSON.stringify(out.counterexample)}`);
  }
});
