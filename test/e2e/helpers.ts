// End-to-end helpers: a real unitd on a temporary unit directory and socket, driven by the real
// unitctl. Nothing is faked here.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { listProcesses } from '../../src/daemon/proc.ts';

export const REPO = resolve(import.meta.dirname, '../..');

export interface Daemon {
  readonly dir: string;
  readonly units: string;
  readonly socket: string;
  readonly proc: ChildProcess;
  readonly output: () => string;
  ctl(...args: string[]): { stdout: string; stderr: string; status: number | null };
  stop(): Promise<number | null>;
}

export async function startDaemon(units: Record<string, string>, extraFlags: readonly string[] = [], reuseDir?: string): Promise<Daemon> {
  const dir = reuseDir ?? mkdtempSync(join(tmpdir(), 'unitd-e2e-'));
  const unitDir = join(dir, 'units');
  spawnSync('mkdir', ['-p', unitDir]);
  for (const [name, text] of Object.entries(units)) writeFileSync(join(unitDir, name), text.replaceAll('@DIR@', dir));
  const socket = join(dir, 'run', 'unitd.sock');
  let out = '';
  const proc = spawn(join(REPO, 'bin/unitd'), ['--unit-path', unitDir, '--socket', socket, '--state-dir', join(dir, 'state'), ...extraFlags], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  proc.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  for (let i = 0; i < 200 && !existsSync(socket); i++) await sleep(50);
  if (!existsSync(socket)) throw new Error(`daemon did not create its socket:\n${out}`);
  return {
    dir, units: unitDir, socket, proc, output: () => out,
    ctl: (...args) => {
      const r = spawnSync(join(REPO, 'bin/unitctl'), ['--socket', socket, ...args], { encoding: 'utf8', timeout: 60_000 });
      return { stdout: r.stdout, stderr: r.stderr, status: r.status };
    },
    async stop() {
      if (proc.exitCode !== null) return proc.exitCode;
      const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
      proc.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(20_000, undefined, { ref: false }).then(() => 'timeout' as const)]);
      if (code === 'timeout') {
        // Its units' processes would outlive a SIGKILLed daemon (own process groups): take them too.
        const doomed = descendantsOf(proc.pid!);
        proc.kill('SIGKILL');
        for (const pid of doomed) { try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ } }
        throw new Error(`daemon did not exit on SIGTERM:\n${out}`);
      }
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

/** Every process below `root` by parent links (a subreaper daemon adopts its units' orphans). */
export function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const p of listProcesses()) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const out: number[] = [];
  for (let queue = [root]; queue.length > 0;) {
    for (const child of children.get(queue.pop()!) ?? []) { out.push(child); queue.push(child); }
  }
  return out;
}

/** Live (non-zombie) processes whose command line contains `marker`. */
export function processesWith(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (cmd.includes(marker) && state !== 'Z') pids.push(Number(entry));
    } catch { /* the process ended while we looked */ }
  }
  return pids;
}

export async function waitFor(cond: () => boolean, ms = 10_000): Promise<boolean> {
  for (let t = 0; t < ms; t += 50) {
    if (cond()) return true;
    await sleep(50);
  }
  return cond();
}
