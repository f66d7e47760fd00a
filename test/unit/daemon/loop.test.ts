// The input loop: one item at a time, RPC calls serialised with inputs, dispatch only when idle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Loop } from '../../../src/daemon/loop.ts';
import { StubManager, waitFor } from './helpers.ts';

test('inputs are handled in order and never re-enter the manager', () => {
  const m = new StubManager();
  const loop = new Loop(m, { onError: (err) => { throw err; } });
  // A handler that pushes while handling: the nested push must wait for the outer one.
  const original = m.handle.bind(m);
  m.handle = (input) => {
    original(input);
    if (input.kind === 'TimerFired' && input.id === 'a') loop.push({ kind: 'TimerFired', id: 'b' });
  };
  loop.push({ kind: 'TimerFired', id: 'a' });
  loop.push({ kind: 'UnitFilesChanged' });
  assert.deepEqual(m.inputs.map((i) => i.kind === 'TimerFired' ? i.id : i.kind), ['a', 'b', 'UnitFilesChanged']);
  assert.equal(m.reentered, false);
});

test('call() returns the value, or rejects with what the function threw', async () => {
  const m = new StubManager();
  const loop = new Loop(m, { onError: () => {} });
  assert.equal(await loop.call(() => 42), 42);
  await assert.rejects(loop.call(() => { throw new Error('boom'); }), /boom/);
});

test('queued jobs are dispatched later, after pending inputs, and only once per drain', async () => {
  const m = new StubManager();
  const loop = new Loop(m, { onError: () => {} });
  m.queuedJobs = 1;
  loop.push({ kind: 'UnitFilesChanged' });
  assert.equal(m.dispatches, 0, 'dispatch must not run synchronously with the input');
  loop.push({ kind: 'TimerFired', id: 'x' });
  assert.ok(await waitFor(() => m.dispatches === 1));
  const order = m.calls.map((c) => c.method);
  assert.deepEqual(order, ['handle', 'handle', 'dispatch']);
  await new Promise((r) => setImmediate(r));
  assert.equal(m.dispatches, 1);
});

test('an engine exception is reported and the loop carries on', () => {
  const m = new StubManager();
  const errors: string[] = [];
  const loop = new Loop(m, { onError: (_e, what) => errors.push(what) });
  m.handle = () => { throw new Error('bug'); };
  loop.push({ kind: 'UnitFilesChanged' });
  loop.push({ kind: 'UnitFilesChanged' });
  assert.deepEqual(errors, ['handling UnitFilesChanged', 'handling UnitFilesChanged']);
});

test('after stop() nothing reaches the manager', () => {
  const m = new StubManager();
  const loop = new Loop(m, { onError: () => {} });
  loop.stop();
  loop.push({ kind: 'UnitFilesChanged' });
  assert.equal(m.inputs.length, 0);
});
