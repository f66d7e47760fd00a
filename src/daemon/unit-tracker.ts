// Which processes belong to which unit, without cgroups: our stand-in for a unit's cgroup.
// Process groups alone miss daemons that call setsid() (nginx's master, double-forking daemons),
// so membership also follows parent links, sessions a member leads, and, for orphans re-parented
// to us, the INVOCATION_ID in their environment. Reads only what it is given; never signals.
import type { Pid, UnitName } from '../engine/types.ts';
import { isDead, type ProcStat } from './proc.ts';

export interface TrackerOptions {
  /** Our own pid: orphans of every unit are re-parented to us (PID 1 or child subreaper). */
  readonly selfPid: number;
  /** True when orphans come to us, so their environment is worth reading. */
  readonly orphansComeHere: boolean;
  /** /proc/<pid>/environ, or null. */
  readonly readEnviron: (pid: Pid) => string | null;
}

interface Tracked {
  /** pid → start time of every process known to belong to the unit. */
  readonly members: Map<Pid, number>;
  /** Process groups and sessions led by members: everything in them belongs to the unit too. */
  readonly groups: Set<Pid>;
  readonly sessions: Set<Pid>;
}

export class UnitTracker {
  private readonly o: TrackerOptions;
  private readonly units = new Map<UnitName, Tracked>();
  private readonly invocations = new Map<string, UnitName>();
  /** Orphans whose environment named no unit of ours (pid → start time), so it is read once. */
  private readonly foreign = new Map<Pid, number>();

  constructor(options: TrackerOptions) {
    this.o = options;
  }

  /** A command we spawned: its process group and session (both its pid) belong to `unit`. */
  addLeader(unit: UnitName, pid: Pid, invocationId: string | undefined): void {
    const t = this.of(unit);
    t.groups.add(pid);
    t.sessions.add(pid);
    if (invocationId) this.invocations.set(invocationId, unit);
  }

  /** A process adopted by pid (PIDFile=, MAINPID=). */
  addMember(unit: UnitName, proc: ProcStat): void {
    this.claim(this.of(unit), proc);
  }

  /**
   * Updates every unit from one /proc listing and returns each unit's live processes. Members
   * that are gone (or whose pid was reused) are dropped; descendants of members join.
   */
  scan(procs: readonly ProcStat[]): Map<UnitName, ProcStat[]> {
    const live = procs.filter((p) => !isDead(p) && p.pid !== this.o.selfPid);
    const byPid = new Map(live.map((p) => [p.pid, p]));
    const alive = (pid: Pid, start: number): boolean => byPid.get(pid)?.startTime === start;
    const owner = new Map<Pid, UnitName>();
    const seeds: [UnitName, ProcStat][] = [];
    for (const t of this.units.values()) for (const [pid, start] of t.members) if (!alive(pid, start)) t.members.delete(pid);
    for (const p of live) {
      const unit = this.unitOf(p);
      if (unit !== null) { owner.set(p.pid, unit); seeds.push([unit, p]); }
    }
    const children = new Map<Pid, ProcStat[]>();
    for (const p of live) {
      const list = children.get(p.ppid);
      if (list) list.push(p);
      else children.set(p.ppid, [p]);
    }
    for (let i = 0; i < seeds.length; i++) {
      const [unit, p] = seeds[i]!;
      this.claim(this.of(unit), p);
      for (const c of children.get(p.pid) ?? []) {
        if (owner.has(c.pid)) continue;
        owner.set(c.pid, unit);
        seeds.push([unit, c]);
      }
    }
    const out = new Map<UnitName, ProcStat[]>();
    for (const [unit] of this.units) out.set(unit, []);
    for (const [unit, p] of seeds) out.get(unit)?.push(p);
    for (const [pid, start] of this.foreign) if (!alive(pid, start)) this.foreign.delete(pid);
    return out;
  }

  /** Forgets a unit whose processes are all gone (its groups and sessions may be reused). */
  forget(unit: UnitName): void {
    this.units.delete(unit);
    for (const [id, u] of this.invocations) if (u === unit) this.invocations.delete(id);
  }

  /** The unit `p` belongs to by what is already known: member, group, session, or environment. */
  private unitOf(p: ProcStat): UnitName | null {
    for (const [unit, t] of this.units) {
      if (t.members.get(p.pid) === p.startTime || t.groups.has(p.pgrp) || t.sessions.has(p.session)) return unit;
    }
    if (!this.o.orphansComeHere || p.ppid !== this.o.selfPid || this.foreign.get(p.pid) === p.startTime) return null;
    const id = /(?:^|\0)INVOCATION_ID=([0-9a-f]{32})(?:\0|$)/.exec(this.o.readEnviron(p.pid) ?? '')?.[1];
    const unit = id === undefined ? undefined : this.invocations.get(id);
    if (unit === undefined) this.foreign.set(p.pid, p.startTime);
    return unit ?? null;
  }

  private claim(t: Tracked, p: ProcStat): void {
    t.members.set(p.pid, p.startTime);
    if (p.session === p.pid) t.sessions.add(p.pid);
    if (p.pgrp === p.pid) t.groups.add(p.pid);
  }

  private of(unit: UnitName): Tracked {
    let t = this.units.get(unit);
    if (!t) this.units.set(unit, (t = { members: new Map(), groups: new Set(), sessions: new Set() }));
    return t;
  }
}
