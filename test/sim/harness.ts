// Simulation harness: the real Manager with a virtual clock, an in-memory file system and a
// scripted process driver. Inputs are delivered in (time, sequence) order; the run queue is
// dispatched only when no input is pending at the current instant, exactly as the daemon does.
import { Manager } from '../../src/engine/manager.ts';
import type { EngineEvent } from '../../src/engine/events.ts';
import type { Input } from '../../src/engine/inputs.ts';
import type { HostInfo, ProcessDriver, SignalRequest, SpawnRequest } from '../../src/engine/ports.ts';
import type { EnqueueRequest, RequestContext } from '../../src/engine/manager-api.ts';
import type { EnqueueResult } from '../../src/engine/api.ts';
import type { Result } from '../../src/engine/errors.ts';
import { intlZone } from '../../src/host/time-zones.ts';
import { MemFs } from '../fixtures/mem-fs.ts';
import { FakeSockets } from '../fixtures/fake-sockets.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { mulberry32 } from '../fixtures/prng.ts';

/** The daemon's built-in standard targets, mounted where the simulation's search path ends. */
const BUILTIN_DIR = '/usr/share/unitd/units';
const BUILTIN_UNITS: Record<string, string> = (() => {
  const dir = resolve(import.meta.dirname, '../../share/units');
  return Object.fromEntries(readdirSync(dir).map((n) => [join(BUILTIN_DIR, n), readFileSync(join(dir, n), 'utf8')]));
})();

/** The scripted programs exist as files, so checks for a missing executable find them. */
const SIM_PROGRAMS: Record<string, string> = { '/sim/run': '#!sim\n', '/sim/script': '#!sim\n' };

const SEC = 1_000_000;
export const sec = (s: number): number => Math.round(s * SEC);

/**
 * A command's script, read from its argv: `/sim/run STEP...`. Steps run in order on a cursor
 * that starts at the spawn time:
 *   sleep=SECS           moves the cursor
 *   exit=SECS            exits SECS after the cursor, with `status=N` (default 0)
 *   notify=SECS          sends READY=1 SECS after the cursor; `ready` sends it at the cursor
 *   write=PATH           writes the unit's name to PATH; `echo=PATH:TEXT` appends TEXT (with
 *                        $VARS from the process environment) and a newline to PATH
 *   fork=PIDFILE         starts a child that lives until killed and writes its PID to PIDFILE
 *   term=ignore          SIGTERM does nothing (SIGKILL still does)
 *   drain                takes every pending connection of the sockets it was passed (fds)
 * Without exit= the process lives until it is killed. Any other path exits 0 at once, a path
 * under /missing/ fails to exec (203), and `programs` may script other paths in code.
 */
interface Script {
  readonly steps: readonly { readonly at: number; readonly act: Act }[];
  readonly status: number;
  readonly ignoreTerm: boolean;
}
type Act =
  | { kind: 'exit' } | { kind: 'notify' } | { kind: 'write'; path: string }
  | { kind: 'echo'; path: string; text: string } | { kind: 'fork'; pidFile: string } | { kind: 'drain' };

/** A scripted program: given the request and the file system, returns /sim/run's steps. */
export type SimProgram = (req: SpawnRequest, fs: MemFs) => readonly string[];

function parseSteps(args: readonly string[]): Script {
  const steps: { at: number; act: Act }[] = [];
  let cursor = 0;
  let status = 0;
  let ignoreTerm = false;
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const k = eq < 0 ? arg : arg.slice(0, eq);
    const v = eq < 0 ? '' : arg.slice(eq + 1);
    if (k === 'sleep') cursor += sec(Number(v));
    else if (k === 'exit') steps.push({ at: cursor + sec(Number(v)), act: { kind: 'exit' } });
    else if (k === 'status') status = Number(v);
    else if (k === 'term') ignoreTerm = v === 'ignore';
    else if (k === 'notify') steps.push({ at: cursor + sec(Number(v)), act: { kind: 'notify' } });
    else if (k === 'ready') steps.push({ at: cursor, act: { kind: 'notify' } });
    else if (k === 'write') steps.push({ at: cursor, act: { kind: 'write', path: v } });
    else if (k === 'echo') steps.push({ at: cursor, act: { kind: 'echo', path: v.slice(0, v.indexOf(':')), text: v.slice(v.indexOf(':') + 1) } });
    else if (k === 'fork') steps.push({ at: cursor, act: { kind: 'fork', pidFile: v } });
    else if (k === 'drain') steps.push({ at: cursor, act: { kind: 'drain' } });
    else throw new Error(`unknown /sim/run step ${arg}`);
  }
  // Stable by time: steps at one instant keep their written order (exit last among equals).
  const order = (a: Act): number => (a.kind === 'exit' ? 1 : 0);
  steps.sort((a, b) => a.at - b.at || order(a.act) - order(b.act));
  return { steps, status, ignoreTerm };
}

/** SIGCONT (sent after SIGTERM on stop), SIGCHLD, SIGWINCH and signal 0 do not end a process. */
const HARMLESS_SIGNALS = new Set([0, 17, 18, 28]);

interface SimProcess { execId: number; unit: string; pid: number; script: Script; alive: boolean; env: Readonly<Record<string, string>>; fds: readonly number[] }

export interface SimOptions {
  readonly files: Record<string, string>;
  readonly symlinks?: Record<string, string>;
  readonly unitPath?: string[];
  /** Scripted programs by path (a scenario's shell script, translated by hand). */
  readonly programs?: Record<string, SimProgram>;
  /** Persistent= stamps; pass the store of an earlier Sim to simulate a daemon restart. */
  readonly stamps?: Map<string, number>;
  /** Wall clock at virtual time 0 (µs since the epoch); default 2023-11-14 22:13:20 UTC. */
  readonly realtimeBase?: number;
  /** The manager's local zone (IANA name, evaluated with Intl); default UTC. */
  readonly timeZone?: string;
  /** Seed of the random numbers handed to the engine (RandomizedDelaySec=). */
  readonly seed?: number;
  /** Called after every input and every dispatch: the place for invariant checks. */
  readonly onStep?: (sim: Sim, what: string) => void;
}

const SIM_ZONES: ReadonlySet<string> = new Set(['UTC', 'Etc/UTC', 'Europe/Berlin', 'Europe/London', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney']);

const HOST: HostInfo = {
  hostname: 'sim', machineId: '0'.repeat(32), bootId: '1'.repeat(32), kernelRelease: '6.1.0', architecture: 'x86-64',
  userName: 'root', uid: 0, groupName: 'root', gid: 0, home: '/root', shell: '/bin/sh', runtimeDir: '/run',
  environment: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin' },
  // A fixed tzdata: simulations must not depend on the machine's.
  isTimeZone: (name) => SIM_ZONES.has(name),
};

export class Sim {
  now = 0;
  /** Wall clock minus virtual monotonic time; jumpClock() moves it. */
  realtimeOffset: number;
  readonly stamps: Map<string, number>;
  private seq = 0;
  private nextPid = 1000;
  private readonly queue: { at: number; seq: number; input: Input | (() => void) }[] = [];
  private readonly timers = new Map<string, number>();
  private readonly programs: Record<string, SimProgram>;
  private readonly onStep: ((sim: Sim, what: string) => void) | undefined;
  readonly procs = new Map<number, SimProcess>();
  readonly events: EngineEvent[] = [];
  readonly spawned: SpawnRequest[] = [];
  /** Units the engine watches for emptiness: they get UnitProcessesGone when it happens. */
  private readonly emptyWatched = new Set<string>();
  /** Inputs, effects (spawns, signals, timers) and engine events in order, with virtual time. */
  readonly trace: string[] = [];
  readonly fs: MemFs;
  /** Listening sockets of socket units; `connect()` sends traffic. */
  readonly sockets = new FakeSockets();
  readonly manager: Manager;

  constructor(o: SimOptions) {
    this.fs = new MemFs({ ...BUILTIN_UNITS, ...SIM_PROGRAMS, ...o.files, ...Object.fromEntries(Object.entries(o.symlinks ?? {}).map(([k, v]) => [k, { symlink: v }])) });
    this.programs = o.programs ?? {};
    this.onStep = o.onStep;
    const driver: ProcessDriver = {
      spawn: (req) => this.spawn(req),
      signal: (req) => this.signal(req),
      adopt: (execId, _unit, pid) => { const p = this.procs.get(pid); if (p) p.execId = execId; },
      hasProcesses: (unit) => [...this.procs.values()].some((p) => p.alive && p.unit === unit),
      ownsProcess: (unit, pid) => [...this.procs.values()].some((p) => p.alive && p.unit === unit && p.pid === pid),
      watchProcessesGone: (unit) => {
        if ([...this.procs.values()].some((p) => p.alive && p.unit === unit)) this.emptyWatched.add(unit);
        else this.push(this.now, { kind: 'UnitProcessesGone', unit });
      },
    };
    let invocation = 0;
    this.realtimeOffset = o.realtimeBase ?? 1_700_000_000 * SEC;
    this.stamps = o.stamps ?? new Map();
    const random = mulberry32(o.seed ?? 1);
    this.sockets.onTrigger = (unit, fd) => this.push(this.now, { kind: 'SocketTriggered', unit, fd, error: null });
    this.manager = new Manager({
      clock: { now: () => this.now, realtime: () => this.realtimeOffset + this.now },
      timers: {
        arm: (id, at) => { this.note(`arm ${id} at ${at / SEC}s`); this.timers.set(id, at); },
        cancel: (id) => { if (this.timers.delete(id)) this.note(`cancel ${id}`); },
      },
      processes: driver,
      events: { emit: (e) => { this.note(describeEvent(e)); this.events.push(e); } },
      sockets: this.sockets,
      fs: this.fs,
      host: HOST,
      newInvocationId: () => (++invocation).toString(16).padStart(32, '0'),
      timerStamps: {
        read: (unit) => this.stamps.get(unit) ?? null,
        write: (unit, at) => { this.note(`stamp ${unit} ${at}`); this.stamps.set(unit, at); },
      },
      // Zones over Intl, as the daemon has them: the engine itself never sees tzdata.
      timeZones: { local: () => intlZone(o.timeZone ?? 'UTC'), named: (name) => intlZone(name) },
      random,
      paths: { remove: (path) => { if (this.fs.lstat(path) !== null) this.fs.remove(path); } },
    }, { unitPath: [...(o.unitPath ?? ['/etc/systemd/system']), BUILTIN_DIR] });
  }

  /** Appends a line to the trace at the current virtual time. */
  note(line: string): void {
    this.trace.push(`${(this.now / SEC).toFixed(3)} ${line}`);
  }

  private handle(input: Input): void {
    const { kind, ...rest } = input;
    this.note(`> ${kind} ${JSON.stringify(rest)}`);
    this.manager.handle(input);
  }

  private push(at: number, input: Input | (() => void)): void {
    const item = { at, seq: this.seq++, input };
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1]!.at > at) i--;
    this.queue.splice(i, 0, item);
  }

  private scriptOf(req: SpawnRequest): Script | 'missing' {
    if (req.path.startsWith('/missing/')) return 'missing';
    const program = this.programs[req.path];
    if (program) return parseSteps(program(req, this.fs));
    if (req.path !== '/sim/run') return parseSteps(['exit=0']);
    return parseSteps(req.argv.slice(1));
  }

  /** Like the daemon's driver: the pid is returned at once, ProcessStarted follows as an input. */
  private spawn(req: SpawnRequest): number | null {
    this.spawned.push(req);
    this.note(`spawn #${req.execId} ${req.unit} ${req.role}: ${req.argv.join(' ')}`);
    const script = this.scriptOf(req);
    if (script === 'missing') {
      this.push(this.now, { kind: 'ProcessExited', execId: req.execId, code: 'exited', status: 203 });
      return null;
    }
    for (const d of req.directories ?? []) this.fs.mkdir(d.path);
    const pid = this.nextPid;
    const own = Object.fromEntries((req.ownPidEnv ?? []).map((n) => [n, String(pid)]));
    const p = this.newProcess(req.execId, req.unit, script, { ...req.env, ...own }, req.fds);
    this.push(this.now, { kind: 'ProcessStarted', execId: req.execId, pid: p.pid });
    for (const { at, act } of script.steps) this.push(this.now + at, () => this.act(p, act));
    return p.pid;
  }

  private newProcess(execId: number, unit: string, script: Script, env: Readonly<Record<string, string>>, fds: readonly number[] = []): SimProcess {
    const pid = this.nextPid++;
    const p: SimProcess = { execId, unit, pid, script, alive: true, env, fds };
    this.procs.set(pid, p);
    this.fs.write(`/proc/${pid}/stat`, `${pid} (sim) S 1`);
    return p;
  }

  private act(p: SimProcess, act: Act): void {
    if (!p.alive) return;
    switch (act.kind) {
      case 'exit': this.exit(p, 'exited', p.script.status); break;
      case 'notify': this.push(this.now, { kind: 'NotifyReceived', unit: p.unit, pid: p.pid, message: 'READY=1' }); break;
      case 'write': this.fs.write(act.path, `${p.unit}\n`); break;
      case 'echo': {
        const text = act.text.replace(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g, (_m, n: string) => p.env[n] ?? '');
        this.fs.write(act.path, (this.fs.readFile(act.path) ?? '') + `${text}\n`);
        break;
      }
      case 'drain': this.sockets.flush(p.fds); break;
      case 'fork': {
        const child = this.newProcess(-1, p.unit, { steps: [], status: 0, ignoreTerm: false }, p.env);
        this.fs.write(act.pidFile, `${child.pid}\n`);
        break;
      }
    }
  }

  private exit(p: SimProcess, code: 'exited' | 'killed', status: number): void {
    if (!p.alive) return;
    p.alive = false;
    this.fs.remove(`/proc/${p.pid}/stat`);
    if (p.execId >= 0) this.push(this.now, { kind: 'ProcessExited', execId: p.execId, code, status });
    if (this.emptyWatched.has(p.unit) && ![...this.procs.values()].some((q) => q.alive && q.unit === p.unit)) {
      this.emptyWatched.delete(p.unit);
      this.push(this.now, { kind: 'UnitProcessesGone', unit: p.unit });
    }
  }

  private signal(req: SignalRequest): number {
    let n = 0;
    this.note(`signal ${req.signal} ${req.unit} #${req.execIds.join(',#')}${req.wholeUnit ? ' +unit' : ''}`);
    for (const p of this.procs.values()) {
      if (!p.alive) continue;
      if (!(req.execIds.includes(p.execId) || (req.wholeUnit && p.unit === req.unit))) continue;
      n++;
      if (HARMLESS_SIGNALS.has(req.signal) || (p.script.ignoreTerm && req.signal === 15)) continue;
      this.push(this.now, () => this.exit(p, 'killed', req.signal));
    }
    return n;
  }

  /** A client connects to a listening socket (its unit path or address); false if none listens. */
  connect(address: string): boolean {
    this.note(`> connect ${address}`);
    return this.sockets.connect(address);
  }

  /** A client request, as the RPC layer makes it; jobs run only once the sim proceeds. */
  enqueue(unit: string, type: EnqueueRequest['type'], mode: EnqueueRequest['mode'] = 'replace', who: RequestContext = { client: 'test', pid: 1, uid: 0 }): Result<EnqueueResult> {
    this.note(`> enqueue ${type} ${unit} --job-mode=${mode}`);
    const r = this.manager.enqueue({ unit, type, mode }, who);
    this.onStep?.(this, `enqueue ${type} ${unit} ${mode}`);
    return r;
  }

  /** Virtual time of the next pending input or timer (Infinity when nothing is pending). */
  nextAt(): number {
    if (this.manager.hasQueuedJobs()) return this.now;
    return Math.min(this.queue[0]?.at ?? Number.POSITIVE_INFINITY, ...this.timers.values());
  }

  /** Runs until nothing is pending or `until` (virtual µs) is reached. */
  run(until = Number.POSITIVE_INFINITY): void {
    for (let guard = 0; guard < 1_000_000; guard++) {
      const next = this.queue[0];
      if (next && next.at <= this.now) {
        this.queue.shift();
        if (typeof next.input === 'function') next.input();
        else {
          this.handle(next.input);
          this.onStep?.(this, next.input.kind);
        }
        continue;
      }
      if (this.manager.hasQueuedJobs()) { this.note('> dispatch'); this.manager.dispatch(); this.onStep?.(this, 'dispatch'); continue; }
      const timerAt = Math.min(...this.timers.values());
      const at = Math.min(next?.at ?? Number.POSITIVE_INFINITY, timerAt);
      if (!Number.isFinite(at) || at > until) { if (Number.isFinite(until)) this.now = Math.max(this.now, until); return; }
      this.now = Math.max(this.now, at);
      for (const [id, t] of [...this.timers]) {
        if (t <= this.now) {
          this.timers.delete(id);
          this.handle({ kind: 'TimerFired', id });
          this.onStep?.(this, `TimerFired ${id}`);
        }
      }
    }
    throw new Error('simulation did not settle');
  }

  runFor(seconds: number): void { this.run(this.now + sec(seconds)); }

  /** Sets the wall clock (settimeofday) and tells the engine, as the daemon's clock watch does. */
  setRealtime(realtimeUsec: number): void {
    this.realtimeOffset = realtimeUsec - this.now;
    this.handle({ kind: 'ClockChanged' });
    this.onStep?.(this, 'ClockChanged');
  }

  /** The wall clock now (µs since the epoch). */
  realtime(): number { return this.realtimeOffset + this.now; }

  state(unit: string): string {
    const r = this.manager.unitProperties(unit, ['ActiveState', 'SubState', 'Result']);
    if (!r.ok) return r.error.message;
    const p = Object.fromEntries(r.value.properties);
    return `${p['ActiveState']}/${p['SubState']}${p['Result'] !== undefined ? `/${p['Result']}` : ''}`;
  }

  prop(unit: string, name: string): string | undefined {
    const r = this.manager.unitProperties(unit, [name]);
    return r.ok ? r.value.properties.find(([k]) => k === name)?.[1] : undefined;
  }

  /** Results of JobRemoved events for a job id. */
  jobResult(id: number): string | undefined {
    for (const e of this.events) if (e.kind === 'JobRemoved' && e.job.id === id) return e.result;
    return undefined;
  }
}


/** One engine event as a trace line. */
function describeEvent(e: EngineEvent): string {
  switch (e.kind) {
    case 'JobNew': case 'JobChanged': return `${e.kind} ${e.job.id} ${e.job.unit}/${e.job.type} ${e.job.state}`;
    case 'JobRemoved': return `JobRemoved ${e.job.id} ${e.job.unit}/${e.job.type} ${e.result}: ${e.cause.text}`;
    case 'UnitStateChanged': return `UnitStateChanged ${e.unit} ${e.oldState} -> ${e.activeState}/${e.subState}`;
    case 'Log': return `Log ${e.level} ${e.unit ?? '-'}: ${e.message}`;
    case 'Idle': return 'Idle';
    case 'ExitRequested': return `ExitRequested ${e.mode} ${e.status ?? '-'}`;
    case 'UnitFilesChanged': return `UnitFilesChanged ${e.changed.join(' ')}${e.report ? ' (reloaded)' : ''}`;
    case 'Reloaded': return `Reloaded +${e.report.added.length} -${e.report.removed.length} ~${e.report.changed.length}`;
  }
}
