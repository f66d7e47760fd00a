// Real services nobody here wrote: Debian's nginx, redis-server, cron and openssh-server, installed
// with apt by this test and run from their stock unit files (copied byte for byte) by a real unitd
// that is PID 1 of its own PID, mount and network namespaces with a private tmpfs /run. Each must
// start, answer on loopback, reload, restart and stop with nothing left behind.
// Needs root (apt, namespaces); skipped with a message only when apt cannot reach its mirrors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO, waitFor } from './helpers.ts';

const UNITS = ['nginx.service', 'redis-server.service', 'cron.service', 'ssh.service'];
const PACKAGES = ['nginx', 'redis-server', 'redis-tools', 'cron', 'openssh-server', 'openssh-client', 'curl', 'iproute2'];
const POLICY = '/usr/sbin/policy-rc.d';
const NO_NETWORK = /Could not resolve|Temporary failure|Failed to fetch|Unable to connect|Network is unreachable|Connection timed out/i;

const run = (cmd: string, args: readonly string[], timeout = 600_000) => {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8', timeout, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', RUNLEVEL: '1' },
  });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
};

const installed = (pkg: string): boolean => run('dpkg-query', ['-W', '-f=${Status}', pkg]).out.includes('install ok installed');

/**
 * Installs what is missing; postinst must not start anything on this host, so a policy-rc.d that
 * answers 101 is put in place for the install (and removed again if it was ours). Returns a skip
 * reason, or null when everything is installed.
 */
function ensurePackages(): string | null {
  if (process.getuid?.() !== 0) return 'needs root to install packages and create namespaces';
  const missing = PACKAGES.filter((p) => !installed(p));
  if (missing.length === 0) return null;
  const ownPolicy = !existsSync(POLICY);
  if (ownPolicy) writeFileSync(POLICY, '#!/bin/sh\n# written by unitd\'s debian-services test: no service starts during apt\nexit 101\n', { mode: 0o755 });
  try {
    const apt = ['-o', 'DPkg::Lock::Timeout=600', '-y', '-q', '--no-install-recommends', 'install', ...missing];
    const offline = (out: string): string | null => {
      const m = NO_NETWORK.exec(out);
      return m ? `apt has no network (${m[0]}); cannot install ${missing.join(' ')}` : null;
    };
    let r = run('apt-get', apt);
    if (r.status !== 0) {
      // Stale or missing package lists: refresh them once, then try again.
      const update = run('apt-get', ['-o', 'DPkg::Lock::Timeout=600', '-q', 'update']);
      const why = offline(update.out);
      if (why) return why;
      r = run('apt-get', apt);
    }
    if (r.status !== 0) return offline(r.out) ?? assert.fail(`apt-get install failed:\n${r.out.slice(-3000)}`);
  } finally {
    if (ownPolicy) rmSync(POLICY, { force: true });
  }
  return null;
}

const skip = ensurePackages();
if (skip) console.log(`# debian-services skipped: ${skip}`);

let dir = '';
let box: ChildProcess | null = null;
let output = '';
/** unitd's pid on the host (it is PID 1 inside). */
let unitdPid = 0;

const ctl = (...args: string[]) => {
  const r = spawnSync(join(REPO, 'bin/unitctl'), ['--socket', join(dir, 'run', 'unitd.sock'), ...args], { encoding: 'utf8', timeout: 90_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
};
/** Runs a command inside unitd's namespaces (network, PID, mount). */
const inBox = (cmd: string, ...args: string[]) => {
  const r = spawnSync('nsenter', ['-t', String(unitdPid), '-n', '-p', '-m', '--', cmd, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', status: r.status };
};
const mainPid = (unit: string): number => Number(ctl('show', '-p', 'MainPID', '--value', unit).stdout.trim());

interface BoxProc { readonly pid: number; readonly ppid: number; readonly state: string; readonly cmd: string }

/** Every process in unitd's PID namespace but unitd itself, by namespace pid (parents too). */
function boxProcesses(): BoxProc[] {
  const ns = readlinkSync(`/proc/${unitdPid}/ns/pid`);
  const found: { host: number; pid: number; hostPpid: number; state: string; cmd: string }[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === unitdPid) continue;
    try {
      if (readlinkSync(`/proc/${e}/ns/pid`) !== ns) continue;
      const nspid = /^NSpid:\s+(.*)$/m.exec(readFileSync(`/proc/${e}/status`, 'utf8'))?.[1]?.trim().split(/\s+/).at(-1);
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = readFileSync(`/proc/${e}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      found.push({ host: Number(e), pid: Number(nspid), hostPpid: Number(rest[1]), state: rest[0] ?? '?', cmd });
    } catch { /* gone while we looked */ }
  }
  const nsOf = new Map<number, number>([[unitdPid, 1], ...found.map((f): [number, number] => [f.host, f.pid])]);
  return found.map((f) => ({ pid: f.pid, ppid: nsOf.get(f.hostPpid) ?? 0, state: f.state, cmd: f.cmd }));
}

const httpCode = (): string => inBox('curl', '-sS', '-m', '5', '-o', '/dev/null', '-w', '%{http_code}', 'http://127.0.0.1/').stdout.trim();
const redisPing = (): string => inBox('redis-cli', '-h', '127.0.0.1', 'PING').stdout.trim();
const sshBanner = (): string => inBox('ssh-keyscan', '-T', '5', '127.0.0.1').stderr;
const nginxWorkers = (master: number): number[] => boxProcesses().filter((p) => p.ppid === master && p.cmd.includes('worker process')).map((p) => p.pid);
const commOf = (nspid: number): string => inBox('cat', `/proc/${nspid}/comm`).stdout.trim();

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'unitd-debian-'));
  // Like /run: redis (User=redis) must reach its notify socket in run.notify/ beside unitd's run/.
  chmodSync(dir, 0o755);
  const units = join(dir, 'units');
  mkdirSync(units);
  for (const u of UNITS) copyFileSync(join('/lib/systemd/system', u), join(units, u));
  if (!existsSync('/etc/ssh/ssh_host_ed25519_key')) run('ssh-keygen', ['-A']);
  const inner = 'ip link set lo up && mount -t tmpfs -o mode=0755 tmpfs /run && exec "$0" "$@"';
  box = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--mount', '--net', '--', 'sh', '-c', inner,
    join(REPO, 'bin/unitd'), '--unit-path', units, '--socket', join(dir, 'run', 'unitd.sock'), '--state-dir', join(dir, 'state'), '--no-watch'],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  box.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
  box.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
  assert.ok(await waitFor(() => existsSync(join(dir, 'run', 'unitd.sock')), 20_000), `unitd did not come up:\n${output}`);
  const child = readFileSync(`/proc/${box.pid}/task/${box.pid}/children`, 'utf8').trim().split(/\s+/)[0];
  unitdPid = Number(child);
  assert.ok(unitdPid > 0, 'no unitd under unshare');
  assert.match(readFileSync(`/proc/${unitdPid}/status`, 'utf8'), /^NSpid:\s+\d+\s+1$/m, 'unitd is PID 1 of its namespace');
});

after(async () => {
  if (!box) return;
  if (box.exitCode === null) {
    const exited = new Promise((res) => box!.once('exit', res));
    process.kill(unitdPid, 'SIGTERM');
    await Promise.race([exited, sleep(30_000, undefined, { ref: false })]);
    if (box.exitCode === null) process.kill(unitdPid, 'SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
});

test('the stock unit files are used unchanged', { skip: skip ?? false }, () => {
  for (const u of UNITS) assert.equal(readFileSync(join(dir, 'units', u), 'utf8'), readFileSync(join('/lib/systemd/system', u), 'utf8'));
});

test('all four start and answer: nginx on :80, redis PONG, sshd banner on :22, cron running', { skip: skip ?? false }, async () => {
  const r = ctl('start', ...UNITS);
  assert.equal(r.status, 0, `${r.stderr}\n${output.slice(-3000)}`);
  for (const u of UNITS) assert.equal(ctl('is-active', u).stdout.trim(), 'active', ctl('status', u).stdout);
  assert.ok(await waitFor(() => httpCode() === '200', 15_000), `nginx answered ${httpCode()}`);
  assert.match(inBox('curl', '-sS', 'http://127.0.0.1/').stdout, /Welcome to nginx/);
  assert.ok(await waitFor(() => redisPing() === 'PONG', 15_000), `redis answered ${redisPing()}`);
  assert.match(sshBanner(), /SSH-2\.0-OpenSSH/);
  assert.equal(commOf(mainPid('cron.service')), 'cron');
  // Type=forking with PIDFile=: the main PID is nginx's master, read from /run/nginx.pid.
  assert.equal(inBox('cat', '/run/nginx.pid').stdout.trim(), String(mainPid('nginx.service')));
  // RuntimeDirectory=redis with RuntimeDirectoryMode=2755, owned by User=redis; sshd's privsep directory.
  assert.match(inBox('stat', '-c', '%a %U %G', '/run/redis').stdout.trim(), /^2755 redis redis$/);
  assert.match(inBox('stat', '-c', '%a %U', '/run/sshd').stdout.trim(), /^755 root$/);
  assert.match(inBox('ps', '-o', 'user=', '-p', String(mainPid('redis-server.service'))).stdout.trim(), /^redis$/);
});

test('reload: nginx keeps its master and replaces its workers, sshd keeps its PID, redis and cron cannot reload', { skip: skip ?? false }, async () => {
  const master = mainPid('nginx.service');
  const before = nginxWorkers(master);
  assert.ok(before.length > 0, 'nginx has workers');
  assert.equal(ctl('reload', 'nginx.service').status, 0);
  assert.ok(await waitFor(() => nginxWorkers(master).some((w) => !before.includes(w)), 15_000), 'new nginx workers after reload');
  assert.equal(mainPid('nginx.service'), master);
  assert.equal(httpCode(), '200');
  const sshd = mainPid('ssh.service');
  assert.equal(ctl('reload', 'ssh.service').status, 0);
  assert.equal(mainPid('ssh.service'), sshd);
  assert.ok(await waitFor(() => /SSH-2\.0-OpenSSH/.test(sshBanner()), 15_000));
  for (const u of ['redis-server.service', 'cron.service']) {
    const r = ctl('reload', u);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, new RegExp(`Failed to reload ${u}: Job type reload is not applicable for unit ${u}\\.`));
    assert.equal(ctl('is-active', u).stdout.trim(), 'active');
  }
});

test('restart: each gets a new main PID and answers again', { skip: skip ?? false }, async () => {
  for (const u of UNITS) {
    const old = mainPid(u);
    const r = ctl('restart', u);
    assert.equal(r.status, 0, `${u}: ${r.stderr}`);
    assert.equal(ctl('is-active', u).stdout.trim(), 'active');
    const now = mainPid(u);
    assert.ok(now > 0 && now !== old, `${u}: main PID ${old} → ${now}`);
  }
  assert.ok(await waitFor(() => httpCode() === '200', 15_000));
  assert.ok(await waitFor(() => redisPing() === 'PONG', 15_000));
  assert.ok(await waitFor(() => /SSH-2\.0-OpenSSH/.test(sshBanner()), 15_000));
});

test('stop: nothing is left in the namespace, no zombie, runtime directories and nginx.pid are gone', { skip: skip ?? false }, async () => {
  const r = ctl('stop', ...UNITS);
  assert.equal(r.status, 0, r.stderr);
  for (const u of UNITS) assert.equal(ctl('is-active', u).stdout.trim(), 'inactive', ctl('status', u).stdout);
  const left = (): BoxProc[] => boxProcesses();
  assert.ok(await waitFor(() => left().length === 0, 20_000), `left behind: ${JSON.stringify(left())}`);
  const run = readdirSync(`/proc/${unitdPid}/root/run`);
  for (const gone of ['nginx.pid', 'redis', 'sshd']) assert.ok(!run.includes(gone), `/run still has ${gone}: ${run.join(' ')}`);
  assert.notEqual(httpCode(), '200');
});
