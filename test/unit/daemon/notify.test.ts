// The sd_notify receiver on its own: per-unit sockets (close-on-exec, non-blocking), sender
// credentials, the BARRIER fd closed at once, oversized messages dropped, clean-up on close.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotifyReceiver } from '../../../src/daemon/notify.ts';
import type { Input } from '../../../src/engine/inputs.ts';
import { Inputs } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'unitd-notify-'));
const inputs = new Inputs();
const errors: { unit: string; err: unknown }[] = [];
const notify = new NotifyReceiver({ dir: join(dir, 'notify'), push: inputs.push, onError: (unit, err) => errors.push({ unit, err }) });
after(() => {
  notify.closeAll();
  rmSync(dir, { recursive: true, force: true });
});

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Runs a shell script with NOTIFY_SOCKET set; resolves with its exit status and duration. */
function run(script: string, socket: string): Promise<{ status: number | null; ms: number; pid: number }> {
  const t0 = performance.now();
  const child = spawn('/bin/sh', ['-c', script], { env: { PATH, NOTIFY_SOCKET: socket }, stdio: 'ignore' });
  return new Promise((resolve) => child.on('exit', (status) => resolve({ status, ms: performance.now() - t0, pid: child.pid ?? 0 })));
}

const notifications = (unit: string): Extract<Input, { kind: 'NotifyReceived' }>[] =>
  inputs.all.filter((i): i is Extract<Input, { kind: 'NotifyReceived' }> => i.kind === 'NotifyReceived' && i.unit === unit);

/** The fd of a socket bound at `path`, found through /proc/net/unix inode numbers. */
function fdBoundAt(path: string): number {
  const line = readFileSync('/proc/net/unix', 'utf8').split('\n').find((l) => l.endsWith(` ${path}`));
  assert.ok(line, `no socket bound at ${path}`);
  const inode = line.trim().split(/\s+/)[6];
  const fd = readdirSync('/proc/self/fd').find((f) => { try { return readlinkSync(`/proc/self/fd/${f}`) === `socket:[${inode}]`; } catch { return false; } });
  assert.ok(fd !== undefined);
  return Number(fd);
}

const pipes = (): string[] => readdirSync('/proc/self/fd').flatMap((f) => {
  try { const l = readlinkSync(`/proc/self/fd/${f}`); return l.startsWith('pipe:') ? [`${f}→${l}`] : []; } catch { return []; }
}).sort();

test('each unit gets its own socket file, writable by anyone, its fd close-on-exec and non-blocking', () => {
  const a = notify.socketFor('a.service');
  const b = notify.socketFor('b@x\\y.service');
  assert.equal(notify.socketFor('a.service'), a);
  assert.notEqual(a, b);
  assert.equal(b, join(dir, 'notify', 'b@x_5cy.service'));
  assert.ok(statSync(a).isSocket());
  assert.equal(statSync(a).mode & 0o777, 0o777);
  const flags = Number.parseInt(/flags:\s+(\d+)/.exec(readFileSync(`/proc/self/fdinfo/${fdBoundAt(a)}`, 'utf8'))?.[1] ?? '0', 8);
  assert.ok((flags & 0o2000000) !== 0, 'O_CLOEXEC');
  assert.ok((flags & 0o4000) !== 0, 'O_NONBLOCK');
});

test('a long unit name gets a hashed socket name that still fits sun_path', () => {
  const long = `${'x'.repeat(200)}.service`;
  const path = notify.socketFor(long);
  assert.ok(Buffer.byteLength(path) <= 107);
  assert.ok(statSync(path).isSocket());
});

test('a message is attributed by socket and carries the sender pid; the barrier fd is closed at once', async () => {
  const a = notify.socketFor('a.service');
  const before = pipes();
  // Run as root, systemd-notify sends with its parent's pid: the shell's.
  const r = await run('systemd-notify --ready --status="up and running"; exit 0', a);
  assert.equal(r.status, 0);
  assert.ok(r.ms < 2000, `systemd-notify took ${r.ms} ms: the barrier was not released`);
  const msg = await inputs.until((i) => i.kind === 'NotifyReceived' && i.unit === 'a.service');
  assert.deepEqual(msg, { kind: 'NotifyReceived', unit: 'a.service', pid: r.pid, uid: process.getuid!(), message: 'READY=1\nSTATUS=up and running' });
  assert.deepEqual(notifications('b@x\\y.service'), []);
  assert.deepEqual(pipes(), before, 'no passed fd is kept open');
});

test('several messages are delivered in order, each with its own sender pid', async () => {
  const b = notify.socketFor('b@x\\y.service');
  const r = await run('systemd-notify STATUS=one; systemd-notify STATUS=two; systemd-notify --pid=4242 WATCHDOG=1; exit 0', b);
  assert.equal(r.status, 0);
  notify.drain();
  const got = notifications('b@x\\y.service');
  assert.deepEqual(got.map((m) => m.message), ['STATUS=one', 'STATUS=two', 'MAINPID=4242\nWATCHDOG=1']);
  // With --pid, systemd-notify 252 sends MAINPID= from its own pid (a sibling of the two before).
  assert.deepEqual(got.map((m) => m.pid === r.pid), [true, true, false]);
  assert.ok((got[2]?.pid ?? 0) > 0);
});

test('a message longer than 4096 bytes is dropped with an error; the next one still arrives', async () => {
  const a = notify.socketFor('a.service');
  const seen = notifications('a.service').length;
  const r = await run(`systemd-notify --status=${'x'.repeat(5000)}; systemd-notify STATUS=short; exit 0`, a);
  assert.equal(r.status, 0);
  notify.drain();
  assert.deepEqual(notifications('a.service').slice(seen).map((m) => m.message), ['STATUS=short']);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]?.unit, 'a.service');
  assert.match(String(errors[0]?.err), /exceeded 4096 bytes/);
});

test('closeAll() closes the sockets and removes their directory', () => {
  const local = new NotifyReceiver({ dir: join(dir, 'other'), push: () => {}, onError: () => {} });
  const path = local.socketFor('c.service');
  const fd = fdBoundAt(path);
  local.closeAll();
  assert.equal(existsSync(path), false);
  assert.equal(existsSync(join(dir, 'other')), false);
  assert.equal(existsSync(`/proc/self/fd/${fd}`) && readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:'), false);
});
