// The SocketDriver on real sockets: bind and listen without accepting, node mode and stale nodes,
// readability reported once per watch (stream, datagram, seqpacket), unwatch, flush, accept with
// the peer's credentials, IP listeners, failures as messages, close with RemoveOnStop= paths.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NodeSocketDriver } from '../../../src/daemon/sockets.ts';
import { ownPidScript } from '../../../src/daemon/process-exec.ts';
import type { SocketOpenRequest } from '../../../src/engine/ports.ts';
import { Inputs } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'unitd-sockets-'));
const inputs = new Inputs();
const errors: unknown[] = [];
const driver = new NodeSocketDriver({ push: inputs.push, onError: (e) => errors.push(e) });
after(() => {
  driver.stop();
  rmSync(dir, { recursive: true, force: true });
});

const req = (listen: SocketOpenRequest['listen'], o: Partial<SocketOpenRequest> = {}): SocketOpenRequest => ({
  unit: 'x.socket', listen, socketMode: 0o666, directoryMode: 0o755, backlog: 128, user: null, group: null, symlinks: [],
  bindIPv6Only: 'default', reusePort: false, ...o,
});

function opened(r: ReturnType<NodeSocketDriver['open']>): number[] {
  assert.ok(r.ok, r.ok ? '' : r.message);
  return [...r.fds];
}

const connect = (path: string): Promise<net.Socket> => new Promise((resolve, reject) => {
  const s = net.connect(path, () => resolve(s));
  s.on('error', reject);
});

const triggers = (unit: string): number => inputs.all.filter((i) => i.kind === 'SocketTriggered' && i.unit === unit).length;

test('a stream listener is bound with SocketMode= under new DirectoryMode= parents; traffic is reported once, never accepted', async () => {
  const path = join(dir, 'a/b/stream.sock');
  const [fd] = opened(driver.open(req([{ kind: 'stream', address: path }], { unit: 'stream.socket', socketMode: 0o600, directoryMode: 0o711, symlinks: [join(dir, 'link.sock')] })));
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'a')).mode & 0o777, 0o711);
  assert.equal(readlinkSync(join(dir, 'link.sock')), path);
  driver.watch('stream.socket', [fd!]);
  const c1 = await connect(path);
  const got = await inputs.until((i) => i.kind === 'SocketTriggered' && i.unit === 'stream.socket');
  assert.deepEqual(got, { kind: 'SocketTriggered', unit: 'stream.socket', fd, error: null });
  const c2 = await connect(path); // the backlog takes it: nobody accepts
  await sleep(200);
  assert.equal(triggers('stream.socket'), 1, 'reported once per watch');
  driver.watch('stream.socket', [fd!]);
  await inputs.until(() => triggers('stream.socket') === 2);
  driver.flush([fd!]);
  driver.watch('stream.socket', [fd!]);
  await sleep(300);
  assert.equal(triggers('stream.socket'), 2, 'flushed: nothing pending any more');
  c1.destroy();
  c2.destroy();
  driver.unwatch('stream.socket');
  driver.close([fd!], { removePaths: [path, join(dir, 'link.sock')] });
  assert.equal(existsSync(path), false);
  assert.equal(lstatSync(join(dir, 'link.sock'), { throwIfNoEntry: false }), undefined);
});

test('SocketUser=/SocketGroup= own the node (as root); an unknown user fails the open', { skip: process.getuid?.() !== 0 ? 'needs root to chown' : false }, () => {
  const path = join(dir, 'owned.sock');
  const [fd] = opened(driver.open(req([{ kind: 'stream', address: path }], { user: 'nobody', group: 'nogroup' })));
  assert.equal(statSync(path).uid, 65534);
  assert.equal(statSync(path).gid, 65534);
  driver.close([fd!], { removePaths: [path] });
  const r = driver.open(req([{ kind: 'stream', address: path }], { user: 'no-such-user-here' }));
  assert.equal(r.ok, false);
});

test('an @abstract address binds in the abstract namespace (no node on disk)', async () => {
  const name = `unitd-test-${process.pid}`;
  const [fd] = opened(driver.open(req([{ kind: 'stream', address: `@${name}` }], { unit: 'abs.socket' })));
  driver.watch('abs.socket', [fd!]);
  const c = await connect(`\0${name}`);
  await inputs.until((i) => i.kind === 'SocketTriggered' && i.unit === 'abs.socket');
  c.destroy();
  driver.close([fd!], { removePaths: [] });
});

test('ListenFIFO=: a FIFO with SocketMode=, readable when written to, drained by flush', async () => {
  const path = join(dir, 'fifo');
  const [fd] = opened(driver.open(req([{ kind: 'fifo', address: path }], { unit: 'fifo.socket', socketMode: 0o620 })));
  assert.ok(statSync(path).isFIFO());
  assert.equal(statSync(path).mode & 0o777, 0o620);
  driver.watch('fifo.socket', [fd!]);
  assert.equal(spawnSync('/bin/sh', ['-c', `echo hi > ${path}`]).status, 0);
  await inputs.until((i) => i.kind === 'SocketTriggered' && i.unit === 'fifo.socket');
  driver.flush([fd!]);
  driver.watch('fifo.socket', [fd!]);
  await sleep(200);
  assert.equal(triggers('fifo.socket'), 1);
  driver.unwatch('fifo.socket');
  driver.close([fd!], { removePaths: [path] });
  assert.equal(existsSync(path), false);
});

test('a stale node is replaced; a regular file in the way too (systemd unlinks and binds again)', () => {
  const path = join(dir, 'stale.sock');
  writeFileSync(path, 'old');
  const [fd] = opened(driver.open(req([{ kind: 'stream', address: path }])));
  assert.ok(statSync(path).isSocket());
  driver.close([fd!], { removePaths: [] });
  assert.ok(existsSync(path), 'without RemoveOnStop= the node stays');
  const [again] = opened(driver.open(req([{ kind: 'stream', address: path }])));
  driver.close([again!], { removePaths: [path] });
});

test('a datagram listener reports a datagram and flush drops it; a seqpacket listener binds', async () => {
  const dg = join(dir, 'dg.sock');
  const sp = join(dir, 'sp.sock');
  const [dgfd, spfd] = opened(driver.open(req([{ kind: 'datagram', address: dg }, { kind: 'seqpacket', address: sp }], { unit: 'multi.socket' })));
  driver.watch('multi.socket', [dgfd!, spfd!]);
  // systemd-notify sends one datagram to $NOTIFY_SOCKET: a ready-made Unix datagram client.
  const sent = spawnSync('systemd-notify', ['--no-block', '--ready'], { env: { ...process.env, NOTIFY_SOCKET: dg } });
  assert.equal(sent.status, 0);
  const got = await inputs.until((i) => i.kind === 'SocketTriggered' && i.unit === 'multi.socket');
  assert.ok(got.kind === 'SocketTriggered' && got.fd === dgfd);
  driver.flush([dgfd!]);
  driver.watch('multi.socket', [dgfd!, spfd!]);
  await sleep(300);
  assert.equal(triggers('multi.socket'), 1, 'the datagram was dropped by flush');
  assert.ok(statSync(sp).isSocket(), 'the seqpacket listener is bound (Node has no seqpacket client to connect with)');
  driver.unwatch('multi.socket');
  driver.close([dgfd!, spfd!], { removePaths: [dg, sp] });
  assert.equal(existsSync(sp), false);
});

test('accept: the peer\'s pid and uid name an AF_UNIX connection; IP connections carry both addresses', async () => {
  const path = join(dir, 'acc.sock');
  const [fd] = opened(driver.open(req([{ kind: 'stream', address: path }])));
  assert.equal(driver.accept(fd!), null, 'nothing pending');
  const c = await connect(path);
  await sleep(50);
  const conn = driver.accept(fd!);
  assert.ok(conn);
  assert.equal(conn.instance, `${process.pid}-${process.getuid?.() ?? 0}`);
  driver.close([conn.fd, fd!], { removePaths: [path] });
  c.destroy();

  const port = 30000 + (process.pid % 20000);
  const [ipfd] = opened(driver.open(req([{ kind: 'stream', address: `127.0.0.1:${port}` }])));
  const ipc = net.connect(port, '127.0.0.1');
  await new Promise((r) => ipc.on('connect', r));
  await sleep(50);
  const ip = driver.accept(ipfd!);
  assert.ok(ip);
  assert.match(ip.instance, new RegExp(`^127\\.0\\.0\\.1:${port}-127\\.0\\.0\\.1:\\d+$`));
  assert.equal(ip.remoteAddr, '127.0.0.1');
  assert.equal(ip.remotePort, String(ipc.localPort));
  ipc.destroy();
  driver.close([ip.fd, ipfd!], { removePaths: [] });
});

test('failures come back as strerror messages and leave nothing open; ReusePort= lets two bind one port', () => {
  const port = 30000 + ((process.pid + 7) % 20000);
  const [held] = opened(driver.open(req([{ kind: 'stream', address: `127.0.0.1:${port}` }])));
  const path = join(dir, 'partial.sock');
  const r = driver.open(req([{ kind: 'stream', address: path }, { kind: 'stream', address: `127.0.0.1:${port}` }]));
  assert.deepEqual(r, { ok: false, message: 'Address already in use' });
  const bad = driver.open(req([{ kind: 'stream', address: '10.255.255.1:80' }]));
  assert.deepEqual(bad, { ok: false, message: 'Cannot assign requested address' });
  driver.close([held!], { removePaths: [path] });
  const [a] = opened(driver.open(req([{ kind: 'stream', address: `127.0.0.1:${port}` }], { reusePort: true })));
  const [b] = opened(driver.open(req([{ kind: 'stream', address: `127.0.0.1:${port}` }], { reusePort: true })));
  driver.close([a!, b!], { removePaths: [] });
});

test('a bare port listens on [::] for IPv4 and IPv6 clients; [::1]:PORT only on loopback v6', async () => {
  const port = 30000 + ((process.pid + 13) % 20000);
  const [any] = opened(driver.open(req([{ kind: 'stream', address: String(port) }], { unit: 'v6.socket' })));
  driver.watch('v6.socket', [any!]);
  const v4 = net.connect(port, '127.0.0.1');
  await new Promise((r, j) => v4.on('connect', r).on('error', j));
  await inputs.until((i) => i.kind === 'SocketTriggered' && i.unit === 'v6.socket');
  const conn = driver.accept(any!);
  assert.equal(conn?.remoteAddr, '127.0.0.1', 'dual-stack: a v4-mapped peer is shown as IPv4');
  assert.match(conn?.instance ?? '', new RegExp(`^127\\.0\\.0\\.1:${port}-127\\.0\\.0\\.1:\\d+$`));
  v4.destroy();
  driver.close([conn!.fd, any!], { removePaths: [] });
  const [only] = opened(driver.open(req([{ kind: 'stream', address: String(port) }], { bindIPv6Only: 'ipv6-only' })));
  const refused = net.connect(port, '127.0.0.1');
  assert.equal(await new Promise((r) => refused.on('connect', () => r('connected')).on('error', (e: NodeJS.ErrnoException) => r(e.code))), 'ECONNREFUSED', 'BindIPv6Only=ipv6-only');
  driver.close([only!], { removePaths: [] });
  const [lo] = opened(driver.open(req([{ kind: 'stream', address: `[::1]:${port}` }])));
  const v6 = net.connect(port, '::1');
  await new Promise((r, j) => v6.on('connect', r).on('error', j));
  await sleep(50);
  assert.match(driver.accept(lo!)?.instance ?? '', new RegExp(`^::1:${port}-::1:\\d+$`));
  v6.destroy();
  driver.close([lo!], { removePaths: [] });
});

test('ownPidScript sets LISTEN_PID to the pid of the exec\'d program itself and passes arguments untouched', () => {
  const r = spawnSync('/bin/sh', ['-c', ownPidScript(['LISTEN_PID']), '/bin/sh', '-c', 'echo "$LISTEN_PID $$"; printf "[%s]" "$1"', 'x', 'a b; $(false)'], { encoding: 'utf8' });
  const [ids, arg] = r.stdout.split('\n');
  const [listenPid, pid] = ids!.split(' ');
  assert.equal(listenPid, pid);
  assert.equal(arg, '[a b; $(false)]');
});
