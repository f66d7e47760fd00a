// The ProcessDriver port: spawns commands with execa (no shell), each in its own process
// group, tracks the groups of every unit, signals them, watches adopted main PIDs, routes output
// lines to the journal, and turns outcomes into inputs. Never throws into the engine.
import type { ChildProcess } from 'node:child_process';
import { execa, type Options as ExecaOptions } from 'execa';
import { constants as osConstants, getPriority } from 'node:os';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Input } from '../engine/inputs.ts';
import type { ProcessDriver, SignalRequest, SpawnRequest } from '../engine/ports.ts';
import type { ExecId, Pid, UnitName } from '../engine/types.ts';
import type { DaemonLog } from './log.ts';
import type { NotifyReceiver } from './notify.ts';
import { reapPid } from './native.ts';
import { isDead, listProcesses, readStat, type ProcStat } from './proc.ts';
import { UnitTracker } from './unit-tracker.ts';
import { findTools, ownHardLimits, prepareSpawn, type SelfInfo } from './process-exec.ts';
import { setUpExecDirectories } from './exec-dirs.ts';
import type { Reaper } from './reaper.ts';
import { OpenedFiles, parseOutput, stdioFor, type StdioValue } from './stdio.ts';

const ADOPT_POLL_MS = 100;
const EMPTY_POLL_MS = 50;
/** How often the unit tracker follows forks while units have processes (catches setsid() chains). */
const TRACK_POLL_MS = 500;

interface Exec {
  readonly unit: UnitName;
  readonly pid: Pid;
  /** Process group this exec created (spawned) or the adopted pid's group. */
  readonly pgid: Pid;
  readonly adopted: boolean;
}

export interface DriverOptions {
  /** Queues an input for the engine (the loop). Called asynchronously, never during spawn(). */
  readonly push: (input: Input) => void;
  readonly log: DaemonLog;
  readonly notify: NotifyReceiver;
  readonly reaper: Reaper | null;
  /** Home directory for WorkingDirectory=~ without User=. */
  readonly home: string;
  /** Where service output lines go (the journal); without it they are logged by the daemon. */
  readonly output?: OutputSink;
}

/** Receives each complete line a service wrote to a piped stdout/stderr. */
export interface OutputSink {
  line(unit: UnitName, entry: { readonly pid: number; readonly stream: 'stdout' | 'stderr'; readonly identifier: string; readonly text: string }): void;
}

const signalNumber = (name: NodeJS.Signals | null): number =>
  name === null ? 0 : (osConstants.signals as Record<string, number>)[name] ?? 0;

export class NodeProcessDriver implements ProcessDriver {
  private readonly o: DriverOptions;
  private readonly execs = new Map<ExecId, Exec>();
  private readonly groups = new Map<UnitName, Set<Pid>>();
  private readonly pollers = new Map<ExecId, NodeJS.Timeout>();
  private readonly emptyWatchers = new Map<UnitName, NodeJS.Timeout>();
  private selfInfo: SelfInfo | null = null;
  private readonly tracker: UnitTracker;
  private trackTimer: NodeJS.Timeout | null = null;
  /** unitd's own process group (1 as PID 1): never a unit's, whatever a MAINPID= names. */
  private readonly ownGroup = readStat(process.pid)?.pgrp ?? process.pid;

  constructor(options: DriverOptions) {
    this.o = options;
    this.tracker = new UnitTracker({
      selfPid: process.pid,
      orphansComeHere: process.pid === 1 || (options.reaper?.subreaper ?? false),
      readEnviron: (pid) => { try { return readFileSync(`/proc/${pid}/environ`, 'latin1'); } catch { return null; } },
    });
  }

  /** The daemon's own credentials and wrapper tools, looked up on first spawn. */
  private self(): SelfInfo {
    this.selfInfo ??= {
      uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, nice: getPriority(), tools: findTools(process.env['PATH']),
      hardLimits: ownHardLimits((path) => { try { return readFileSync(path, 'utf8'); } catch { return null; } }),
    };
    return this.selfInfo;
  }

  spawn(req: SpawnRequest): Pid | null {
    try {
      return this.spawnOrFail(req);
    } catch (err) {
      this.later({ kind: 'SpawnFailed', execId: req.execId, message: err instanceof Error ? err.message : String(err) });
      return null;
    }
  }

  signal(req: SignalRequest): number {
    const groups = new Set<Pid>();
    const pids = new Set<Pid>();
    // Without wholeUnit only the commands' own processes are signalled (KillMode=mixed/process,
    // kill --kill-whom=main): their process-group leaders, never the rest of the group.
    for (const id of req.execIds) {
      const e = this.execs.get(id);
      if (!e) continue;
      if (e.adopted || !req.wholeUnit) pids.add(e.pid);
      else groups.add(e.pgid);
    }
    if (req.wholeUnit) for (const g of this.groups.get(req.unit) ?? []) groups.add(g);
    let n = 0;
    for (const g of groups) if (this.kill(-g, req.signal)) n++;
    for (const p of pids) if (!groups.has(readStat(p)?.pgrp ?? -1) && this.kill(p, req.signal)) n++;
    // Processes that left our groups (setsid) but are still the unit's, by the tracker.
    if (req.wholeUnit) {
      for (const p of this.tracker.scan(listProcesses()).get(req.unit) ?? []) if (!groups.has(p.pgrp) && !pids.has(p.pid) && this.kill(p.pid, req.signal)) n++;
    }
    return n;
  }

  adopt(execId: ExecId, unit: UnitName, pid: Pid): void {
    const st = readStat(pid);
    const pgid = st?.pgrp ?? pid;
    this.execs.set(execId, { unit, pid, pgid, adopted: true });
    // The pid's group is the unit's when the pid leads it (a daemon that called setsid()) or its
    // leader already is the unit's. A pid inside a stranger's group (MAINPID= from root, a PID
    // file naming another process) brings only itself and what the tracker finds under it:
    // stopping the unit must never signal someone else's group, nor unitd's own.
    const groups = this.groupsOf(unit);
    const leaderIsUnits = pgid === pid || groups.has(pgid) || (this.tracker.scan(listProcesses()).get(unit) ?? []).some((p) => p.pid === pgid);
    if (leaderIsUnits && pgid !== this.ownGroup) groups.add(pgid);
    if (st) this.tracker.addMember(unit, st);
    let done = false;
    const finish = (code: 'exited' | 'killed' | 'dumped' | 'unknown', status: number): void => {
      if (done) return;
      done = true;
      clearInterval(this.pollers.get(execId));
      this.pollers.delete(execId);
      this.o.reaper?.unwatch(pid);
      this.execs.delete(execId);
      this.o.notify.drain(); // notifications sent before the exit are handled before it
      this.o.push({ kind: 'ProcessExited', execId, code, status });
    };
    this.o.reaper?.watch(pid, (s) => setImmediate(() => finish(s.code, s.status)));
    const poll = (): void => {
      const now = readStat(pid);
      if (!isDead(now)) return;
      if (now && now.ppid === process.pid && !(this.o.reaper?.isNodeChild(pid) ?? false)) {
        const s = this.o.reaper ? this.o.reaper.reap(pid) : reapPid(pid);
        if (s) { finish(s.code, s.status); return; }
      }
      finish('unknown', 0);
    };
    this.pollers.set(execId, setInterval(poll, ADOPT_POLL_MS));
  }

  hasProcesses(unit: UnitName): boolean {
    return this.pruneGroups(unit);
  }

  ownsProcess(unit: UnitName, pid: Pid): boolean {
    for (const e of this.execs.values()) if (e.unit === unit && e.pid === pid) return true;
    const st = readStat(pid);
    return st !== null && !isDead(st) && (this.groups.get(unit)?.has(st.pgrp) ?? false);
  }

  watchProcessesGone(unit: UnitName): void {
    if (this.emptyWatchers.has(unit)) return;
    // No cgroup-empty event without cgroups: poll until the groups are empty, then report it.
    const check = (): void => {
      if (this.pruneGroups(unit)) return;
      clearInterval(timer);
      this.emptyWatchers.delete(unit);
      this.o.push({ kind: 'UnitProcessesGone', unit });
    };
    const timer = setInterval(check, EMPTY_POLL_MS);
    timer.unref();
    this.emptyWatchers.set(unit, timer);
  }

  /**
   * Forgets the unit's process groups that have no live member; true if any is left, or if the
   * tracker still finds processes of the unit outside them (daemons that called setsid()).
   */
  private pruneGroups(unit: UnitName): boolean {
    const groups = this.groups.get(unit) ?? new Set<Pid>();
    let procs = listProcesses();
    let tracked = this.tracker.scan(procs).get(unit) ?? [];
    const live = this.liveGroups(unit, groups, procs);
    // A /proc scan can miss processes that were forked a moment ago (seen with a daemon whose
    // parent exits right after forking). If the kernel still knows the group, look once more.
    if ([...groups].some((g) => !live.has(g) && this.groupExists(g))) {
      procs = listProcesses();
      tracked = this.tracker.scan(procs).get(unit) ?? [];
      for (const g of this.liveGroups(unit, groups, procs)) live.add(g);
    }
    for (const g of groups) if (!live.has(g) && !this.hasRunningExecIn(g)) groups.delete(g);
    const any = live.size > 0 || tracked.length > 0;
    if (!any && ![...this.execs.values()].some((e) => e.unit === unit)) this.tracker.forget(unit);
    return any;
  }

  /** Groups of `unit` with a member that is not a zombie, by /proc and the adopted pids. */
  private liveGroups(unit: UnitName, groups: ReadonlySet<Pid>, procs: readonly ProcStat[]): Set<Pid> {
    const live = new Set<Pid>();
    for (const p of procs) if (groups.has(p.pgrp) && !isDead(p)) live.add(p.pgrp);
    for (const e of this.execs.values()) if (e.unit === unit && e.adopted && !isDead(readStat(e.pid))) live.add(e.pgid);
    return live;
  }

  /** kill(-pgid, 0): the group still has a member (possibly only zombies). */
  private groupExists(pgid: Pid): boolean {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }

  /** The unit's process groups and adopted pids, for status's process list (unit-processes.ts). */
  groupsOfUnit(unit: UnitName): { groups: Pid[]; adopted: Pid[] } {
    const adopted: Pid[] = [];
    for (const e of this.execs.values()) if (e.unit === unit && e.adopted) adopted.push(e.pid);
    for (const p of this.tracker.scan(listProcesses()).get(unit) ?? []) adopted.push(p.pid);
    return { groups: [...(this.groups.get(unit) ?? [])], adopted };
  }

  /** SIGKILLs every process group of every unit (the daemon's last act on a stuck shutdown). */
  killAll(signal: number = osConstants.signals.SIGKILL): number {
    let n = 0;
    for (const groups of this.groups.values()) for (const g of groups) if (this.kill(-g, signal)) n++;
    for (const procs of this.tracker.scan(listProcesses()).values()) for (const p of procs) if (this.kill(p.pid, signal)) n++;
    return n;
  }

  /** Stops adopt polling (daemon exit). */
  close(): void {
    for (const t of this.pollers.values()) clearInterval(t);
    this.pollers.clear();
    if (this.trackTimer) clearInterval(this.trackTimer);
    this.trackTimer = null;
  }

  /** The child's pid (Node forks synchronously), or null when nothing was forked. */
  private spawnOrFail(req: SpawnRequest): Pid | null {
    const prepared = prepareSpawn(req, this.o.home, this.self());
    const unitLog = this.o.log.unit(req.unit);
    if (!prepared.ok) {
      unitLog.warn({ execId: req.execId, status: prepared.status }, prepared.message);
      this.later({ kind: 'ProcessExited', execId: req.execId, code: 'exited', status: prepared.status });
      return null;
    }
    const dirs = setUpExecDirectories(req.directories ?? [], prepared.value.owner);
    if (!dirs.ok) {
      unitLog.warn({ execId: req.execId, status: dirs.status }, dirs.message);
      this.later({ kind: 'ProcessExited', execId: req.execId, code: 'exited', status: dirs.status });
      return null;
    }
    const files = new OpenedFiles();
    const out = parseOutput(req.stdout);
    const errSpec = req.stderr === 'inherit' ? null : parseOutput(req.stderr);
    let stdout: StdioValue;
    let stderr: StdioValue;
    // StandardInput/Output/Error=socket (Accept=yes): the connection is the stream itself, and
    // `inherit` output follows a socket input; otherwise the fds go to 3, 4, … (sd_listen_fds).
    const socket = req.fds[0];
    const onSocket = (spec: string): boolean => socket !== undefined && (spec === 'socket' || (spec === 'inherit' && req.stdin === 'socket'));
    try {
      stdout = onSocket(req.stdout) ? socket! : stdioFor(out, files, 1);
      stderr = req.stderr === 'socket' ? socket! : errSpec === null ? stdout : stdioFor(errSpec, files, 2);
    } catch (err) {
      files.closeAll();
      unitLog.warn({ execId: req.execId }, `Failed to set up standard output: ${err instanceof Error ? err.message : String(err)}`);
      this.later({ kind: 'ProcessExited', execId: req.execId, code: 'exited', status: 209 });
      return null;
    }
    const env: Record<string, string> = { ...req.env };
    if (req.notify) env['NOTIFY_SOCKET'] = this.o.notify.socketFor(req.unit);
    const { file, args, argv0, cwd, uid, gid, umask } = prepared.value;
    let child: ChildProcess;
    // The child inherits the umask at fork; spawn forks synchronously, so set it just around it.
    const savedUmask = umask === null ? null : process.umask(umask);
    try {
      // execa without its conveniences: no buffering (a chatty service must not be killed at
      // maxBuffer), no rejection, no cleanup or kill escalation (the engine owns stop timeouts);
      // the exit is taken from the child's own 'exit' event, not from the promise.
      const sub = execa(file, args, {
        argv0, cwd, env, extendEnv: false, preferLocal: false,
        stdio: [req.stdin === 'socket' && socket !== undefined ? socket : 'ignore', stdout, stderr, ...(socketStdio(req) ? [] : req.fds)],
        buffer: false, reject: false, cleanup: false, forceKillAfterDelay: false, detached: true, stripFinalNewline: false,
        ...(uid !== undefined ? { uid } : {}), ...(gid !== undefined ? { gid } : {}),
      } as ExecaOptions);
      sub.then(() => {}, () => {});
      child = sub.nodeChildProcess;
    } finally {
      if (savedUmask !== null) process.umask(savedUmask);
      files.closeAll();
    }
    this.track(req, child, unitLog);
    return child.pid ?? null;
  }

  private track(req: SpawnRequest, child: ChildProcess, unitLog: DaemonLog['log']): void {
    const { execId, unit } = req;
    let settled = false;
    const pid = child.pid;
    if (pid !== undefined) {
      this.execs.set(execId, { unit, pid, pgid: pid, adopted: false });
      this.groupsOf(unit).add(pid);
      this.tracker.addLeader(unit, pid, req.env['INVOCATION_ID']);
      this.followForks();
    }
    child.once('spawn', () => {
      unitLog.debug({ execId, pid: child.pid, role: req.role }, `Started ${req.argv.join(' ')}`);
      this.o.push({ kind: 'ProcessStarted', execId, pid: child.pid ?? 0 });
    });
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (settled || child.pid !== undefined) return;
      settled = true;
      this.execs.delete(execId);
      const execFailure = err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'ENOEXEC';
      unitLog.warn({ execId, code: err.code }, `Failed to spawn ${req.path}: ${err.message}`);
      this.o.push(execFailure
        ? { kind: 'ProcessExited', execId, code: 'exited', status: err.code === 'EACCES' && req.user ? 217 : 203 }
        : { kind: 'SpawnFailed', execId, message: err.message });
    });
    child.once('exit', (code, signal) => {
      if (settled) return;
      settled = true;
      this.execs.delete(execId);
      this.o.notify.drain(); // notifications sent before the exit are handled before it
      this.o.push(code !== null
        ? { kind: 'ProcessExited', execId, code: 'exited', status: code }
        : { kind: 'ProcessExited', execId, code: 'killed', status: signalNumber(signal) });
    });
    const pidOf = (): number => child.pid ?? 0;
    this.route(child.stdout, req, pidOf, 'stdout', unitLog);
    this.route(child.stderr, req, pidOf, 'stderr', unitLog);
  }

  private route(stream: Readable | null, req: SpawnRequest, pid: () => number, name: 'stdout' | 'stderr', unitLog: DaemonLog['log']): void {
    if (!stream) return;
    const sink = this.o.output;
    const rl = createInterface({ input: stream, crlfDelay: Infinity });
    if (sink) {
      rl.on('line', (text) => sink.line(req.unit, { pid: pid(), stream: name, identifier: req.syslogIdentifier, text }));
    } else {
      const log = unitLog.child({ stream: name });
      rl.on('line', (line) => log[name === 'stdout' ? 'info' : 'warn'](line));
    }
    stream.on('error', () => rl.close());
  }

  /** Scans now and then while anything runs, so members are known before their parents exit. */
  private followForks(): void {
    if (this.trackTimer) return;
    this.trackTimer = setInterval(() => {
      const units = this.tracker.scan(listProcesses());
      if ([...units.values()].every((l) => l.length === 0) && this.execs.size === 0 && this.trackTimer) {
        clearInterval(this.trackTimer);
        this.trackTimer = null;
      }
    }, TRACK_POLL_MS);
    this.trackTimer.unref();
  }

  private later(input: Input): void {
    setImmediate(() => this.o.push(input));
  }

  private kill(target: number, signal: number): boolean {
    try {
      process.kill(target, signal);
      return true;
    } catch {
      return false; // ESRCH: nothing left; EPERM: not ours to signal
    }
  }

  private groupsOf(unit: UnitName): Set<Pid> {
    let g = this.groups.get(unit);
    if (!g) {
      g = new Set();
      this.groups.set(unit, g);
    }
    return g;
  }

  private hasRunningExecIn(pgid: Pid): boolean {
    for (const e of this.execs.values()) if (!e.adopted && e.pgid === pgid) return true;
    return false;
  }
}

const socketStdio = (req: SpawnRequest): boolean => [req.stdin, req.stdout, req.stderr].includes('socket');

/** Where per-unit notify sockets live: next to the control socket. */
/**
 * Notify sockets live beside the control socket's owner-only directory, not inside it, so services
 * running as other users can reach them: /run/unitd/unitd.sock → /run/unitd.notify/UNIT.
 */
export const notifyDirFor = (controlSocket: string): string => `${dirname(controlSocket)}.notify`;
