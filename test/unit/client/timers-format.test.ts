// list-timers and the timer lines of status, in systemctl 252's shapes (recorded on the oracle:
// `NEXT LEFT LAST PASSED UNIT ACTIVATES`, "-" for none, the footer; "Trigger:" / "Triggers:").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TimerSummary, UnitStatus } from '../../../src/engine/api.ts';
import { statusLines } from '../../../src/client/format.ts';
import { listTimersJson, listTimersLines } from '../../../src/client/verbs/list-timers.ts';

process.env.TZ = 'UTC';
const S = 1_000_000;
const NOW = Date.parse('2026-11-22T06:09:41Z') * 1000;
const row = (unit: string, o: Partial<TimerSummary>): TimerSummary => ({
  unit, activeState: 'active', activates: [unit.replace('.timer', '.service')], nextUsec: null, lastUsec: null, ...o,
});

test('list-timers: soonest first, timers without a next elapse last, dashes for none, footer', () => {
  const lines = listTimersLines([
    row('long.timer', { lastUsec: NOW - 1 * S }),
    row('tick.timer', { nextUsec: NOW + 3599 * S, lastUsec: NOW - 1 * S }),
    row('soon.timer', { nextUsec: NOW + 1 * S }),
  ], NOW, { legend: true, all: false });
  assert.deepEqual(lines.map((l) => l.replace(/\s+/g, ' ')), [
    'NEXT LEFT LAST PASSED UNIT ACTIVATES',
    'Sun 2026-11-22 06:09:42 UTC 1s left - - soon.timer soon.service',
    'Sun 2026-11-22 07:09:40 UTC 59min left Sun 2026-11-22 06:09:40 UTC 1s ago tick.timer tick.service',
    '- - Sun 2026-11-22 06:09:40 UTC 1s ago long.timer long.service',
    '',
    '3 timers listed.',
    'Pass --all to see loaded but inactive timers, too.',
  ]);
  assert.equal(lines[0], 'NEXT                        LEFT       LAST                        PASSED UNIT       ACTIVATES');
});

test('list-timers: a waiting timer with nothing armed (next 0) comes first, with dashes', () => {
  const lines = listTimersLines([row('boot.timer', { nextUsec: NOW + 3599 * S }), row('clk.timer', { nextUsec: 0 })], NOW, { legend: false, all: true });
  assert.deepEqual(lines.map((l) => l.replace(/\s+/g, ' ')), ['- - - - clk.timer clk.service', 'Sun 2026-11-22 07:09:40 UTC 59min left - - boot.timer boot.service']);
});

test('list-timers: no rows still prints the header; --all drops the hint; --no-legend only rows', () => {
  assert.deepEqual(listTimersLines([], NOW, { legend: true, all: true }), ['NEXT LEFT LAST PASSED UNIT ACTIVATES', '', '0 timers listed.']);
  assert.deepEqual(listTimersLines([row('a.timer', {})], NOW, { legend: false, all: false }), ['- - - - a.timer a.service']);
});

const status = (extra: Partial<UnitStatus>): UnitStatus => ({
  id: 'tick.timer', loadState: 'loaded', activeState: 'active', subState: 'waiting', description: 'Tick', job: null,
  fragmentPath: '/u/tick.timer', dropInPaths: [], unitFileState: 'static', result: 'success', loadError: null,
  stateSinceUsec: 0, mainPid: 0, processes: [], execLines: [], needDaemonReload: false, ...extra,
});

test('status of a timer: Trigger: with the time left, or n/a; Triggers: with the unit bullet', () => {
  const waiting = statusLines(status({ nextElapseUsec: NOW + 2 * S, triggers: [{ unit: 'tick.service', activeState: 'inactive' }], triggeredBy: [] }), NOW, 'unitctl');
  assert.deepEqual(waiting.slice(2), ['     Active: active (waiting)', '    Trigger: Sun 2026-11-22 06:09:43 UTC; 2s left', '   Triggers: ○ tick.service']);
  const dead = statusLines(status({ activeState: 'inactive', subState: 'dead', nextElapseUsec: null, triggers: [{ unit: 'tick.service', activeState: 'active' }] }), NOW, 'unitctl');
  assert.deepEqual(dead.slice(3), ['    Trigger: n/a', '   Triggers: ● tick.service']);
});

test('status of a triggered service: TriggeredBy: right after Active:', () => {
  const lines = statusLines(status({ id: 'tick.service', subState: 'running', triggeredBy: [{ unit: 'tick.timer', activeState: 'active' }], triggers: [] }), NOW, 'unitctl');
  assert.equal(lines[3], 'TriggeredBy: ● tick.timer');
});

test('list-timers --output=json: table cells as µs, null for no next elapse, 0 for never ran', () => {
  // Recorded: [{"next":0,…,"unit":"clk.timer","activates":"clk.service"},{"next":1795332552382934,…}]
  assert.deepEqual(listTimersJson([row('b.timer', { lastUsec: NOW }), row('a.timer', { nextUsec: NOW + S }), row('c.timer', { nextUsec: 0 })]), [
    { next: 0, left: 0, last: 0, passed: 0, unit: 'c.timer', activates: 'c.service' },
    { next: NOW + S, left: NOW + S, last: 0, passed: 0, unit: 'a.timer', activates: 'a.service' },
    { next: null, left: null, last: NOW, passed: NOW, unit: 'b.timer', activates: 'b.service' },
  ]);
});
