// Every public conformance scenario replayed in virtual time (test/sim/conformance/replay.ts):
// the real Manager and the real unitctl code; the normalised transcript must equal systemd 252's
// golden one byte for byte: client output and exit codes, unit states, and the effects the
// units' commands left in their marker files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, normalise, replay, scenarioNames } from './conformance/replay.ts';

/** Scenarios that need a unit type the engine does not have yet, with the type. */
const NEEDS_TYPE: Record<string, string> = { 'socket-activation': 'socket', 'timer-onactivesec': 'timer' };

for (const name of scenarioNames()) {
  const needs = NEEDS_TYPE[name];
  const missing = needs !== undefined && !isImplemented(needs);
  test(`conformance ${name}`, { skip: missing ? `the ${needs} unit type does not exist in the engine yet` : false }, async () => {
    const expected = readFileSync(join(FIXTURES, name, 'expected.txt'), 'utf8').replace(/\n$/, '').split('\n').map(normalise);
    const { transcript } = await replay(name);
    assert.deepEqual(transcript, expected);
  });
}

/** A unit type exists once its state machine module does (src/engine/unit-types/TYPE.ts). */
function isImplemented(type: string): boolean {
  return existsSync(join(import.meta.dirname, `../../src/engine/unit-types/${type}.ts`));
}
