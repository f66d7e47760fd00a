// Child subreaper support: orphaned descendants of services are re-parented to the daemon, and
// this reaps them by explicit pid (never waitpid(-1), which would steal Node's own child exits;
// dependencies notes §3.2). Node-spawned children are recorded and left to libuv.
import { ChildProcess } from 'node:child_process';
import { becomeSubreaper, reapPid, type WaitStatus } from './native.ts';
import { listProcesses } from './proc.ts';

const PATCHED = Symbol.for('unitd.reaper.spawnPatched');
type SpawnFn = (this: ChildProcess, options: unknown) => unknown;
type PatchedProto = { spawn: SpawnFn; [PATCHED]?: Set<number> };

/**
 * Records the pid of every ChildProcess this process creates (whatever library spawns it), so the
 * reaper can tell Node's own children from orphans. The set is shared by all reapers.
 */
function nodeChildren(): Set<number> {
  const proto = ChildProcess.prototype as unknown as PatchedProto;
  const existing = proto[PATCHED];
  if (existing) return existing;
  const pids = new Set<number>();
  const original = proto.spawn;
  proto.spawn = function spawnAndRecord(this: ChildProcess, options: unknown) {
    const r = original.call(this, options);
    const pid = this.pid;
    if (pid !== undefined) {
      pids.add(pid);
      this.once('exit', () => pids.delete(pid));
    }
    return r;
  };
  proto[PATCHED] = pids;
  return pids;
}

export class Reaper {
  private readonly own: Set<number>;
  private readonly watched = new Map<number, (status: WaitStatus) => void>();
  private readonly onReap: (pid: number, status: WaitStatus) => void;
  private sweepTimer: NodeJS.Timeout | null = null;
  private readonly onSigchld = (): void => { this.sweep(); };
  readonly subreaper: boolean;

  constructor(options: { subreaper: boolean; onReap?: (pid: number, status: WaitStatus) => void }) {
    this.own = nodeChildren();
    this.onReap = options.onReap ?? (() => {});
    this.subreaper = options.subreaper && becomeSubreaper();
  }

  /** Reaps on SIGCHLD and every `intervalMs` (a signal can be coalesced or missed). */
  start(intervalMs = 1000): void {
    process.on('SIGCHLD', this.onSigchld);
    this.sweepTimer = setInterval(() => { this.sweep(); }, intervalMs);
    this.sweepTimer.unref();
  }

  stop(): void {
    process.off('SIGCHLD', this.onSigchld);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
  }

  isNodeChild(pid: number): boolean {
    return this.own.has(pid);
  }

  /** Calls `cb` with the real wait status if this reaper reaps `pid`. */
  watch(pid: number, cb: (status: WaitStatus) => void): void {
    this.watched.set(pid, cb);
  }

  unwatch(pid: number): void {
    this.watched.delete(pid);
  }

  /** Reaps one zombie child that Node did not spawn; null if it is not one. */
  reap(pid: number): WaitStatus | null {
    if (this.own.has(pid)) return null;
    const status = reapPid(pid);
    if (status) this.reaped(pid, status);
    return status;
  }

  sweep(): number {
    let n = 0;
    for (const p of listProcesses()) {
      if (p.ppid !== process.pid || p.state !== 'Z' || this.own.has(p.pid)) continue;
      if (this.reap(p.pid)) n++;
    }
    return n;
  }

  private reaped(pid: number, status: WaitStatus): void {
    const cb = this.watched.get(pid);
    this.watched.delete(pid);
    this.onReap(pid, status);
    cb?.(status);
  }
}
