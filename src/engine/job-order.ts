// Which installed jobs wait for which (list-jobs --before/--after), after job_get_before() and
// job_get_after() in systemd's job.c. Read-only: the run queue decides with isRunnable().
import { isStopLike } from './job-tables.ts';
import type { Job } from './job.ts';
import type { EngineState } from './engine-state.ts';

const ordered = (j: Job): boolean => j.type !== 'nop' && !j.ignoreOrder;

/** Jobs that must finish before `job` may run: After= neighbours' jobs for a start-like job, Before= neighbours' stop jobs. */
export function jobsWaitedFor(s: EngineState, job: Job): Job[] {
  if (!ordered(job)) return [];
  const deps = s.graph.kindsOf(job.unit.id);
  const out: Job[] = [];
  const after = isStopLike(job.type) ? undefined : deps.get('After');
  if (after) for (const other of after) {
    const o = s.units.get(other)?.job;
    if (o && ordered(o)) out.push(o);
  }
  const before = deps.get('Before');
  if (before) for (const other of before) {
    const o = s.units.get(other)?.job;
    if (o && ordered(o) && isStopLike(o.type) && !out.includes(o)) out.push(o);
  }
  return out;
}

/** Jobs that wait for `job`: the converse of jobsWaitedFor over the unit's ordering neighbours. */
export function jobsBlockedBy(s: EngineState, job: Job): Job[] {
  if (!ordered(job)) return [];
  const deps = s.graph.kindsOf(job.unit.id);
  const out: Job[] = [];
  for (const kind of ['Before', 'After'] as const) {
    for (const other of deps.get(kind) ?? []) {
      const o = s.units.get(other)?.job;
      if (o && !out.includes(o) && jobsWaitedFor(s, o).includes(job)) out.push(o);
    }
  }
  return out;
}
