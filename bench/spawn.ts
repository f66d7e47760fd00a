// Cost per spawn: the process driver (prepare, spawn in a new process group, track, exit input)
// against a bare child_process.spawn of /bin/true; median milliseconds over sequential spawns.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLog } from '../src/daemon/log.ts';
import { NotifyReceiver } from '../src/daemon/notify.ts';
import { NodeProcessDriver } from '../src/daemon/process-driver.ts';
import type { Input } from '../src/engine/inputs.ts';
import type { SpawnRequest } from '../src/engine/ports.ts';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function bare(n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await new Promise<void>((res) => spawn('/bin/true', [], { stdio: 'ignore' }).once('exit', () => res()));
    out.push(performance.now() - t);
  }
  return out;
}

async function driven(n: number, extra: Partial<SpawnRequest>): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'unitd-bench-'));
  let waiting: ((i: Input) => void) | null = null;
  const push = (i: Input): void => { if (i.kind === 'ProcessExited') waiting?.(i); };
  const notify = new NotifyReceiver({ dir: join(dir, 'notify'), push, onError: () => {} });
  const driver = new NodeProcessDriver({ push, log: createLog({ level: 'silent' }), notify, reaper: null, home: '/' });
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await new Promise<void>((res) => {
      waiting = () => res();
      driver.spawn({
        execId: i + 1, unit: 'bench.service', role: 'main', path: '/bin/true', argv: ['/bin/true'], env: { PATH: '/usr/bin:/bin' },
        cwd: '/', cwdOptional: false, user: null, group: null, supplementaryGroups: [], umask: null, nice: null, limits: {},
        stdin: 'null', stdout: 'journal', stderr: 'inherit', syslogIdentifier: 'bench', notify: false, fds: [], ...extra,
      });
    });
    out.push(performance.now() - t);
  }
  driver.close();
  notify.closeAll();
  rmSync(dir, { recursive: true, force: true });
  return out;
}

export interface SpawnBench { readonly spawns: number; readonly rows: readonly { readonly name: string; readonly medianMs: number }[] }

/** Runs each variant `spawns` times (after a warm-up) and returns the medians. */
export async function benchSpawn(spawns = 100): Promise<SpawnBench> {
  await bare(10);
  await driven(10, {});
  const rows = [
    { name: 'child_process.spawn /bin/true (stdio ignore)', medianMs: median(await bare(spawns)) },
    { name: 'process driver /bin/true (piped output)', medianMs: median(await driven(spawns, {})) },
    { name: 'process driver + UMask=, LimitNOFILE= (prlimit link)', medianMs: median(await driven(spawns, { umask: 0o027, limits: { NOFILE: { soft: 1024, hard: 4096 } } })) },
  ];
  if (process.getuid?.() === 0) {
    rows.push({ name: 'process driver + User=nobody (setpriv link)', medianMs: median(await driven(spawns, { user: 'nobody' })) });
  }
  return { spawns, rows };
}

export function formatSpawnBench(b: SpawnBench): string {
  const base = b.rows[0]!.medianMs;
  return [`spawn: median ms per spawn over ${b.spawns} sequential spawns`,
    ...b.rows.map((r) => `  ${r.name.padEnd(56)} ${r.medianMs.toFixed(3)} ms (${(r.medianMs - base >= 0 ? '+' : '')}${(r.medianMs - base).toFixed(3)})`)].join('\n');
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.filename === process.argv[1];
if (isEntryPoint) process.stdout.write(`${formatSpawnBench(await benchSpawn(Number(process.argv[2] ?? 100)))}\n`);
