// status's process list: every live process in a unit's process groups (plus adopted main PIDs),
// read from /proc, by pid. Our stand-in for systemd's cgroup listing; read-only.
import { readFileSync } from 'node:fs';
import type { ProcessInfo } from '../engine/api.ts';
import type { Pid } from '../engine/types.ts';
import { isDead, listProcesses, readStat } from './proc.ts';

/** The command line as status shows it: argv joined by spaces; `[comm]` when it has none. */
export function commandLine(pid: Pid): string | null {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const argv = raw.split('\0');
    if (argv.at(-1) === '') argv.pop();
    if (argv.length > 0) return argv.join(' ');
    return `[${readFileSync(`/proc/${pid}/comm`, 'utf8').trim()}]`;
  } catch {
    return null;
  }
}

export interface UnitGroups {
  /** Process groups the unit's commands created. */
  readonly groups: readonly Pid[];
  /** Processes adopted by pid (a forking daemon's main PID outside our groups). */
  readonly adopted: readonly Pid[];
}

export function unitProcesses(g: UnitGroups, mainPid: number): ProcessInfo[] {
  const pids = new Set<Pid>();
  if (g.groups.length > 0) {
    const groups = new Set(g.groups);
    for (const p of listProcesses()) if (groups.has(p.pgrp) && !isDead(p)) pids.add(p.pid);
  }
  for (const p of g.adopted) if (!isDead(readStat(p))) pids.add(p);
  const out: ProcessInfo[] = [];
  for (const pid of [...pids].sort((a, b) => a - b)) {
    const command = commandLine(pid);
    if (command !== null) out.push({ pid, command, role: pid === mainPid ? 'main' : 'other' });
  }
  return out;
}
