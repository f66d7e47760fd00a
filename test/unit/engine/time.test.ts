import test from 'node:test';
import assert from 'node:assert/strict';
import { civilFromDays, formatTimespan, formatTimestamp, parseTimespan } from '../../../src/engine/time.ts';

const S = 1_000_000;

test('parseTimespan accepts systemd spans', () => {
  const rows: [string, number | null][] = [
    ['5min 20s', 320 * S], ['1h30m', 5400 * S], ['1.5h', 5400 * S], ['500ms', 500_000], ['90', 90 * S], ['0', 0],
    ['infinity', Infinity], [' 2 min ', 120 * S], ['1d', 86_400 * S], ['1w', 7 * 86_400 * S], ['3us', 3], ['1M', 2_629_800 * S],
    ['1y', 31_557_600 * S], ['10 seconds', 10 * S], ['1min30s', 90 * S], ['0.5', S / 2],
    ['', null], ['abc', null], ['-5', null], ['5x', null], ['1h foo', null],
  ];
  for (const [text, want] of rows) assert.equal(parseTimespan(text), want, text);
});

test('formatTimespan prints like systemctl show', () => {
  const rows: [number, string][] = [
    [Infinity, 'infinity'], [0, '0'], [90 * S, '1min 30s'], [100_000, '100ms'], [3600 * S, '1h'], [1.5 * S, '1.500000s'],
    [1500, '1.500ms'], [61.5 * S, '1min 1.500000s'], [10 * S, '10s'], [7, '7us'], [86_400 * S + 1, '1d 1us'],
  ];
  for (const [usec, want] of rows) assert.equal(formatTimespan(usec), want, String(usec));
});

test('formatTimestamp converts civil dates in UTC', () => {
  assert.equal(formatTimestamp(0), 'Thu 1970-01-01 00:00:00 UTC');
  assert.equal(formatTimestamp(1_795_317_754 * S), 'Sun 2026-11-22 03:22:34 UTC');
  assert.equal(formatTimestamp(951_782_400 * S), 'Tue 2000-02-29 00:00:00 UTC');
  assert.equal(formatTimestamp(0, { offsetUsec: 3600 * S, zone: 'CET' }), 'Thu 1970-01-01 01:00:00 CET');
});

test('civilFromDays agrees with a day-by-day count over 1000 years', () => {
  const dim = (y: number, m: number): number => [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  let y = 1970, m = 1, d = 1;
  for (let days = 0; days < 365 * 1000; days += 1) {
    if (days % 97 === 0) assert.deepEqual(civilFromDays(days), { year: y, month: m, day: d });
    if (++d > dim(y, m)) { d = 1; if (++m > 12) { m = 1; y++; } }
  }
});
