// PID 1 duties end to end: SuccessAction=/FailureAction= end the real daemon with the right exit
// status, the stop and log signals, and unitd as PID 1 of its own PID namespace reaping orphans.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processesWith, REPO, startDaemon, waitFor, type Daemon } from './helpers.ts';

const SIGRTMIN = 34;
/** Every command line of this suite carries it, so leftovers can be found in /proc. */
const M = `unitd-pid1-${process.pid}`;

function exitOf(d: Daemon): Promise<number | null> {
  if (d.proc.exitCode !== null) return Promise.resolve(d.proc.exitCode);
  return new Promise((res) => d.proc.once('exit', (code) => res(code)));
}

async function withTimeout<T>(p: Promise<T>, what: string, d: Daemon, ms = 30_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, rej) => { timer = setTimeout(() => { d.proc.kill('SIGKILL'); rej(new Error(`${what}:\n${d.output()}`)); }, ms); });
  try { return await Promise.race([p, t]); } finally { clearTimeout(timer); }
}

/** A bystander service whose ExecStop= leaves a file: proof that the shutdown was orderly. */
const bystander = (marker: string): string =>
  `[Service]\nExecStart=/bin/sh -c 'sleep 3600; : ${marker}'\nExecStop=/bin/sh -c 'echo stopped > @DIR@/bystander-stopped'\n`;

test('FailureAction=exit: the failed service\'s exit status ends unitd after an orderly stop', async () => {
  const marker = `${M}-fail`;
  const d = await startDaemon({
    'bystander.service': bystander(marker),
    'crit.service': "[Unit]\nFailureAction=exit\n[Service]\nExecStart=/bin/sh -c 'sleep 1; exit 7'\n",
  });
  const dir = d.dir;
  try {
    assert.equal(d.ctl('start', 'bystander.service').status, 0);
    assert.equal(d.ctl('start', 'crit.service').status, 0);
    assert.equal(await withTimeout(exitOf(d), 'unitd did not exit', d), 7);
    assert.equal(existsSync(join(dir, 'bystander-stopped')) ? readFileSync(join(dir, 'bystander-stopped'), 'utf8') : d.output(), 'stopped\n');
    assert.match(d.output(), /unit crit\.service failed/);
    assert.deepEqual(processesWith(marker), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SuccessAction=exit: a clean end exits 0 after the other units stopped', async () => {
  const marker = `${M}-success`;
  const d = await startDaemon({
    'bystander.service': bystander(marker),
    'job.service': '[Unit]\nSuccessAction=exit\n[Service]\nType=oneshot\nExecStart=/bin/true\n',
  });
  const dir = d.dir;
  try {
    assert.equal(d.ctl('start', 'bystander.service').status, 0);
    d.ctl('start', '--no-block', 'job.service');
    assert.equal(await withTimeout(exitOf(d), 'unitd did not exit', d), 0);
    assert.equal(existsSync(join(dir, 'bystander-stopped')) ? readFileSync(join(dir, 'bystander-stopped'), 'utf8') : d.output(), 'stopped\n');
    assert.deepEqual(processesWith(marker), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('FailureAction=exit-force: no stop jobs run, every process is killed, the status still propagates', async () => {
  const marker = `${M}-force`;
  const d = await startDaemon({
    'bystander.service': bystander(marker),
    'crit.service': "[Unit]\nFailureAction=exit-force\n[Service]\nExecStart=/bin/sh -c 'sleep 1; exit 9'\n",
  });
  const dir = d.dir;
  try {
    assert.equal(d.ctl('start', 'bystander.service').status, 0);
    assert.equal(d.ctl('start', 'crit.service').status, 0);
    assert.equal(await withTimeout(exitOf(d), 'unitd did not exit', d), 9);
    assert.equal(existsSync(join(dir, 'bystander-stopped')), false, 'ExecStop= must not run on a forced exit');
    assert.ok(await waitFor(() => processesWith(marker).length === 0), `left behind: ${processesWith(marker)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGRTMIN+3 (halt) stops every unit in order and exits 0', async () => {
  const marker = `${M}-halt`;
  const d = await startDaemon({ 'bystander.service': bystander(marker) });
  const dir = d.dir;
  try {
    assert.equal(d.ctl('start', 'bystander.service').status, 0);
    process.kill(d.proc.pid!, SIGRTMIN + 3);
    assert.equal(await withTimeout(exitOf(d), 'unitd did not exit on SIGRTMIN+3', d), 0);
    assert.equal(existsSync(join(dir, 'bystander-stopped')) ? readFileSync(join(dir, 'bystander-stopped'), 'utf8') : d.output(), 'stopped\n');
    assert.match(d.output(), /SIGRTMIN\+3 received \(halt\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a harsher request escalates a running shutdown: SIGRTMIN+14 during a stuck ExecStop= ends it at once', async () => {
  const marker = `${M}-escalate`;
  const d = await startDaemon({ 'stuck.service': `[Service]\nExecStart=/bin/sh -c 'sleep 3600; : ${marker}'\nExecStop=/bin/sh -c 'sleep 3600; : ${marker}'\nTimeoutStopSec=300\n` });
  const dir = d.dir;
  try {
    assert.equal(d.ctl('start', 'stuck.service').status, 0);
    d.proc.kill('SIGTERM');
    assert.ok(await waitFor(() => d.output().includes('"sub":"stop"') || d.output().includes('active → deactivating')), d.output());
    process.kill(d.proc.pid!, SIGRTMIN + 14);
    assert.equal(await withTimeout(exitOf(d), 'unitd did not exit after SIGRTMIN+14', d), 0);
    assert.match(d.output(), /SIGRTMIN\+14 received \(poweroff\): force shutdown/);
    assert.ok(await waitFor(() => processesWith(marker).length === 0), `left behind: ${processesWith(marker)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGUSR1 reopens the log file after a rotation; SIGUSR2 dumps the state; SIGRTMIN+22 turns on debug', async () => {
  const logDir = mkdtempSync(join(tmpdir(), 'unitd-e2e-log-'));
  const logFile = join(logDir, 'unitd.log');
  const d = await startDaemon({ 'a.service': '[Service]\nExecStart=/bin/sleep 3600\n' }, ['--log-file', logFile]);
  try {
    assert.ok(await waitFor(() => existsSync(logFile) && readFileSync(logFile, 'utf8').includes('unitd ready')));
    renameSync(logFile, `${logFile}.1`);
    process.kill(d.proc.pid!, 'SIGUSR1');
    assert.ok(await waitFor(() => existsSync(logFile) && readFileSync(logFile, 'utf8').includes('log files reopened')), 'a new file after SIGUSR1');
    assert.equal(d.ctl('start', 'a.service').status, 0);
    process.kill(d.proc.pid!, 'SIGUSR2');
    assert.ok(await waitFor(() => readFileSync(logFile, 'utf8').includes('"id":"a.service"')), 'the dump lists the active unit');
    process.kill(d.proc.pid!, SIGRTMIN + 22);
    assert.ok(await waitFor(() => readFileSync(logFile, 'utf8').includes('log level debug')));
    d.ctl('stop', 'a.service');
    assert.ok(await waitFor(() => readFileSync(logFile, 'utf8').includes('"level":20')), 'debug records are written now');
  } finally {
    assert.equal(await d.stop(), 0);
    rmSync(logDir, { recursive: true, force: true });
  }
});

/** Children of `pid` (from /proc/PID/task/PID/children). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter((s) => s !== '').map(Number);
  } catch { return []; }
}

/** Zombie children of `pid`. */
function zombiesOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z' && Number(fields[1]) === pid) found.push(Number(entry));
    } catch { /* gone */ }
  }
  return found;
}

test('as PID 1 of a PID namespace: orphans of a double-forking service are reaped, SIGTERM stops in order and exits 0', async (t) => {
  const probe = spawn('unshare', ['--pid', '--fork', '--mount-proc', 'true'], { stdio: 'ignore' });
  const probeCode = await new Promise<number | null>((res) => { probe.once('error', () => res(-1)); probe.once('exit', res); });
  if (probeCode !== 0) { t.skip('unshare --pid needs root (CAP_SYS_ADMIN)'); return; }
  const marker = `${M}-ns`;
  const dir = mkdtempSync(join(tmpdir(), 'unitd-e2e-ns-'));
  const units = join(dir, 'units');
  mkdirSync(units);
  // Every second the service double-forks short-lived grandchildren (orphaned at once, they end up
  // with PID 1) and one long-lived daemon; the main process reports its PID as seen inside.
  writeFileSync(join(units, 'forker.service'), `[Service]
ExecStart=/bin/sh -c 'echo $$ > ${dir}/main-pid; (sleep 1000 ${marker} &); while :; do for i in 1 2 3 4 5; do (sh -c "exit 3" &); done; sleep 1; done'
ExecStopPost=/bin/sh -c 'echo stopped > ${dir}/stopped'
`);
  writeFileSync(join(units, 'default.target'), '[Unit]\nWants=forker.service\n');
  const socket = join(dir, 'run', 'unitd.sock');
  const ns = spawn('unshare', ['--pid', '--fork', '--mount-proc', join(REPO, 'bin/unitd'), '--unit-path', units, '--socket', socket, '--state-dir', join(dir, 'state')],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  ns.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
  ns.stderr!.on('data', (b: Buffer) => { out += b.toString(); });
  const exited = new Promise<number | null>((res) => ns.once('exit', (code) => res(code)));
  let unitd = 0;
  try {
    assert.ok(await waitFor(() => { unitd = childrenOf(ns.pid!)[0] ?? 0; return unitd > 0; }), 'unshare forked unitd');
    assert.ok(await waitFor(() => existsSync(join(dir, 'main-pid')), 20_000), `the service started:\n${out}`);
    assert.match(out, /"pid":1,/, 'unitd runs as PID 1 of the namespace');
    assert.ok(await waitFor(() => processesWith(marker).length === 1), 'the double-forked daemon lives on as an orphan');
    // Many short-lived orphans have come and gone by now; at most the newest may not be reaped yet.
    await new Promise((r) => setTimeout(r, 3000));
    const lingering = zombiesOf(unitd);
    await new Promise((r) => setTimeout(r, 1500));
    const stillThere = zombiesOf(unitd).filter((z) => lingering.includes(z));
    assert.deepEqual(stillThere, [], `zombies that were not reaped: ${stillThere}`);
    // As PID 1 the kernel delivers only signals with a handler: the real-time ones have one too.
    process.kill(unitd, SIGRTMIN + 22);
    assert.ok(await waitFor(() => out.includes('log level debug')), 'SIGRTMIN+22 reached PID 1');
    process.kill(unitd, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), 30_000); })]);
    clearTimeout(timer);
    assert.equal(code, 0, out);
    assert.equal(readFileSync(join(dir, 'stopped'), 'utf8'), 'stopped\n', 'ExecStopPost= ran: the stop was orderly');
    assert.deepEqual(processesWith(marker), []);
  } finally {
    if (ns.exitCode === null) { if (unitd > 0) process.kill(unitd, 'SIGKILL'); ns.kill('SIGKILL'); }
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--http: healthz follows the system state and metrics show a service\'s processes and restarts', async () => {
  const d = await startDaemon({
    'busy.service': `[Service]\nExecStart=/bin/sh -c 'sleep 3600; : ${M}-busy'\n`,
    'flaky.service': "[Service]\nExecStart=/bin/sh -c 'exit 1'\nRestart=on-failure\nRestartSec=0.2\nStartLimitBurst=3\n",
  }, ['--http', '127.0.0.1:0']);
  try {
    let port = 0;
    assert.ok(await waitFor(() => { port = Number(/on 127\.0\.0\.1:(\d+)"/.exec(d.output())?.[1] ?? 0); return port > 0; }), d.output());
    const get = async (path: string): Promise<[number, string]> => {
      const r = await fetch(`http://127.0.0.1:${port}${path}`);
      return [r.status, await r.text()];
    };
    assert.equal(d.ctl('start', 'busy.service').status, 0);
    assert.ok(await waitFor(() => d.ctl('is-system-running').stdout === 'running\n'));
    assert.deepEqual(await get('/healthz'), [200, 'running\n']);
    const metrics = (await get('/metrics'))[1];
    assert.match(metrics, /^unitd_unit_state\{unit="busy\.service",state="active"\} 1$/m);
    assert.match(metrics, /^unitd_unit_processes\{unit="busy\.service"\} 2$/m, 'sh and sleep');
    assert.match(metrics, /^unitd_unit_memory_rss_bytes\{unit="busy\.service"\} [1-9]\d*$/m);
    assert.match(metrics, /^unitd_jobs_finished_total\{type="start",result="done"\} [1-9]/m);
    d.ctl('start', '--no-block', 'flaky.service');
    assert.ok(await waitFor(() => d.ctl('is-failed', 'flaky.service').stdout === 'failed\n', 20_000));
    assert.deepEqual(await get('/healthz'), [503, 'degraded\n']);
    assert.equal((await get('/readyz'))[0], 200);
    assert.match((await get('/metrics'))[1], /^unitd_unit_restarts_total\{unit="flaky\.service"\} [1-9]$/m);
  } finally {
    assert.equal(await d.stop(), 0);
  }
});

test('after all of it: no live process of the suite is left', async () => {
  assert.ok(await waitFor(() => processesWith(M).length === 0), `left behind: ${processesWith(M).join(' ')}`);
});
