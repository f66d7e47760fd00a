// Clock and TimerService over setTimeout: firing, re-arming, cancelling, infinity, long delays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClock, NodeTimerService, watchClockJumps } from '../../../src/daemon/clock.ts';
import type { Input } from '../../../src/engine/inputs.ts';
import { waitFor } from './helpers.ts';

test('the monotonic clock is in µs and does not go backwards; realtime is epoch µs', async () => {
  const c = createClock();
  const a = c.now();
  await sleep(20);
  const b = c.now();
  assert.ok(b - a >= 15_000, `advanced ${b - a} µs`);
  assert.ok(Math.abs(c.realtime() - Date.now() * 1000) < 5_000_000);
});

test('a timer fires once as TimerFired; re-arming replaces; cancel prevents firing', async () => {
  const clock = createClock();
  const fired: Input[] = [];
  const t = new NodeTimerService(clock, (i) => fired.push(i));
  t.arm('a', clock.now() + 30_000);
  t.arm('b', clock.now() + 30_000);
  t.arm('b', clock.now() + 60_000); // replaces the first b
  t.arm('c', clock.now() + 30_000);
  t.cancel('c');
  assert.ok(await waitFor(() => fired.length >= 2));
  await sleep(200);
  assert.deepEqual(fired, [{ kind: 'TimerFired', id: 'a' }, { kind: 'TimerFired', id: 'b' }]);
  assert.equal(t.size, 0);
});

test('a timer in the past fires promptly; infinity and far-future timers do not fire', async () => {
  const clock = createClock();
  const fired: string[] = [];
  const t = new NodeTimerService(clock, (i) => { if (i.kind === 'TimerFired') fired.push(i.id); });
  t.arm('inf', Number.POSITIVE_INFINITY);
  t.arm('far', clock.now() + 2 ** 33 * 1000); // beyond setTimeout's 2^31-1 ms limit
  t.arm('past', clock.now() - 1_000_000);
  await sleep(200);
  assert.deepEqual(fired, ['past']);
  assert.equal(t.size, 1, 'only the far timer stays armed');
  t.cancelAll();
  assert.equal(t.size, 0);
});

test('a wall-clock jump against the monotonic clock becomes ClockChanged; steady clocks stay quiet', async () => {
  let mono = 1_000_000;
  let jump = 0;
  const clock = { now: () => mono, realtime: () => 1_700_000_000_000_000 + mono + jump };
  const seen: Input[] = [];
  const stop = watchClockJumps(clock, (i) => seen.push(i), { intervalMs: 20 });
  try {
    mono += 500_000;
    await sleep(80);
    assert.deepEqual(seen, []);
    jump = -3_600_000_000;
    assert.ok(await waitFor(() => seen.length === 1));
    await sleep(80);
    assert.deepEqual(seen, [{ kind: 'ClockChanged' }]);
  } finally {
    stop();
  }
});
