import test from 'node:test';
import assert from 'node:assert/strict';
import { formatSignal, parseSignal, signalShortName } from '../../../src/engine/signals.ts';

test('parseSignal reads names, SIG names and numbers', () => {
  const rows: [string, number | null][] = [
    ['TERM', 15], ['SIGTERM', 15], ['15', 15], ['HUP', 1], ['SIGKILL', 9], ['SYS', 31], ['SIGRTMIN', 34], ['RTMIN+3', 37],
    ['RTMAX', 64], ['RTMAX-1', 63], ['IOT', 6], ['0', null], ['65', null], ['FOO', null], ['term', null], ['RTMIN+40', null],
  ];
  for (const [text, want] of rows) assert.equal(parseSignal(text), want, text);
});

test('formatSignal and names round-trip for 1…64 except the unnamed 32 and 33', () => {
  for (let n = 1; n <= 64; n++) {
    const name = signalShortName(n);
    if (n === 32 || n === 33) { assert.equal(name, null); assert.equal(formatSignal(n), String(n)); continue; }
    assert.equal(parseSignal(name!), n);
    assert.equal(parseSignal(formatSignal(n)), n);
  }
  assert.equal(formatSignal(15), 'SIGTERM');
});
