// Properties of Exclusive= (exclusive.ts) over random worlds in virtual time: services in one or
// two groups (oneshot, RemainAfterExit=yes, exiting and long-running), acyclic After= edges, and
// random start/stop/restart requests. Checked on every engine event and at the end:
//   - never two members of a group out of inactive/failed at once;
//   - FIFO: when a member's start job starts running, every earlier waiting start job of a member
//     sharing a group is held back by ordering or by a holder of one of its groups;
//   - liveness: once the holders that never end by themselves are stopped, every job ends, and
//     every start job ends done or canceled (no deadlock with ordering, nobody left behind).
// A failure prints the seed and path; replay with UNITD_SEED=<seed> UNITD_PATH=<path>.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { EngineEvent } from '../../src/engine/events.ts';
import type { JobMode, RequestType } from '../../src/engine/types.ts';
import { Sim } from '../sim/harness.ts';

const U = '/etc/systemd/system';
const KINDS = ['oneshot', 'remain', 'exiting', 'daemon'] as const;
const REQUESTS: readonly RequestType[] = ['start', 'start', 'start', 'stop', 'restart'];
const MODES: readonly JobMode[] = ['replace', 'replace', 'replace', 'fail', 'ignore-dependencies', 'isolate'];

interface UnitSpec { kind: (typeof KINDS)[number]; groups: string[]; secs: number }
interface World { units: UnitSpec[]; after: [number, number][]; wants: [number, number][]; steps: { unit: number; type: RequestType; mode: JobMode; wait: number }[] }

const world: fc.Arbitrary<World> = fc.integer({ min: 2, max: 6 }).chain((n) => fc.record({
  units: fc.array(fc.record({
    kind: fc.constantFrom(...KINDS, 'oneshot', 'oneshot'),
    groups: fc.constantFrom(['a'], ['a'], ['b'], ['a', 'b'], []),
    secs: fc.constantFrom(0, 0.5, 1, 3),
  }), { minLength: n, maxLength: n }),
  // [i, j]: unit i is After= unit j, only for i > j, so the unit ordering is acyclic.
  after: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)).filter(([i, j]) => i > j), { maxLength: n }),
  // Wants= in any direction: transactions pull in starts of other members.
  wants: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)).filter(([i, j]) => i !== j), { maxLength: n }),
  steps: fc.array(fc.record({
    unit: fc.nat(n - 1), type: fc.constantFrom(...REQUESTS), mode: fc.constantFrom(...MODES), wait: fc.constantFrom(0, 0, 0.2, 1, 4),
  }), { minLength: 1, maxLength: 14 }),
}));

const name = (i: number): string => `u${i}.service`;
const indexOf = (unit: string): number => Number(/^u(\d+)\.service$/.exec(unit)?.[1] ?? -1);
const isDown = (state: string | undefined): boolean => state === undefined || state === 'inactive' || state === 'failed';

function unitFile(i: number, w: World): string {
  const u = w.units[i]!;
  const after = [...w.after.filter(([a]) => a === i).map(([, b]) => `After=${name(b)}`), ...w.wants.filter(([a]) => a === i).map(([, b]) => `Wants=${name(b)}`)];
  const exec = {
    oneshot: `Type=oneshot\nExecStart=/sim/run exit=${u.secs}`,
    remain: `Type=oneshot\nRemainAfterExit=yes\nExecStart=/sim/run exit=${u.secs}`,
    exiting: `ExecStart=/sim/run exit=${u.secs + 0.5}`,
    daemon: 'ExecStart=/sim/run',
  }[u.kind];
  return `[Unit]\nStartLimitIntervalSec=0\nAllowIsolate=yes\n${u.groups.length > 0 ? `Exclusive=${u.groups.join(' ')}\n` : ''}${after.join('\n')}\n[Service]\n${exec}\n`;
}

interface LiveJob { id: number; unit: number; type: string; state: string }

function check(w: World): void {
  const files = Object.fromEntries(w.units.map((_, i) => [`${U}/${name(i)}`, unitFile(i, w)]));
  const states = new Map<number, string>();
  const jobs = new Map<number, LiveJob>();
  const startResults: string[] = [];
  const groups = (i: number): string[] => w.units[i]?.groups ?? [];
  const shares = (i: number, k: number): boolean => groups(i).some((g) => groups(k).includes(g));
  const afterOf = (i: number): number[] => w.after.filter(([a]) => a === i).map(([, b]) => b);
  const beforeOf = (i: number): number[] => w.after.filter(([, b]) => b === i).map(([a]) => a);
  const jobOfUnit = (i: number): LiveJob | undefined => [...jobs.values()].find((j) => j.unit === i && j.type !== 'nop');
  const heldByOther = (i: number): boolean => w.units.some((_, k) => k !== i && shares(i, k) && !isDown(states.get(k)));
  const ignoreOrder = new Set<number>();
  const orderBlocked = (e: LiveJob): boolean => !ignoreOrder.has(e.id) && (
    afterOf(e.unit).some((k) => jobOfUnit(k) !== undefined)
    || beforeOf(e.unit).some((k) => { const t = jobOfUnit(k)?.type; return t === 'stop' || t === 'restart'; }));

  const onEvent = (e: EngineEvent): void => {
    if (e.kind === 'UnitStateChanged') {
      const i = indexOf(e.unit);
      if (i < 0) return;
      if (isDown(e.oldState) && !isDown(e.activeState)) {
        for (let k = 0; k < w.units.length; k++) {
          if (k !== i && shares(i, k) && !isDown(states.get(k))) {
            assert.fail(`${e.unit} became ${e.activeState} while ${name(k)} (same group) is ${states.get(k)}`);
          }
        }
      }
      states.set(i, e.activeState);
      return;
    }
    if (e.kind === 'JobNew' || e.kind === 'JobChanged') {
      const i = indexOf(e.job.unit);
      if (i < 0) return;
      const job = { id: e.job.id, unit: i, type: e.job.type, state: e.job.state };
      if (e.kind === 'JobChanged' && job.type === 'start' && job.state === 'running' && groups(i).length > 0) checkFifo(job);
      jobs.set(job.id, job);
      return;
    }
    if (e.kind === 'JobRemoved') {
      jobs.delete(e.job.id);
      if (e.job.type === 'start' && indexOf(e.job.unit) >= 0) startResults.push(`${e.job.id} ${e.job.unit} ${e.result}: ${e.cause.text}`);
    }
  };
  const checkFifo = (j: LiveJob): void => {
    for (const e of jobs.values()) {
      if (e.id >= j.id || e.type !== 'start' || e.state !== 'waiting' || !shares(e.unit, j.unit)) continue;
      if (!orderBlocked(e) && !heldByOther(e.unit)) {
        assert.fail(`start job ${j.id} of ${name(j.unit)} ran before the earlier job ${e.id} of ${name(e.unit)}, which nothing held back`);
      }
    }
  };

  const sim = new Sim({ files });
  const emit = sim.events.push.bind(sim.events);
  sim.events.push = (...es: EngineEvent[]): number => { for (const e of es) onEvent(e); return emit(...es); };
  for (const step of w.steps) {
    const r = sim.enqueue(name(step.unit), step.type, step.mode);
    if (r.ok && step.mode === 'ignore-dependencies') ignoreOrder.add(r.value.job);
    sim.runFor(step.wait);
  }
  sim.runFor(60);
  // Holders that never end by themselves are stopped, one round at a time (the stop replaces a
  // start job of the holder itself, which may wait for ordering on a member that waits for the
  // holder). A deadlock would leave jobs behind no matter how many rounds.
  for (let round = 0; round <= w.units.length && sim.manager.listJobs().length > 0; round++) {
    for (const [i, u] of w.units.entries()) {
      if ((u.kind === 'daemon' || u.kind === 'remain') && !isDown(states.get(i))) sim.enqueue(name(i), 'stop');
    }
    sim.runFor(60);
  }
  assert.deepEqual(sim.manager.listJobs(), [], 'jobs left behind');
  for (const r of startResults) assert.match(r, / (done|canceled): /, `a start job ended badly: ${r}`);
}

const seed = process.env['UNITD_SEED'] !== undefined ? Number(process.env['UNITD_SEED']) : undefined;
const path = process.env['UNITD_PATH'];
const numRuns = Number(process.env['UNITD_RUNS'] ?? 300);

test('Exclusive= groups: mutual exclusion, FIFO and no job left behind over random worlds', () => {
  const params = { numRuns, ...(seed !== undefined ? { seed } : {}), ...(path !== undefined ? { path } : {}) };
  const out = fc.check(fc.property(world, (w) => { check(w); }), params);
  if (out.failed) {
    const replay = `UNITD_SEED=${out.seed} UNITD_PATH=${out.counterexamplePath ?? ''}`;
    assert.fail(`${String(out.errorInstance)}\nreplay with: ${replay}\ncounterexample: ${JSON.stringify(out.counterexample)}`);
  }
});
