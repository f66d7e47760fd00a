// systemStateSignal: one read per burst of pokes, a signal when the state differs from the last one sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SystemState } from '../../../src/engine/api.ts';
import { systemStateSignal } from '../../../src/daemon/system-state-signal.ts';

test('coalesces pokes into one read and sends only changes', async () => {
  let state: SystemState = 'starting';
  let reads = 0;
  const sent: SystemState[] = [];
  const poke = systemStateSignal(() => { reads++; return state; }, (s) => sent.push(s));
  assert.equal(reads, 0);
  poke(); poke(); poke();
  await Promise.resolve();
  assert.deepEqual([reads, sent], [1, ['starting']]);
  poke();
  await Promise.resolve();
  assert.deepEqual([reads, sent], [2, ['starting']]);
  state = 'running';
  poke(); poke();
  await Promise.resolve();
  assert.deepEqual([reads, sent], [3, ['starting', 'running']]);
  poke();
  await Promise.resolve();
  assert.deepEqual(sent, ['starting', 'running']);
  state = 'degraded';
  poke();
  await Promise.resolve();
  assert.deepEqual(sent, ['starting', 'running', 'degraded']);
});
