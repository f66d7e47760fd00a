// Golden traces (STYLE §6): three canonical conformance scenarios replayed in virtual time, their
// whole input/effect/event trace compared with the recording in test/golden/NAME.trace, so a
// diff shows exactly which behaviour changed. After an intended change, re-record with
// UNITD_UPDATE_GOLDEN=1 node --test test/golden/golden.test.ts and review the diff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { replay } from '../sim/conformance/replay.ts';

const CANONICAL = [
  'seed-stop-canceled-by-start',        // a running stop replaced by a start; ExecStop finishes first
  'jobs-restart-during-start',          // restart merged into a running start job, same job id
  'dep-requires-after-failing-unit',    // failure propagation: result dependency with its cause
] as const;

for (const name of CANONICAL) {
  test(`golden trace ${name}`, async () => {
    const { sim } = await replay(name);
    const actual = sim.trace;
    const file = join(import.meta.dirname, `${name}.trace`);
    if (process.env['UNITD_UPDATE_GOLDEN'] === '1') writeFileSync(file, `${actual.join('\n')}\n`);
    assert.ok(existsSync(file), `no recording ${file}; record it with UNITD_UPDATE_GOLDEN=1`);
    const expected = readFileSync(file, 'utf8').replace(/\n$/, '').split('\n');
    assert.deepEqual(actual, expected);
  });
}
