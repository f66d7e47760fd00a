// Reading /proc: process state, parent and process group, for the reaper, adopted main PIDs and
// the "does this unit still have processes" check (our stand-in for an empty cgroup).
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcStat {
  readonly pid: number;
  readonly state: string;
  readonly ppid: number;
  readonly pgrp: number;
  readonly session: number;
  /** Clock ticks after boot: with the pid, it names one process across pid reuse. */
  readonly startTime: number;
}

/** Parses /proc/<pid>/stat; the command name may contain spaces and parentheses. */
export function parseStat(pid: number, text: string): ProcStat | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const rest = text.slice(close + 2).split(' ');
  const ppid = Number(rest[1]);
  const pgrp = Number(rest[2]);
  if (!rest[0] || !Number.isInteger(ppid) || !Number.isInteger(pgrp)) return null;
  return { pid, state: rest[0], ppid, pgrp, session: Number(rest[3]), startTime: Number(rest[19]) };
}

export function readStat(pid: number): ProcStat | null {
  try {
    return parseStat(pid, readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** Every process visible now; processes that vanish while we look are skipped. */
export function listProcesses(): ProcStat[] {
  const out: ProcStat[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    const c = e.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const st = readStat(Number(e));
    if (st) out.push(st);
  }
  return out;
}

export const isDead = (st: ProcStat | null): boolean => st === null || st.state === 'Z' || st.state === 'X';
