// UnitTracker on hand-made process tables: membership by group, session, parent link and, for
// orphans re-parented to us, INVOCATION_ID; pid reuse and forgetting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProcStat } from '../../../src/daemon/proc.ts';
import { UnitTracker } from '../../../src/daemon/unit-tracker.ts';

const SELF = 1;
const ID = 'a'.repeat(32);
const p = (pid: number, ppid: number, pgrp: number, session: number, startTime = pid * 10, state = 'S'): ProcStat => ({ pid, ppid, pgrp, session, startTime, state });

function tracker(environ: Record<number, string> = {}) {
  const reads: number[] = [];
  const t = new UnitTracker({ selfPid: SELF, orphansComeHere: true, readEnviron: (pid) => { reads.push(pid); return environ[pid] ?? null; } });
  return { t, reads };
}
const pids = (m: Map<string, ProcStat[]>, unit: string): number[] => (m.get(unit) ?? []).map((x) => x.pid).sort((a, b) => a - b);

test('a setsid() child seen while its parent lives stays the unit’s after the parent exits, with its own children', () => {
  const { t } = tracker();
  t.addLeader('web.service', 100, ID);
  // 100 forked 101, which called setsid(): new group and session 101.
  assert.deepEqual(pids(t.scan([p(SELF, 0, 0, 0), p(100, SELF, 100, 100), p(101, 100, 101, 101)]), 'web.service'), [100, 101]);
  // The parent exited: 101 is re-parented to us and forked a worker in its group.
  assert.deepEqual(pids(t.scan([p(SELF, 0, 0, 0), p(101, SELF, 101, 101), p(102, 101, 101, 101)]), 'web.service'), [101, 102]);
  // A worker that also left the group is still found through its parent.
  assert.deepEqual(pids(t.scan([p(101, SELF, 101, 101), p(103, 101, 103, 103)]), 'web.service'), [101, 103]);
});

test('an orphan never seen before is claimed by the INVOCATION_ID in its environment, foreign ones are read once', () => {
  const { t, reads } = tracker({ 201: `PATH=/bin\0INVOCATION_ID=${ID}\0`, 301: 'PATH=/bin\0' });
  t.addLeader('db.service', 200, ID);
  const table = [p(SELF, 0, 0, 0), p(201, SELF, 201, 201), p(202, 201, 201, 201), p(301, SELF, 301, 301)];
  const m = t.scan(table);
  assert.deepEqual(pids(m, 'db.service'), [201, 202]);
  t.scan(table);
  assert.deepEqual(reads, [201, 301]);
  // Processes that are not orphans of ours are never read.
  t.scan([p(401, 77, 401, 401)]);
  assert.deepEqual(reads, [201, 301]);
});

test('zombies and reused pids are not members; forget() drops groups and sessions', () => {
  const { t } = tracker();
  t.addLeader('a.service', 100, undefined);
  assert.deepEqual(pids(t.scan([p(100, SELF, 100, 100), p(101, 100, 101, 101)]), 'a.service'), [100, 101]);
  // 101 died and its pid came back for an unrelated process (other start time, other parent).
  assert.deepEqual(pids(t.scan([p(100, SELF, 100, 100, 1000, 'Z'), p(101, 50, 50, 50, 9999)]), 'a.service'), []);
  t.forget('a.service');
  assert.equal(t.scan([p(100, SELF, 100, 100, 5)]).has('a.service'), false);
});

test('the daemon itself is never a member, even in a member’s session', () => {
  const { t } = tracker();
  t.addLeader('a.service', SELF, undefined);
  assert.deepEqual(pids(t.scan([p(SELF, 0, SELF, SELF)]), 'a.service'), []);
});
