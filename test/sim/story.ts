// Helpers that let simulation tests read like stories: the unit directory, a service file, and
// the job id of a request that must succeed.
import assert from 'node:assert/strict';
import type { Sim } from './harness.ts';

export const U = '/etc/systemd/system';

export const svc = (body: string, unit = ''): string => `[Unit]\n${unit}\n[Service]\n${body}\n`;

export function jobOf(r: ReturnType<Sim['enqueue']>): number {
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value.job;
}
