// Timer arithmetic: sd-event's coalescing (AccuracySec=), the boot-id perturbation, systemd's
// value order, randomized delays, and the one-shot rule of timer_enter_waiting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  coalesce, computeSchedule, fixedDelayHash, perturbFromBootId, randomDelay, timerValues,
} from '../../../../src/engine/unit-types/timer-schedule.ts';
import { UTC_ZONE } from '../../../../src/engine/calendar.ts';
import type { TimerConfig } from '../../../../src/engine/unit-file/config.ts';

const S = 1_000_000;
const MIN = 60 * S;

test('coalesce: the per-boot spot of a minute, then of 10 s, 1 s and 250 ms; else the window end', () => {
  const P = 17 * S + 123_456; // perturbation
  const rows: [string, number, number, number][] = [
    ['the minute spot inside a one-minute window', 100 * S, 160 * S, 120 * S + P],
    ['the minute spot below the end of the window', 61 * S, 80 * S, 60 * S + P],
    ['the minute spot lies past the end: the 10 s spot one step back', 61 * S, 77 * S, 67 * S + 123_456],
    ['a 10 s spot when no minute spot fits', 130 * S, 140 * S, 137 * S + 123_456],
    ['a 1 s spot', 131_000_000, 132_000_000, 131_123_456],
    ['a 250 ms spot', 131_100_000, 131_250_000, 131_123_456],
    ['nothing fits: the end of the window', 131_200_000, 131_201_000, 131_201_000],
    ['an empty window', 5 * S, 5 * S + 1, 5 * S],
    ['time zero', 0, MIN, 0],
  ];
  for (const [what, a, b, want] of rows) assert.equal(coalesce(a, b, P), want, what);
});

test('perturbation: the boot id halves XORed, modulo a minute', () => {
  assert.equal(perturbFromBootId('1'.repeat(32)), 0);
  const id = '0000000000000000' + '00000000000f4240'; // second half 1 000 000
  assert.equal(perturbFromBootId(id), 1_000_000);
  assert.ok(perturbFromBootId('0123456789abcdef0123456789abcdee') < MIN);
});

const config = (o: Partial<TimerConfig>): TimerConfig => ({
  onActiveUsec: [], onBootUsec: [], onStartupUsec: [], onUnitActiveUsec: [], onUnitInactiveUsec: [], onCalendar: [],
  accuracyUsec: MIN, randomizedDelayUsec: 0, persistent: false, remainAfterElapse: true, fixedRandomDelay: false,
  wakeSystem: false, onClockChange: false, onTimezoneChange: false, unit: 'x.service', ...o,
});

test('values come last-parsed first, as systemd prepends them', () => {
  const v = timerValues(config({ onActiveUsec: [S], onUnitActiveUsec: [2 * S, 3 * S], onCalendar: ['daily'] }));
  assert.deepEqual(v.map((x) => [x.base, x.usec]), [['OnCalendar', 0], ['OnUnitActive', 3 * S], ['OnUnitActive', 2 * S], ['OnActive', S]]);
});

test('a one-shot value that elapsed after a trigger is disabled; OnUnitActiveSec= without a unit start is skipped', () => {
  const values = timerValues(config({ onActiveUsec: [S], onUnitActiveUsec: [10 * S] }));
  const base = { startup: { realtime: 1, monotonic: 0 }, zoneOf: () => UTC_ZONE, timeChange: false, unitInactiveEnter: 0 };
  const first = computeSchedule(values, { ...base, now: { realtime: 1e15, monotonic: 5 * S }, activeSince: null, lastTrigger: { realtime: 0, monotonic: 0 }, unitInactiveExit: 0 });
  assert.deepEqual(first, { monotonic: 6 * S, realtime: null, leaveAround: true });
  const later = computeSchedule(values, { ...base, now: { realtime: 1e15, monotonic: 7 * S }, activeSince: { realtime: 1e15, monotonic: 5 * S }, lastTrigger: { realtime: 1e15, monotonic: 6 * S }, unitInactiveExit: 6 * S });
  assert.deepEqual(later, { monotonic: 16 * S, realtime: null, leaveAround: true });
  assert.equal(values.find((v) => v.base === 'OnActive')!.disabled, true);
});

test('random delays stay below the bound; a fixed hash is stable and does not use the generator', () => {
  for (const r of [0, 0.5, 0.999999]) {
    const d = randomDelay(10 * S, { fixedHash: null, random: () => r });
    assert.ok(d >= 0 && d < 10 * S);
  }
  assert.equal(randomDelay(0, { fixedHash: null, random: () => 0.5 }), 0);
  const h = fixedDelayHash('a'.repeat(32), 'x.timer');
  assert.equal(h, fixedDelayHash('a'.repeat(32), 'x.timer'));
  assert.notEqual(h, fixedDelayHash('a'.repeat(32), 'y.timer'));
  assert.equal(randomDelay(10 * S, { fixedHash: h, random: () => { throw new Error('not used'); } }), h % (10 * S));
});
