// Prometheus text exposition (format 0.0.4) of the manager: system state, unit states, restarts,
// finished-job counters, and CPU time and resident memory of each unit's live processes, read
// from /proc in one scan. Formatting and /proc reading only; the HTTP server serves it.
import { readFileSync } from 'node:fs';
import { SYSTEM_STATES, type SystemState, type UnitSummary } from '../engine/api.ts';
import type { EngineEvent } from '../engine/events.ts';
import type { ManagerApi } from '../engine/manager-api.ts';
import { ACTIVE_STATES, type Pid } from '../engine/types.ts';
import { isDead, listProcesses, type ProcStat } from './proc.ts';
import type { UnitGroups } from './unit-processes.ts';

/** Linux reports utime/stime in USER_HZ, which is 100 on every architecture Node runs on. */
const USER_HZ = 100;

/** What the manager tells in one loop turn. */
export interface ManagerSnapshot {
  readonly state: SystemState;
  readonly units: readonly UnitSummary[];
  /** NRestarts= of each service. */
  readonly restarts: ReadonlyMap<string, number>;
  readonly jobsQueued: number;
}

export interface UnitUsage {
  readonly cpuSeconds: number;
  readonly rssBytes: number;
  readonly processes: number;
}

/** One loop turn's view of the manager for /metrics: loaded units and the services' restart counts. */
export function managerSnapshot(manager: ManagerApi): ManagerSnapshot {
  const units = manager.listUnits({ all: true }).filter((u) => u.loadState === 'loaded');
  const restarts = new Map<string, number>();
  for (const u of units) {
    if (!u.id.endsWith('.service')) continue;
    const r = manager.unitProperties(u.id, ['NRestarts']);
    const n = r.ok ? Number(r.value.properties[0]?.[1]) : Number.NaN;
    if (Number.isFinite(n)) restarts.set(u.id, n);
  }
  return { state: manager.systemState().state, units, restarts, jobsQueued: manager.listJobs().length };
}

/** Counts finished jobs by type and result since the daemon started. */
export class JobCounters {
  private readonly counts = new Map<string, number>();

  observe(event: EngineEvent): void {
    if (event.kind !== 'JobRemoved') return;
    const key = `${event.job.type}\0${event.result}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  entries(): [type: string, result: string, count: number][] {
    return [...this.counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, n]) => {
      const [type = '', result = ''] = k.split('\0');
      return [type, result, n];
    });
  }
}

function readUsage(pid: Pid): { cpu: number; rss: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpu = (Number(rest[11]) + Number(rest[12])) / USER_HZ;  // fields 14 and 15: utime, stime
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
    return { cpu: Number.isFinite(cpu) ? cpu : 0, rss: kb === undefined ? 0 : Number(kb) * 1024 };
  } catch {
    return null;  // ended while we looked
  }
}

/** Live processes of each unit (its process groups and adopted PIDs), summed, in one /proc scan. */
export function unitUsage(units: ReadonlyMap<string, UnitGroups>, procs: readonly ProcStat[] = listProcesses()): Map<string, UnitUsage> {
  const byGroup = new Map<Pid, string>();
  const byPid = new Map<Pid, string>();
  for (const [unit, g] of units) {
    for (const pgrp of g.groups) byGroup.set(pgrp, unit);
    for (const pid of g.adopted) byPid.set(pid, unit);
  }
  const out = new Map<string, { cpuSeconds: number; rssBytes: number; processes: number }>();
  for (const p of procs) {
    const unit = byPid.get(p.pid) ?? byGroup.get(p.pgrp);
    if (unit === undefined || isDead(p)) continue;
    const u = readUsage(p.pid);
    if (!u) continue;
    const acc = out.get(unit) ?? { cpuSeconds: 0, rssBytes: 0, processes: 0 };
    acc.cpuSeconds += u.cpu;
    acc.rssBytes += u.rss;
    acc.processes += 1;
    out.set(unit, acc);
  }
  return out;
}

const escapeLabel = (v: string): string => v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
const labels = (l: Record<string, string>): string => `{${Object.entries(l).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;

/** The /metrics body. */
export function renderMetrics(m: ManagerSnapshot, jobs: JobCounters, usage: ReadonlyMap<string, UnitUsage>): string {
  const lines: string[] = [];
  const family = (name: string, type: 'gauge' | 'counter', help: string, samples: readonly [Record<string, string>, number][]): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [l, v] of samples) lines.push(`${name}${Object.keys(l).length > 0 ? labels(l) : ''} ${v}`);
  };
  family('unitd_system_state', 'gauge', 'The manager state (is-system-running): 1 for the current one.',
    SYSTEM_STATES.map((s) => [{ state: s }, s === m.state ? 1 : 0]));
  family('unitd_unit_state', 'gauge', 'Active state of each loaded unit: 1 for the current one.',
    m.units.flatMap((u) => ACTIVE_STATES.map((s): [Record<string, string>, number] => [{ unit: u.id, state: s }, s === u.activeState ? 1 : 0])));
  family('unitd_unit_restarts_total', 'counter', 'Automatic restarts of each service (NRestarts=).',
    [...m.restarts].map(([unit, n]) => [{ unit }, n]));
  family('unitd_jobs_queued', 'gauge', 'Jobs installed and not finished.', [[{}, m.jobsQueued]]);
  family('unitd_jobs_finished_total', 'counter', 'Finished jobs by type and result since unitd started.',
    jobs.entries().map(([type, result, n]) => [{ type, result }, n]));
  const used = [...usage].sort(([a], [b]) => (a < b ? -1 : 1));
  family('unitd_unit_cpu_seconds_total', 'counter', 'User and system CPU time of the unit\'s live processes (ended ones drop out).',
    used.map(([unit, u]) => [{ unit }, Math.round(u.cpuSeconds * 100) / 100]));
  family('unitd_unit_memory_rss_bytes', 'gauge', 'Resident memory of the unit\'s live processes.', used.map(([unit, u]) => [{ unit }, u.rssBytes]));
  family('unitd_unit_processes', 'gauge', 'Live processes of the unit.', used.map(([unit, u]) => [{ unit }, u.processes]));
  return `${lines.join('\n')}\n`;
}
