// The journal: priorities from `<N>` prefixes, bounded rotation, reading back after a reopen
// (a daemon restart), --since and -n, and followers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, splitPriority } from '../../../src/daemon/journal.ts';
import { parseSince, shortLine } from '../../../src/client/log-format.ts';

const line = (text: string, stream: 'stdout' | 'stderr' = 'stdout') => ({ pid: 42, stream, identifier: 'web', text });

test('splitPriority: <N> prefixes set the priority, everything else is info', () => {
  assert.deepEqual(splitPriority('<3>boom'), { priority: 3, message: 'boom' });
  assert.deepEqual(splitPriority('plain'), { priority: 6, message: 'plain' });
  assert.deepEqual(splitPriority('<9>not a prefix'), { priority: 6, message: '<9>not a prefix' });
});

test('lines survive a reopen; -n and --since select; stderr keeps its stream', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unitd-journal-'));
  let t = 1000;
  const j = new Journal({ dir, now: () => t++ });
  for (let i = 0; i < 5; i++) j.line('web.service', line(`line ${i}`));
  j.line('web.service', line('<4>careful', 'stderr'));
  j.line('other.service', line('elsewhere'));
  j.close();
  const again = new Journal({ dir, now: () => t++ });
  const all = again.read('web.service');
  assert.deepEqual(all.map((e) => e.message), ['line 0', 'line 1', 'line 2', 'line 3', 'line 4', 'careful']);
  assert.deepEqual(all.at(-1), { ts: 1005, unit: 'web.service', pid: 42, stream: 'stderr', priority: 4, identifier: 'web', message: 'careful' });
  assert.deepEqual(again.read('web.service', { lines: 2 }).map((e) => e.message), ['line 4', 'careful']);
  assert.deepEqual(again.read('web.service', { since: 1003 }).map((e) => e.message), ['line 3', 'line 4', 'careful']);
  assert.deepEqual(again.read('nothing.service'), []);
  again.close();
  rmSync(dir, { recursive: true, force: true });
});

test('rotation bounds the files per unit and keeps the newest lines in order', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unitd-journal-'));
  const j = new Journal({ dir, maxFileBytes: 300, keepFiles: 2 });
  for (let i = 0; i < 200; i++) j.line('big.service', line(`message number ${i}`));
  const files = readdirSync(dir).sort();
  assert.ok(files.includes('big.service.jsonl.2') && files.every((f) => /^big\.service\.jsonl(\.[12])?$/.test(f)), files.join());
  const kept = j.read('big.service').map((e) => Number(e.message.split(' ')[2]));
  assert.ok(kept.length > 0 && kept.length < 200);
  assert.equal(kept.at(-1), 199);
  assert.deepEqual(kept, [...kept].sort((a, b) => a - b));
  j.close();
  rmSync(dir, { recursive: true, force: true });
});

test('followers see new lines of their unit until they stop; forward sees everything', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unitd-journal-'));
  const forwarded: string[] = [];
  const j = new Journal({ dir, forward: (e) => forwarded.push(`${e.unit}:${e.message}`) });
  const seen: string[] = [];
  const stop = j.follow('a.service', (e) => seen.push(e.message));
  j.line('a.service', line('one'));
  j.line('b.service', line('two'));
  stop();
  j.line('a.service', line('three'));
  assert.deepEqual(seen, ['one']);
  assert.deepEqual(forwarded, ['a.service:one', 'b.service:two', 'a.service:three']);
  j.close();
  rmSync(dir, { recursive: true, force: true });
});

test('client formatting: short lines and --since forms', () => {
  const ts = new Date(2024, 0, 5, 9, 8, 7).getTime() * 1000;
  assert.equal(shortLine({ ts, unit: 'a.service', pid: 7, stream: 'stdout', priority: 6, identifier: 'a', message: 'hi' }, 'box'), 'Jan 05 09:08:07 box a[7]: hi');
  const now = new Date(2024, 0, 5, 12, 0, 0).getTime();
  assert.equal(parseSince('-5min', now), (now - 300_000) * 1000);
  assert.equal(parseSince('1h 30min ago', now), (now - 5_400_000) * 1000);
  assert.equal(parseSince('@10', now), 10_000_000);
  assert.equal(parseSince('2024-01-05 11:00', now), new Date(2024, 0, 5, 11, 0, 0).getTime() * 1000);
  assert.equal(parseSince('10:30', now), new Date(2024, 0, 5, 10, 30, 0).getTime() * 1000);
  assert.equal(parseSince('yesterday', now), new Date(2024, 0, 4).getTime() * 1000);
  assert.equal(parseSince('soon', now), null);
});
