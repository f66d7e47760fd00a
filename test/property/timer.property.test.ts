// Properties of timers: AccuracySec= coalescing always wakes inside [elapse, elapse + accuracy]
// and is the same for every timer whose window contains the shared spot; in simulation, a
// repeating timer's runs are never earlier than its interval allows and never later than
// interval + accuracy + run time.
import test from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { coalesce } from '../../src/engine/unit-types/timer-schedule.ts';
import { Sim } from '../sim/harness.ts';

const MIN = 60_000_000;

test('coalesce wakes inside the window, and windows sharing a spot wake together', () => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: 2 ** 45 }), fc.integer({ min: 0, max: 2 * MIN }), fc.integer({ min: 0, max: MIN - 1 }),
    (a, width, perturb) => {
      const c = coalesce(a, a + width, perturb);
      assert.ok(c >= a && c <= a + width, `${c} outside [${a}, ${a + width}]`);
      if (width >= MIN) assert.equal(((c % MIN) + MIN) % MIN, perturb, 'a window of a minute always holds the minute spot');
    },
  ));
});

test('OnUnitActiveSec= runs keep their interval within accuracy, whatever the interval and run time', () => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: 600 }), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 120 }),
    (intervalS, accuracyMs, runS) => {
      const sim = new Sim({ files: {
        '/etc/systemd/system/r.timer': `[Timer]\nOnActiveSec=1s\nOnUnitActiveSec=${intervalS}s\nAccuracySec=${accuracyMs}ms\n`,
        // No start rate limit: five starts in 10 s would otherwise (rightly) pause the service.
        '/etc/systemd/system/r.service': `[Unit]\nStartLimitIntervalSec=0\n[Service]\nType=oneshot\nExecStart=/sim/run sleep=${runS} exit=0\n`,
      } });
      assert.ok(sim.enqueue('r.timer', 'start').ok);
      sim.runFor(Math.max(5 * intervalS, 3 * runS) + 10);
      const starts = sim.trace.filter((l) => l.includes(' spawn #')).map((l) => Number(l.split(' ')[0]));
      assert.ok(starts.length >= 2, `only ${starts.length} runs`);
      for (let i = 1; i < starts.length; i++) {
        const gap = starts[i]! - starts[i - 1]!;
        // The next run waits for the interval after the last start, and for the previous run to end.
        assert.ok(gap >= intervalS - 0.001, `gap ${gap} < interval ${intervalS}`);
        assert.ok(gap <= Math.max(intervalS, runS) + accuracyMs / 1000 + 0.002, `gap ${gap} too long (interval ${intervalS}, run ${runS}, accuracy ${accuracyMs} ms)`);
      }
    },
  ), { numRuns: 40 });
});
