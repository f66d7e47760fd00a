// --output=json / json-pretty for the query verbs: stable shapes documented in docs/cli-json.md
// and docs/cli-json.schema.json. list-units and list-jobs use systemctl 252's own keys (its table
// JSON: one object per row, lower-case column names); show, status and list-dependencies are ours.
import type { DependencyNode, JobSummary, UnitStatus, UnitSummary } from '../engine/api.ts';
import type { Context } from './context.ts';

/** True when --output asks for JSON (json-sse and json-seq print as json). */
export const wantsJson = (output: string | null): boolean => output !== null && output.startsWith('json');

export function printJson(ctx: Context, value: unknown): void {
  ctx.io.out(ctx.options.output === 'json-pretty' ? JSON.stringify(value, null, 2) : JSON.stringify(value));
}

export interface UnitRowJson { unit: string; load: string; active: string; sub: string; job?: string; description: string }

/** The job column appears only when some unit has a job, as in the table. */
export function listUnitsJson(units: readonly UnitSummary[]): UnitRowJson[] {
  const withJob = units.some((u) => u.job !== null);
  return units.map((u) => ({
    unit: u.id, load: u.loadState, active: u.activeState, sub: u.subState,
    ...(withJob ? { job: u.job?.type ?? '' } : {}), description: u.description,
  }));
}

// `waiting` (unitd extension) appears only on a job held back by an Exclusive= group.
export const listJobsJson = (jobs: readonly JobSummary[]): { job: number; unit: string; type: string; state: string; waiting?: string }[] =>
  [...jobs].sort((a, b) => a.id - b.id).map((j) => ({ job: j.id, unit: j.unit, type: j.type, state: j.state, ...(j.waiting ? { waiting: j.waiting } : {}) }));

/** show: one object per unit, property name → formatted value (the same filtering as the text form). */
export function showJson(props: readonly (readonly [string, string])[], f: { properties: readonly string[]; all: boolean }): Record<string, string> {
  const wanted = new Set(f.properties);
  const out: Record<string, string> = {};
  for (const [k, v] of props) if (wanted.size > 0 ? wanted.has(k) : f.all || v !== '') out[k] = v;
  return out;
}

/** status: the daemon's UnitStatus with its process list, plus the recent log lines when given. */
export const statusJson = (s: UnitStatus): UnitStatus => s;

export const dependencyJson = (n: DependencyNode): DependencyNode => n;
