// The process driver with real processes: exit statuses, systemd's exec-failure statuses, output
// routing, process-group signalling, adoption of a double-forked daemon, sd_notify, fd leaks.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn as nodeSpawn } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloexecInheritedFds } from '../../../src/daemon/native.ts';
import { NotifyReceiver } from '../../../src/daemon/notify.ts';
import { listProcesses, readStat, isDead } from '../../../src/daemon/proc.ts';
import { NodeProcessDriver } from '../../../src/daemon/process-driver.ts';
import { Reaper } from '../../../src/daemon/reaper.ts';
import type { SpawnRequest } from '../../../src/engine/ports.ts';
import { captureLog, Inputs, waitFor } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'unitd-driver-'));
const inputs = new Inputs();
const { dl, records } = captureLog();
const notify = new NotifyReceiver({ dir: join(dir, 'notify'), push: inputs.push, onError: () => {} });
const reaper = new Reaper({ subreaper: true });
reaper.start(200);
const driver = new NodeProcessDriver({ push: inputs.push, log: dl, notify, reaper, home: '/' });
let nextExec = 1;

after(() => {
  driver.killAll();
  driver.close();
  reaper.stop();
  notify.closeAll();
  rmSync(dir, { recursive: true, force: true });
});

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function spawn(argv: string[], extra: Partial<SpawnRequest> = {}): number {
  const execId = nextExec++;
  driver.spawn({
    execId, unit: 'test.service', role: 'main', path: argv[0]!, argv, env: { PATH, FOO: 'bar' }, cwd: '/', cwdOptional: false,
    user: null, group: null, supplementaryGroups: [], umask: null, nice: null, limits: {}, stdin: 'null', stdout: 'journal',
    stderr: 'inherit', syslogIdentifier: 'test', notify: false, fds: [], ...extra,
  });
  return execId;
}

const started = (execId: number): boolean => inputs.all.some((i) => i.kind === 'ProcessStarted' && i.execId === execId);
const sh = (script: string, extra: Partial<SpawnRequest> = {}): number => spawn(['/bin/sh', '-c', script], extra);

/** Live (non-zombie) members of a process group. */
const groupMembers = (pgid: number): number[] => listProcesses().filter((p) => p.pgrp === pgid && !isDead(p)).map((p) => p.pid);

test('a command that exits reports ProcessStarted (with its pid) and then its exit status', async () => {
  const id = sh('exit 3');
  const exit = await inputs.exitOf(id);
  assert.deepEqual(exit, { kind: 'ProcessExited', execId: id, code: 'exited', status: 3 });
  const start = inputs.all.find((i) => i.kind === 'ProcessStarted' && i.execId === id);
  assert.ok(start && start.kind === 'ProcessStarted' && start.pid > 0);
  assert.ok(inputs.all.indexOf(start) < inputs.all.indexOf(exit));
});

test('a command killed by a signal reports code killed and the signal number', async () => {
  const id = sh('kill -TERM $$; sleep 5');
  assert.deepEqual(await inputs.exitOf(id), { kind: 'ProcessExited', execId: id, code: 'killed', status: 15 });
});

test('exec failures become systemd statuses without ProcessStarted: 203, 200, 217, 216', async () => {
  const missing = spawn(['/nonexistent/binary']);
  const notExec = spawn([join(dir, 'not-executable')]);
  writeFileSync(join(dir, 'not-executable'), '#!/bin/sh\n');
  const noCwd = sh('exit 0', { cwd: join(dir, 'no-such-dir') });
  const noUser = sh('exit 0', { user: 'no-such-user-unitd' });
  const noGroup = sh('exit 0', { group: 'no-such-group-unitd' });
  const bareMissing = spawn(['no-such-command-unitd']);
  for (const [id, status] of [[missing, 203], [notExec, 203], [noCwd, 200], [noUser, 217], [noGroup, 216], [bareMissing, 203]] as const) {
    assert.deepEqual(await inputs.exitOf(id), { kind: 'ProcessExited', execId: id, code: 'exited', status }, `exec ${id}`);
    assert.equal(started(id), false, `exec ${id} must not report ProcessStarted`);
  }
});

test('an optional missing working directory is ignored; a bare name is found in the env PATH', async () => {
  const optional = sh('exit 4', { cwd: join(dir, 'nope'), cwdOptional: true });
  assert.equal((await inputs.exitOf(optional)).status, 4);
  const bare = spawn(['true']);
  assert.equal((await inputs.exitOf(bare)).status, 0);
  assert.ok(started(bare));
});

test('the environment is exactly the one given, and the cwd is set', async () => {
  const out = join(dir, 'env.txt');
  const id = sh(`env > ${out}; pwd >> ${out}`, { cwd: dir });
  await inputs.exitOf(id);
  const lines = readFileSync(out, 'utf8').split('\n');
  assert.ok(lines.includes('FOO=bar'));
  assert.ok(lines.includes(dir));
  assert.ok(!lines.some((l) => l.startsWith('HOME=') || l.startsWith('NODE_')), lines.join('|'));
});

test('stdout and stderr lines reach the unit log; file:/append: and null are honoured', async () => {
  const id = sh('echo to-out; echo to-err >&2');
  await inputs.exitOf(id);
  assert.ok(await waitFor(() => records.some((r) => r['msg'] === 'to-err'), 3000), JSON.stringify(records.slice(-8)));
  const out = records.find((r) => r['msg'] === 'to-out');
  const err = records.find((r) => r['msg'] === 'to-err');
  assert.deepEqual([out?.['unit'], out?.['stream'], out?.['level']], ['test.service', 'stdout', 30]);
  assert.deepEqual([err?.['unit'], err?.['stream'], err?.['level']], ['test.service', 'stderr', 40]);
  const file = join(dir, 'out.log');
  await inputs.exitOf(sh('echo one; echo two >&2', { stdout: `file:${file}` }));
  await inputs.exitOf(sh('echo three', { stdout: `append:${file}`, stderr: 'null' }));
  assert.equal(readFileSync(file, 'utf8'), 'one\ntwo\nthree\n');
  await inputs.exitOf(sh('echo gone', { stdout: 'null' }));
  await inputs.exitOf(sh('echo four', { stdout: `truncate:${file}` }));
  assert.equal(readFileSync(file, 'utf8'), 'four\n');
  assert.ok(!records.some((r) => r['msg'] === 'gone'));
});

test('signal() reaches the leader only, or with wholeUnit the whole process group: no grandchild survives', async () => {
  const marker = join(dir, 'tree-ready');
  const id = sh(`sleep 300 & sleep 301 & touch ${marker}; wait`);
  assert.ok(await waitFor(() => { try { readFileSync(marker); return true; } catch { return false; } }));
  // The child may touch the marker before Node emits 'spawn' (a tick after fork): wait for both.
  assert.ok(await waitFor(() => started(id)));
  const start = inputs.all.find((i) => i.kind === 'ProcessStarted' && i.execId === id);
  assert.ok(start?.kind === 'ProcessStarted');
  assert.ok(await waitFor(() => groupMembers(start.pid).length === 3), `members: ${groupMembers(start.pid)}`);
  assert.equal(driver.hasProcesses('test.service'), true);
  // Without wholeUnit only the command's own process is signalled (KillMode=mixed/process).
  assert.equal(driver.signal({ unit: 'test.service', signal: 15, execIds: [id], wholeUnit: false }), 1);
  assert.equal((await inputs.exitOf(id)).code, 'killed');
  assert.ok(await waitFor(() => groupMembers(start.pid).length === 2), `members: ${groupMembers(start.pid)}`);
  assert.equal(driver.signal({ unit: 'test.service', signal: 15, execIds: [id], wholeUnit: true }), 1);
  assert.ok(await waitFor(() => groupMembers(start.pid).length === 0), `survivors: ${groupMembers(start.pid)}`);
  assert.ok(await waitFor(() => !driver.hasProcesses('test.service')));
  assert.equal(driver.signal({ unit: 'test.service', signal: 15, execIds: [id], wholeUnit: true }), 0, 'nothing left to signal');
});

test('processes left behind by an exited leader are found and killed with wholeUnit', async () => {
  const id = sh('sleep 300 & exit 0', { unit: 'left.service' });
  assert.equal((await inputs.exitOf(id)).status, 0);
  assert.equal(driver.hasProcesses('left.service'), true, 'the backgrounded sleep is still in the group');
  const leftover = listProcesses().find((p) => p.pgrp !== process.pid && !isDead(p) && driver.ownsProcess('left.service', p.pid));
  assert.ok(leftover, 'the leftover sleep belongs to the unit (MAINPID= may name it)');
  assert.equal(driver.ownsProcess('left.service', process.pid), false, 'the daemon itself is nobody\'s process');
  assert.equal(driver.ownsProcess('test.service', leftover.pid), false, 'another unit\'s process');
  assert.equal(driver.signal({ unit: 'left.service', signal: 9, execIds: [], wholeUnit: true }), 1);
  assert.ok(await waitFor(() => !driver.hasProcesses('left.service')));
});

test('watchProcessesGone() reports the end of the unit\'s last process (cgroup empty)', async () => {
  const id = sh('sleep 2 & exit 0', { unit: 'empty.service' });
  assert.equal((await inputs.exitOf(id)).status, 0);
  assert.equal(driver.hasProcesses('empty.service'), true);
  driver.watchProcessesGone('empty.service');
  const gone = await inputs.until((i) => i.kind === 'UnitProcessesGone' && i.unit === 'empty.service');
  assert.equal(gone.kind, 'UnitProcessesGone');
  assert.equal(driver.hasProcesses('empty.service'), false);
});

test('adopt() watches a double-forked daemon and reports its real exit (we are a subreaper)', async () => {
  const pidFile = join(dir, 'daemon.pid');
  const id = sh(`sh -c 'sleep 300 & echo $! > ${pidFile}'; exit 0`, { unit: 'forking.service' });
  assert.equal((await inputs.exitOf(id)).status, 0);
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  assert.ok(await waitFor(() => readStat(pid)?.ppid === process.pid), 'the orphan was re-parented to us');
  const adopted = nextExec++;
  driver.adopt(adopted, 'forking.service', pid);
  assert.equal(driver.hasProcesses('forking.service'), true);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(inputs.all.some((i) => i.kind === 'ProcessExited' && i.execId === adopted), false, 'still running');
  assert.equal(driver.signal({ unit: 'forking.service', signal: 15, execIds: [adopted], wholeUnit: false }), 1);
  assert.deepEqual(await inputs.exitOf(adopted), { kind: 'ProcessExited', execId: adopted, code: 'killed', status: 15 });
  assert.ok(await waitFor(() => !driver.hasProcesses('forking.service')));
});

test('adopt() of a pid that is already gone reports code unknown', async () => {
  const id = sh('exit 0');
  await inputs.exitOf(id);
  const start = inputs.all.find((i) => i.kind === 'ProcessStarted' && i.execId === id);
  assert.ok(start?.kind === 'ProcessStarted');
  const adopted = nextExec++;
  driver.adopt(adopted, 'gone.service', start.pid);
  assert.deepEqual(await inputs.exitOf(adopted), { kind: 'ProcessExited', execId: adopted, code: 'unknown', status: 0 });
});

const pidOf = (execId: number): number => {
  const start = inputs.all.find((i) => i.kind === 'ProcessStarted' && i.execId === execId);
  assert.ok(start?.kind === 'ProcessStarted');
  return start.pid;
};

// systemd-notify run as root sends with its parent's credentials: here the main shell's pid.
test('systemd-notify --ready from a child reaches the unit with the main pid, and its barrier is released', async () => {
  const id = sh('systemd-notify --ready --status=serving; exit 0', { unit: 'notify.service', notify: true });
  const msg = await inputs.until((i) => i.kind === 'NotifyReceived' && i.unit === 'notify.service');
  assert.ok(msg.kind === 'NotifyReceived' && msg.message.split('\n').includes('READY=1'), JSON.stringify(msg));
  assert.equal((await inputs.exitOf(id)).status, 0); // the barrier was released (else status 1 after 5 s)
  assert.equal(msg.pid, pidOf(id));
  assert.ok(!inputs.all.some((i) => i.kind === 'NotifyReceived' && i.message === 'BARRIER=1'));
  // The message came in before the exit that followed it.
  const exit = inputs.all.findIndex((i) => i.kind === 'ProcessExited' && i.execId === id);
  assert.ok(inputs.all.indexOf(msg) < exit);
});

test('systemd-notify from a grandchild carries the pid of its own parent, not the main pid', async () => {
  const pidFile = join(dir, 'inner.pid');
  const id = sh(`sh -c 'echo $$ > ${pidFile}; systemd-notify --ready; exit 0'; exit 0`, { unit: 'notify2.service', notify: true });
  const msg = await inputs.until((i) => i.kind === 'NotifyReceived' && i.unit === 'notify2.service');
  assert.equal((await inputs.exitOf(id)).status, 0);
  const inner = Number(readFileSync(pidFile, 'utf8').trim());
  assert.ok(msg.kind === 'NotifyReceived' && msg.message === 'READY=1', JSON.stringify(msg));
  assert.equal(msg.pid, inner);
  assert.notEqual(msg.pid, pidOf(id));
});

test('a notification from an unprivileged sender carries its own pid', async () => {
  // Not root, systemd-notify cannot claim its parent's pid: the kernel reports the real sender.
  chmodSync(dir, 0o755); // mkdtemp made it 0700: let the unprivileged sender reach the socket
  const id = sh('exec setpriv --reuid=65534 --regid=65534 --clear-groups systemd-notify --ready', { unit: 'notify3.service', notify: true });
  const msg = await inputs.until((i) => i.kind === 'NotifyReceived' && i.unit === 'notify3.service');
  assert.equal((await inputs.exitOf(id)).status, 0);
  assert.ok(msg.kind === 'NotifyReceived' && msg.message === 'READY=1');
  assert.equal(msg.pid, pidOf(id)); // exec kept the main pid all the way to systemd-notify
});

test("the daemon's own fds do not leak into services", async () => {
  assert.equal(cloexecInheritedFds(), true);
  const server = createServer().listen(join(dir, 'ctl.sock'));
  await new Promise((r) => server.once('listening', r));
  const logFd = openSync(join(dir, 'some.log'), 'a');
  notify.socketFor('leak.service');
  const id = spawn(['/bin/sleep', '30'], { unit: 'leak.service', notify: true });
  assert.ok(await waitFor(() => started(id)));
  const start = inputs.all.find((i) => i.kind === 'ProcessStarted' && i.execId === id);
  assert.ok(start?.kind === 'ProcessStarted');
  const fds = readdirSync(`/proc/${start.pid}/fd`).sort();
  assert.deepEqual(fds, ['0', '1', '2']);
  assert.equal(driver.signal({ unit: 'leak.service', signal: 9, execIds: [id], wholeUnit: false }), 1);
  await inputs.exitOf(id);
  server.close();
  void logFd;
});

test("adopt() of a pid inside someone else's process group signals that pid only, never its group", async () => {
  // Two sleeps in this test runner's own process group (children of a shell, not of Node):
  // adopting one must not make the group the unit's.
  let pids: number[] = [];
  const shell = nodeSpawn('/bin/sh', ['-c', 'sleep 300 >/dev/null & echo $!; sleep 301 >/dev/null & echo $!; exec >/dev/null; wait'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    let out = '';
    shell.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    assert.ok(await waitFor(() => out.trim().split('\n').length === 2));
    pids = out.trim().split('\n').map(Number);
    const [target, bystander] = pids as [number, number];
    assert.equal(readStat(target)?.pgrp, readStat(process.pid)?.pgrp);
    const execId = nextExec++;
    driver.adopt(execId, 'stranger.service', target);
    assert.ok(driver.signal({ unit: 'stranger.service', signal: 15, execIds: [execId], wholeUnit: true }) >= 1);
    assert.equal((await inputs.exitOf(execId)).kind, 'ProcessExited');
    assert.ok(!isDead(readStat(bystander)), 'the bystander in the same group lives on');
  } finally {
    for (const pid of pids) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    shell.kill('SIGKILL');
  }
});
