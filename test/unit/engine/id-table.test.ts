// The id tables (installed jobs, live processes): lookups, id order, and that an old record that
// never goes keeps the table small while many younger ones come and go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdTable } from '../../../src/engine/id-table.ts';
import { JobTable } from '../../../src/engine/job-table.ts';
import type { Job } from '../../../src/engine/job.ts';

const job = (id: number): Job => ({ id } as Job);
const ids = (t: JobTable): number[] => t.list().map((j) => j.id);

test('get, delete and size follow adds and deletes; unknown ids are absent', () => {
  const t = new JobTable();
  for (let id = 1; id <= 5; id++) t.add(job(id));
  t.delete(2);
  t.delete(2);
  t.delete(99);
  assert.equal(t.size, 4);
  assert.equal(t.get(2), undefined);
  assert.equal(t.get(3)?.id, 3);
  assert.equal(t.get(0), undefined);
  assert.equal(t.get(Number.NaN), undefined);
  assert.deepEqual(ids(t), [1, 3, 4, 5]);
});

test('a job added after a younger one is found and listed in id order, also once the window moved past it', () => {
  const t = new JobTable();
  t.add(job(2));
  t.add(job(1));
  assert.equal(t.get(1)?.id, 1);
  assert.deepEqual(ids(t), [1, 2]);
  t.delete(1);
  t.delete(2);
  t.add(job(4000));
  for (let id = 4001; id <= 6000; id++) t.add(job(id));
  for (let id = 4001; id <= 6000; id++) t.delete(id);
  t.add(job(3));
  assert.equal(t.get(3)?.id, 3);
  assert.equal(t.get(4000)?.id, 4000);
  assert.deepEqual(ids(t), [3, 4000]);
  t.delete(3);
  assert.equal(t.size, 1);
});

test('an old job that stays: younger jobs churn, lookups and id order hold, the window stays bounded', () => {
  const t = new JobTable();
  t.add(job(1));
  let next = 2;
  for (let round = 0; round < 200; round++) {
    const batch: number[] = [];
    for (let k = 0; k < 500; k++) { t.add(job(next)); batch.push(next++); }
    // Ends out of order, keeping one in every 250 for a while.
    for (const id of batch.reverse()) if (id % 250 !== 0) t.delete(id);
  }
  const kept = [1, ...Array.from({ length: Math.floor((next - 1) / 250) }, (_, i) => (i + 1) * 250)];
  assert.equal(t.size, kept.length);
  assert.deepEqual(ids(t), kept);
  assert.equal(t.get(1)?.id, 1);
  assert.equal(t.get(500)?.id, 500);
  assert.equal(t.get(501), undefined);
  const slots = (t as unknown as { slots: unknown[] }).slots.length;
  assert.ok(slots <= 16 * t.size + 2048, `window of ${slots} slots for ${t.size} jobs`);
  for (const id of kept) t.delete(id);
  assert.equal(t.size, 0);
  assert.deepEqual(ids(t), []);
});

test('IdTable: set on a live id replaces without counting twice; delete says whether there was a record', () => {
  const t = new IdTable<string>();
  t.set(1, 'a');
  t.set(1, 'b');
  assert.equal(t.size, 1);
  assert.equal(t.get(1), 'b');
  assert.equal(t.delete(1), true);
  assert.equal(t.delete(1), false);
  assert.equal(t.delete(7), false);
  assert.equal(t.size, 0);
});

test('IdTable: long-lived records among many short-lived ones stay found after the window moves', () => {
  const t = new IdTable<number>();
  const kept: number[] = [];
  for (let id = 1; id <= 50_000; id++) {
    t.set(id, id);
    if (id % 997 === 0) kept.push(id); // a service's main process, say: it stays
    if (id > 10 && (id - 10) % 997 !== 0) t.delete(id - 10);
  }
  for (const id of kept) assert.equal(t.get(id), id);
  assert.equal(t.get(500), undefined);
  for (const id of kept) t.set(id, -id);
  assert.equal(t.get(kept[0]!), -kept[0]!);
  const all: number[] = [];
  t.forEach((v) => all.push(v));
  assert.equal(t.size, all.length);
  const live = [...new Set([...kept, ...Array.from({ length: 10 }, (_, k) => 49_991 + k)])].sort((a, b) => a - b);
  assert.deepEqual(all.map(Math.abs), live, 'in id order');
});
