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
import { MemFs } from '../fixtures/mem-fs.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The daemon's built-in standard targets, mounted where the simulation's search path ends. */
const BUILTIN_DIR = '/usr/share/unitd/units';
const BUILTIN_UNITS: Record<string, string> = (() => {
  const dir = resolve(import.meta.dirname, '../../share/units');
  return Object.fromEntries(readdirSync(dir).map((n) => [join(BUILTIN_DIR, n), readFileSync(join(dir, n), 'utf8')]));
})();

const SEC = 1_000_000;
export const sec = (s: number): number => Math.round(s * SEC);

/**
 * A command's script, read from its argv: `/sim/run [ready=SECS] [exit=SECS] [status=N]
 * [term=ignore] [notify=SECS] [fork=SECS pidfile=PATH] [write=PATH]`. Anything else exits 0 at
 * once; a path under /missing/ fails to exec (203).
 */
interface Script {
  exitAfter: number | null;
  status: number;
  ignoreTerm: boolean;
  notifyAfter: number | null;
  write: string | null;
}

function parseScript(req: SpawnRequest): Script | 'missing' {
  if (req.path.startsWith('/missing/')) return 'missing';
  const s: Script = { exitAfter: 0, status: 0, ignoreTerm: false, notifyAfter: null, write: null };
  if (req.path !== '/sim/run') return s;
  s.exitAfter = null;
  for (const arg of req.argv.slice(1)) {
    const [k, v = ''] = arg.split('=', 2) as [string, string?];
    if (k === 'exit') s.exitAfter = sec(Number(v));
    else if (k === 'status') s.status = Number(v);
    else if (k === 'term') s.ignoreTerm = v === 'ignore';
    else if (k === 'notify') s.notifyAfter = sec(Number(v));
    else if (k === 'write') s.write = v;
  }
  return s;
}

interface SimProcess { execId: number; unit: string; pid: number; script: Script; alive: boolean; pgid: number }

export interface SimOptions { readonly files: Record<string, string>; readonly unitPath?: string[] }

const HOST: HostInfo = {
  hostname: 'sim', machineId: '0'.repeat(32), bootId: '1'.repeat(32), kernelRelease: '6.1.0', architecture: 'x86-64',
  userName: 'root', uid: 0, groupName: 'root', gid: 0, home: '/root', shell: '/bin/sh', runtimeDir: '/run',
  environment: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin' },
};

export class Sim {
  now = 0;
  private seq = 0;
  private nextPid = 1000;
  private readonly queue: { at: number; seq: number; input: Input | (() => void) }[] = [];
  private readonly timers = new Map<string, number>();
  readonly procs = new Map<number, SimProcess>();
  readonly events: EngineEvent[] = [];
  readonly spawned: SpawnRequest[] = [];
  readonly fs: MemFs;
  readonly manager: Manager;

  constructor(o: SimOptions) {
    this.fs = new MemFs({ ...BUILTIN_UNITS, ...o.files });
    const driver: ProcessDriver = {
      spawn: (req) => this.spawn(req),
      signal: (req) => this.signal(req),
      adopt: () => {},
      hasProcesses: (unit) => [...this.procs.values()].some((p) => p.alive && p.unit === unit),
    };
    let invocation = 0;
    this.manager = new Manager({
      clock: { now: () => this.now, realtime: () => 1_700_000_000 * SEC + this.now },
      timers: { arm: (id, at) => { this.timers.set(id, at); }, cancel: (id) => { this.timers.delete(id); } },
      processes: driver,
      events: { emit: (e) => { this.events.push(e); } },
      fs: this.fs,
      host: HOST,
      newInvocationId: () => (++invocation).toString(16).padStart(32, '0'),
    }, { unitPath: [...(o.unitPath ?? ['/etc/systemd/system']), BUILTIN_DIR] });
  }

  private push(at: number, input: Input | (() => void)): void {
    this.queue.push({ at, seq: this.seq++, input });
    this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
  }

  private spawn(req: SpawnRequest): void {
    this.spawned.push(req);
    const script = parseScript(req);
    if (script === 'missing') {
      this.push(this.now, { kind: 'ProcessExited', execId: req.execId, code: 'exited', status: 203 });
      return;
    }
    const pid = this.nextPid++;
    const p: SimProcess = { execId: req.execId, unit: req.unit, pid, script, alive: true, pgid: pid };
    this.procs.set(pid, p);
    this.push(this.now, { kind: 'ProcessStarted', execId: req.execId, pid });
    if (script.write) this.fs.write(script.write, `${req.unit}\n`);
    if (script.notifyAfter !== null) this.push(this.now + script.notifyAfter, () => {
      if (p.alive) this.push(this.now, { kind: 'NotifyReceived', unit: req.unit, pid, message: 'READY=1' });
    });
    if (script.exitAfter !== null) this.push(this.now + script.exitAfter, () => this.exit(p, 'exited', script.status));
  }

  private exit(p: SimProcess, code: 'exited' | 'killed', status: number): void {
    if (!p.alive) return;
    p.alive = false;
    this.push(this.now, { kind: 'ProcessExited', execId: p.execId, code, status });
  }

  private signal(req: SignalRequest): number {
    let n = 0;
    for (const p of this.procs.values()) {
      if (!p.alive) continue;
      if (!(req.execIds.includes(p.execId) || (req.wholeUnit && p.unit === req.unit))) continue;
      n++;
      if (req.signal === 9 || !(p.script.ignoreTerm && req.signal === 15)) this.push(this.now, () => this.exit(p, 'killed', req.signal));
    }
    return n;
  }

  /** A client request, as the RPC layer makes it; jobs run only once the sim proceeds. */
  enqueue(unit: string, type: EnqueueRequest['type'], mode: EnqueueRequest['mode'] = 'replace', who: RequestContext = { client: 'test', pid: 1, uid: 0 }): Result<EnqueueResult> {
    return this.manager.enqueue({ unit, type, mode }, who);
  }

  /** Runs until nothing is pending or `until` (virtual µs) is reached. */
  run(until = Number.POSITIVE_INFINITY): void {
    for (let guard = 0; guard < 1_000_000; guard++) {
      const next = this.queue[0];
      if (next && next.at <= this.now) {
        this.queue.shift();
        if (typeof next.input === 'function') next.input();
        else this.manager.handle(next.input);
        continue;
      }
      if (this.manager.hasQueuedJobs()) { this.manager.dispatch(); continue; }
      const timerAt = Math.min(...this.timers.values());
      const at = Math.min(next?.at ?? Number.POSITIVE_INFINITY, timerAt);
      if (!Number.isFinite(at) || at > until) { if (Number.isFinite(until)) this.now = until; return; }
      this.now = Math.max(this.now, at);
      for (const [id, t] of [...this.timers]) {
        if (t <= this.now) { this.timers.delete(id); this.manager.handle({ kind: 'TimerFired', id }); }
      }
    }
    throw new Error('simulation did not settle');
  }

  runFor(seconds: number): void { this.run(this.now + sec(seconds)); }

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
