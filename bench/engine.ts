// The engine benchmark (issue: job engine performance): the real Manager with in-memory ports and
// a driver whose processes start at once. For N units in a random graph (Wants=/Requires=/After=,
// fan-out about 5) it times loading the closure, building and applying the transaction of a
// target that pulls in all of them, and running every job to completion.
import { UTC_ZONE } from '../src/engine/calendar.ts';
import { Manager } from '../src/engine/manager.ts';
import type { Input } from '../src/engine/inputs.ts';
import type { Ports } from '../src/engine/ports.ts';
import { MemFs } from '../test/fixtures/mem-fs.ts';
import { mulberry32 as rng } from '../test/fixtures/prng.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const UNITS = '/etc/systemd/system';
/** The daemon's built-in targets (services depend on sysinit.target and basic.target). */
const BUILTIN = '/usr/share/unitd/units';
const BUILTIN_FILES: Record<string, string> = (() => {
  const dir = join(import.meta.dirname, '../share/units');
  return Object.fromEntries(readdirSync(dir).map((n) => [`${BUILTIN}/${n}`, readFileSync(join(dir, n), 'utf8')]));
})();

/**
 * Unit i pulls in its five children 5i+1…5i+5 (Wants=, one in four Requires=), so the target's
 * closure is every unit; about one random After= per unit points at a higher index (acyclic).
 */
export function randomGraph(n: number, seed = 1): Record<string, string> {
  const r = rng(seed);
  const files: Record<string, string> = {};
  const name = (i: number): string => `u${i}.service`;
  files[`${UNITS}/all.target`] = `[Unit]\nWants=${name(0)}\n`;
  for (let i = 0; i < n; i++) {
    const wants: string[] = [];
    const requires: string[] = [];
    for (let c = 5 * i + 1; c <= 5 * i + 5 && c < n; c++) (r() < 0.25 ? requires : wants).push(name(c));
    const after: string[] = [];
    if (i + 1 < n && r() < 0.9) after.push(name(i + 1 + Math.floor(r() * (n - i - 1))));
    files[`${UNITS}/${name(i)}`] = `[Unit]\n${wants.length ? `Wants=${wants.join(' ')}\n` : ''}${requires.length ? `Requires=${requires.join(' ')}\n` : ''}${after.length ? `After=${after.join(' ')}\n` : ''}[Service]\nExecStart=/bin/true-daemon\n`;
  }
  return files;
}

/** One id for every start: the fake port should cost the measured span nothing. */
const INVOCATION_ID = '0'.repeat(32);

export interface Figures {
  n: number; loadMs: number; applyMs: number; runMs: number; jobs: number; active: number;
  /** Main-thread CPU time of build+apply+run: steadier than wall time on a shared machine. */
  cpuMs: number;
}

/** CPU time of this thread (not of GC helper threads), in ms. */
const threadCpuMs = (): number => {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
};

/** `around` brackets the measured span (build+apply+run), e.g. to profile only that. */
export function benchOnce(n: number, seed = 1, around?: { before(): void; after(): void }): Figures {
  const fs = new MemFs({ ...BUILTIN_FILES, ...randomGraph(n, seed), '/bin/true-daemon': '' });
  const inbox: Input[] = [];
  let pid = 100;
  let now = 0;
  const ports: Ports = {
    clock: { now: () => now, realtime: () => now },
    timers: { arm: () => {}, cancel: () => {} },
    processes: {
      spawn: (req) => { inbox.push({ kind: 'ProcessStarted', execId: req.execId, pid }); return pid++; },
      signal: () => 0, adopt: () => {}, hasProcesses: () => true, watchProcessesGone: () => {},
    },
    events: { emit: () => {} },
    sockets: {
      open: () => ({ ok: false, message: 'no sockets in the benchmark' }),
      watch: () => {}, unwatch: () => {}, flush: () => {}, accept: () => null, close: () => {},
    },
    fs,
    host: {
      hostname: 'bench', machineId: '0'.repeat(32), bootId: '1'.repeat(32), kernelRelease: '6.1.0', architecture: 'x86-64',
      userName: 'root', uid: 0, groupName: 'root', gid: 0, home: '/root', shell: '/bin/sh', runtimeDir: '/run', environment: {},
    },
    newInvocationId: () => INVOCATION_ID,
    timerStamps: { read: () => null, write: () => {} },
    timeZones: { local: () => UTC_ZONE, named: () => UTC_ZONE },
    random: () => 0,
  };
  const m = new Manager(ports, { unitPath: [UNITS, BUILTIN] });
  const who = { client: 'bench', pid: 1, uid: 0 };
  const t0 = performance.now();
  const jobs = plannedJobs(m, who);
  around?.before();
  const t1 = performance.now();
  const c1 = threadCpuMs();
  // As `unitctl start` asks: no listing of the jobs.
  const r = m.enqueue({ unit: 'all.target', type: 'start', mode: 'replace', listJobs: false }, who);
  const t2 = performance.now();
  if (!r.ok) throw new Error(r.error.message);
  for (;;) {
    if (inbox.length > 0) { for (const input of inbox.splice(0)) m.handle(input); continue; }
    if (m.hasQueuedJobs()) { m.dispatch(); continue; }
    break;
  }
  const t3 = performance.now();
  const c3 = threadCpuMs();
  around?.after();
  now += 1;
  const active = m.listUnits({ all: false }).filter((u) => u.activeState === 'active').length;
  if (m.listJobs().length !== 0) throw new Error(`${m.listJobs().length} jobs left`);
  return { n, loadMs: t1 - t0, applyMs: t2 - t1, runMs: t3 - t2, cpuMs: c3 - c1, jobs, active };
}

/** Loads the closure (a dry run) and counts the jobs its transaction plans; the listing is dropped here. */
function plannedJobs(m: Manager, who: { client: string; pid: number; uid: number }): number {
  const dry = m.enqueue({ unit: 'all.target', type: 'start', mode: 'replace', dryRun: true }, who);
  if (!dry.ok) throw new Error(dry.error.message);
  return dry.value.jobs.length;
}
