// Properties of calendar events: the next elapse is strictly after the base, its wall-clock
// fields (in the zone's offset) satisfy every generated field, and no match is skipped before it.
import test from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fixedOffsetZone, formatCalendar, nextElapse, parseCalendar } from '../../src/engine/calendar.ts';

type Item = { start: number; stop: number | null; repeat: number };
type Chain = Item[] | null;

const item = (lo: number, hi: number): fc.Arbitrary<Item> =>
  fc.tuple(fc.integer({ min: lo, max: hi }), fc.integer({ min: lo, max: hi }), fc.option(fc.integer({ min: 1, max: Math.max(1, hi - lo) }), { nil: null }), fc.boolean())
    .map(([a, b, r, range]) => ({ start: Math.min(a, b), stop: range ? Math.max(a, b) : null, repeat: r ?? (range ? 1 : 0) }));
const chain = (lo: number, hi: number): fc.Arbitrary<Chain> => fc.option(fc.array(item(lo, hi), { minLength: 1, maxLength: 3 }), { nil: null, freq: 3 });

const text = (c: Chain): string => c === null ? '*'
  : c.map((x) => `${x.start}${x.stop !== null ? `..${x.stop}` : ''}${x.repeat > 0 && !(x.stop !== null && x.repeat === 1) ? `/${x.repeat}` : ''}`).join(',');
const has = (c: Chain, v: number): boolean => c === null || c.some((x) =>
  v >= x.start && (x.stop === null || v <= x.stop) && (x.repeat > 0 ? (v - x.start) % x.repeat === 0 : v === x.start));

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const spec = fc.record({
  weekdays: fc.option(fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }), { nil: null }),
  year: fc.option(fc.array(item(2024, 2032), { minLength: 1, maxLength: 2 }), { nil: null }),
  month: chain(1, 12), day: chain(1, 31), hour: chain(0, 23), minute: chain(0, 59), second: chain(0, 59),
  offsetQuarters: fc.integer({ min: -48, max: 56 }),
});
const base = fc.integer({ min: Date.UTC(2024, 0, 1) / 1000, max: Date.UTC(2027, 0, 1) / 1000 }).chain((s) =>
  fc.integer({ min: 0, max: 999_999 }).map((us) => s * 1e6 + us));

test('nextElapse is strictly after the base, matches every field and skips nothing', () => {
  fc.assert(fc.property(spec, base, fc.double({ min: 0, max: 1, noNaN: true }), (g, after, frac) => {
    const expr = `${g.weekdays ? `${g.weekdays.map((d) => DAYS[d]).join(',')} ` : ''}${text(g.year)}-${text(g.month)}-${text(g.day)} ${text(g.hour)}:${text(g.minute)}:${text(g.second)}`;
    const parsed = parseCalendar(expr);
    // systemd refuses a one-value range of seconds without a step (`25..25`: below its 1s granularity).
    if (g.second?.some((x) => x.stop === x.start && x.repeat === 1)) { assert.equal(parsed.ok, false, expr); return; }
    assert.ok(parsed.ok, expr);
    const zone = fixedOffsetZone(g.offsetQuarters * 900);
    const next = nextElapse(parsed.value, after, zone);
    if (next === null) return;
    assert.ok(next > after, expr);
    const wall = new Date(Math.floor(next / 1000) + g.offsetQuarters * 900_000);
    const weekday = (wall.getUTCDay() + 6) % 7;
    assert.equal(next % 1e6, 0, `${expr}: whole seconds only`);
    assert.ok(g.weekdays === null || g.weekdays.includes(weekday), `${expr}: weekday ${weekday}`);
    assert.ok(has(g.year, wall.getUTCFullYear()), `${expr}: year`);
    assert.ok(has(g.month, wall.getUTCMonth() + 1), `${expr}: month`);
    assert.ok(has(g.day, wall.getUTCDate()), `${expr}: day`);
    assert.ok(has(g.hour, wall.getUTCHours()), `${expr}: hour`);
    assert.ok(has(g.minute, wall.getUTCMinutes()), `${expr}: minute`);
    assert.ok(has(g.second, wall.getUTCSeconds()), `${expr}: second`);
    // Nothing matches in between: any base inside (after, next) leads to the same elapse.
    const mid = after + Math.floor((next - after - 1) * frac);
    assert.equal(nextElapse(parsed.value, mid, zone), next, `${expr}: from ${mid}`);
    // The normalized form describes the same schedule.
    const again = parseCalendar(formatCalendar(parsed.value));
    assert.ok(again.ok);
    assert.equal(nextElapse(again.value, after, zone), next);
  }), { numRuns: 400 });
});

test('nextElapse never returns a time at or before the base, even right at a match', () => {
  fc.assert(fc.property(fc.constantFrom('minutely', 'hourly', 'daily', 'weekly', 'monthly', 'quarterly', '*:*:0/0.5', '*-*~01'), base, (expr, after) => {
    const r = parseCalendar(expr);
    assert.ok(r.ok);
    const n = nextElapse(r.value, after);
    assert.ok(n !== null && n > after);
    assert.equal(nextElapse(r.value, n - 1), n);
    assert.ok(nextElapse(r.value, n)! > n);
  }), { numRuns: 300 });
});
