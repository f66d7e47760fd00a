// The forced shutdown's last phase: SIGTERM (+SIGCONT) to every group, wait while any is alive,
// SIGKILL the rest; an abort cuts the wait short. Driven by a scripted set of groups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants } from 'node:os';
import { SHUTDOWN_RANK, terminateAll, type ProcessGroups } from '../../../src/daemon/shutdown.ts';

const { SIGTERM, SIGCONT, SIGKILL } = constants.signals;

/** Groups that die `dieAfterPolls` existence checks after SIGTERM (never: Infinity). */
function groups(n: number, dieAfterPolls: number): ProcessGroups & { sent: number[] } {
  let alive = n;
  let polls = 0;
  const sent: number[] = [];
  return {
    sent,
    killAll(signal = SIGKILL) {
      sent.push(signal);
      const count = alive;
      if (signal === 0 && ++polls >= dieAfterPolls) alive = 0;
      if (signal === SIGKILL) alive = 0;
      return count;
    },
  };
}

test('groups that end on SIGTERM are not SIGKILLed', async () => {
  const g = groups(2, 2);
  assert.equal(await terminateAll(g, { graceMs: 10_000 }), 0);
  assert.deepEqual(g.sent, [SIGTERM, SIGCONT, 0, 0, 0, SIGKILL]);
});

test('groups that ignore SIGTERM are SIGKILLed after the grace, or at once when aborted', async () => {
  const g = groups(3, Number.POSITIVE_INFINITY);
  assert.equal(await terminateAll(g, { graceMs: 250 }), 3);
  assert.equal(g.sent.at(-1), SIGKILL);
  const aborted = groups(1, Number.POSITIVE_INFINITY);
  const abort = new AbortController();
  abort.abort();
  assert.equal(await terminateAll(aborted, { graceMs: 60_000, abort: abort.signal }), 1);
  assert.deepEqual(aborted.sent, [SIGTERM, SIGCONT, 0, SIGKILL]);
});

test('nothing to end: no waiting, no SIGKILL victims', async () => {
  const g = groups(0, 1);
  assert.equal(await terminateAll(g, { graceMs: 60_000 }), 0);
  assert.deepEqual(g.sent, [SIGTERM, SIGKILL]);
});

test('only a harsher mode escalates', () => {
  assert.ok(SHUTDOWN_RANK.orderly < SHUTDOWN_RANK.force && SHUTDOWN_RANK.force < SHUTDOWN_RANK.immediate);
});
