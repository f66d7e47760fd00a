// Socket units end to end: a real unitd binds the listeners, a real server takes them over fd 3
// (LISTEN_PID must be its own pid), Accept=yes hands each connection to a template instance, and
// at the end nothing is left: no processes, no socket nodes, no listening fds in the daemon.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readlinkSync, readdirSync, statSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { processesWith, REPO, startDaemon, waitFor, type Daemon } from './helpers.ts';

const M = `unitd-sock-e2e-${process.pid}-${Date.now()}`;
const SERVER = `@DIR@/server-${M}.mjs`;
const NODE = process.execPath;
const PORT = 20000 + (process.pid % 20000);

const UNITS: Record<string, string> = {
  'srv.socket': '[Socket]\nListenStream=@DIR@/sockets/srv.sock\nRemoveOnStop=yes\nSocketMode=0660\nDirectoryMode=0750\nSymlinks=@DIR@/srv-link.sock\n',
  'srv.service': `[Service]\nExecStart=${NODE} ${SERVER}\n`,
  'tcp.socket': `[Socket]\nListenStream=127.0.0.1:${PORT}\nListenStream=@DIR@/run/tcp.sock\nFileDescriptorName=web\n`,
  'tcp.service': `[Service]\nExecStart=${NODE} ${SERVER}\n`,
  'conn.socket': '[Socket]\nListenStream=@DIR@/run/conn.sock\nAccept=yes\n',
  'conn@.service': `[Service]\nExecStart=/bin/sh -c 'echo "conn $LISTEN_FDS $LISTEN_FDNAMES $$$$ $LISTEN_PID $0 %i" >&3' ${M}\n`,
  'conntcp.socket': `[Socket]\nListenStream=127.0.0.1:${PORT + 1}\nAccept=yes\n`,
  'conntcp@.service': `[Service]\nExecStart=/bin/sh -c 'echo "$REMOTE_ADDR $REMOTE_PORT %i" >&3' ${M}\n`,
  'inetd.socket': '[Socket]\nListenStream=@DIR@/run/inetd.sock\nAccept=yes\n',
  'inetd@.service': `[Service]\nStandardInput=socket\nExecStart=/bin/sh -c 'read line; echo "got $line fds=$LISTEN_FDS"' ${M}\n`,
  'busy.socket': `[Socket]\nListenStream=127.0.0.1:${PORT}\n`,
  'busy.service': '[Service]\nExecStart=/bin/true\n',
  'late.socket': '[Socket]\nListenStream=@DIR@/run/late.sock\n',
  'late.service': `[Unit]\nBefore=blocker.service\n[Service]\nExecStart=${NODE} ${SERVER}\n`,
  'blocker.service': `[Service]\nTimeoutStopSec=3\nExecStart=/bin/sh -c 'trap "" TERM; while :; do sleep 0.2; done' ${M}\n`,
};

let d: Daemon;
let baselineSockets = 0;

/** Sockets the daemon holds open (listening ones included). */
const daemonSockets = (): number => readdirSync(`/proc/${d.proc.pid}/fd`).filter((f) => {
  try { return readlinkSync(`/proc/${d.proc.pid}/fd/${f}`).startsWith('socket:'); } catch { return false; }
}).length;

function request(target: string | { host: string; port: number }, send?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = typeof target === 'string' ? net.connect(target) : net.connect(target.port, target.host);
    if (send !== undefined) s.write(send);
    let out = '';
    s.setEncoding('utf8');
    s.on('data', (c: string) => { out += c; });
    s.on('end', () => resolve(out.trim()));
    s.on('error', reject);
    setTimeout(() => { s.destroy(); reject(new Error(`no answer from ${JSON.stringify(target)} within 20 s: ${out}`)); }, 20_000);
  });
}

const prop = (unit: string, name: string): string => d.ctl('show', '-p', name, '--value', unit).stdout.trim();

before(async () => {
  d = await startDaemon(UNITS);
  copyFileSync(join(REPO, 'test/fixtures/socket-server.mjs'), SERVER.replace('@DIR@', d.dir));
  baselineSockets = daemonSockets();
});

after(async () => {
  await d.stop();
  assert.ok(await waitFor(() => processesWith(M).length === 0), `left behind: ${processesWith(M).join(' ')}`);
});

test('Accept=no over a Unix socket: the server gets fd 3 with LISTEN_PID equal to its own pid', async () => {
  assert.equal(d.ctl('start', 'srv.socket').status, 0);
  const path = join(d.dir, 'sockets/srv.sock');
  assert.equal(prop('srv.socket', 'SubState'), 'listening');
  assert.equal(statSync(path).mode & 0o777, 0o660, 'SocketMode=');
  assert.equal(statSync(join(d.dir, 'sockets')).mode & 0o777, 0o750, 'DirectoryMode=');
  assert.equal(readlinkSync(join(d.dir, 'srv-link.sock')), path, 'Symlinks=');
  assert.equal(prop('srv.service', 'ActiveState'), 'inactive', 'nothing runs before traffic');

  const answer = await request(path);
  const m = /^pid=(\d+) listen_pid=(\d+) fds=1 names=srv\.socket fd=3$/.exec(answer);
  assert.ok(m, answer);
  assert.equal(m[1], m[2]);
  assert.equal(prop('srv.service', 'MainPID'), m[1], 'the node process itself is the main process');
  assert.equal(prop('srv.socket', 'SubState'), 'running');
  assert.match(await request(path), new RegExp(`^pid=${m[1]} `), 'the same server answers the next connection');

  assert.equal(d.ctl('stop', 'srv.service').status, 0);
  assert.ok(await waitFor(() => prop('srv.socket', 'SubState') === 'listening'));
  const again = await request(path);
  assert.notEqual(/^pid=(\d+)/.exec(again)?.[1], m[1], 'traffic after the stop starts a new server');

  assert.equal(d.ctl('stop', 'srv.socket').status, 0);
  assert.equal(prop('srv.service', 'ActiveState'), 'active', 'stopping the socket leaves the service running');
  assert.equal(existsSync(path), false, 'RemoveOnStop= unlinks the node');
  assert.equal(existsSync(join(d.dir, 'srv-link.sock')), false, 'and the symlink');
  assert.equal(d.ctl('stop', 'srv.service').status, 0);
});

test('TCP and Unix listeners in one unit: fds in Listen order, named by FileDescriptorName=', async () => {
  assert.equal(d.ctl('start', 'tcp.socket').status, 0);
  assert.equal(d.ctl('show', '-p', 'Listen', 'tcp.socket').stdout, `Listen=127.0.0.1:${PORT} (Stream)\nListen=${d.dir}/run/tcp.sock (Stream)\n`);
  const viaTcp = await request({ host: '127.0.0.1', port: PORT });
  assert.match(viaTcp, /^pid=(\d+) listen_pid=\1 fds=2 names=web:web fd=3$/);
  const viaUnix = await request(join(d.dir, 'run/tcp.sock'));
  assert.match(viaUnix, /fd=4$/);
  const list = d.ctl('list-sockets', '--show-types');
  assert.equal(list.status, 0);
  assert.match(list.stdout, new RegExp(`^127\\.0\\.0\\.1:${PORT} +Stream +tcp\\.socket +tcp\\.service$`, 'm'));
  assert.match(list.stdout, /^\d+ sockets listed\.$/m);
  assert.match(d.ctl('status', 'tcp.socket').stdout, /^ {5}Listen: 127\.0\.0\.1:\d+ \(Stream\)$/m);
  assert.equal(d.ctl('stop', 'tcp.socket', 'tcp.service').status, 0);
});

test('a listener that cannot be bound fails the start with result resources', async () => {
  assert.equal(d.ctl('start', 'tcp.socket').status, 0);
  const r = d.ctl('start', 'busy.socket');
  assert.notEqual(r.status, 0);
  assert.equal(prop('busy.socket', 'Result'), 'resources');
  assert.equal(prop('busy.socket', 'ActiveState'), 'failed');
  assert.ok(await waitFor(() => /Failed to listen on sockets: Address already in use/.test(d.output())), 'the reason is logged');
  assert.equal(d.ctl('stop', 'tcp.socket').status, 0);
});

test('Accept=yes: each connection runs an instance with the connection as fd 3', async () => {
  assert.equal(d.ctl('start', 'conn.socket').status, 0);
  const path = join(d.dir, 'run/conn.sock');
  const first = await request(path);
  const m = /^conn 1 connection (\d+) (\d+) /.exec(first);
  assert.ok(m, first);
  assert.equal(m[1], m[2], 'LISTEN_PID is the instance\'s own pid');
  assert.ok(first.trim().endsWith(`-${process.pid}-${process.getuid?.()}`), `the instance is named after the peer's pid and uid: ${first}`);
  await request(path);
  assert.equal(prop('conn.socket', 'NAccepted'), '2');
  assert.equal(prop('conn.socket', 'SubState'), 'listening');
  assert.ok(await waitFor(() => prop('conn.socket', 'NConnections') === '0'), 'finished instances release their connection');
  assert.equal(d.ctl('stop', 'conn.socket').status, 0);

  assert.equal(d.ctl('start', 'inetd.socket').status, 0);
  assert.equal(await request(join(d.dir, 'run/inetd.sock'), 'hello\n'), 'got hello fds=', 'StandardInput=socket: inetd style');
  assert.equal(d.ctl('stop', 'inetd.socket').status, 0);

  assert.equal(d.ctl('start', 'conntcp.socket').status, 0);
  const viaTcp = await request({ host: '127.0.0.1', port: PORT + 1 });
  const t = /^127\.0\.0\.1 (\d+) 0-127\.0\.0\.1:(\d+)-127\.0\.0\.1:(\d+)$/.exec(viaTcp);
  assert.ok(t, viaTcp);
  assert.equal(t[2], String(PORT + 1), 'the instance is named local-remote');
  assert.equal(t[1], t[3], 'REMOTE_PORT is the peer port of the instance name');
  assert.equal(d.ctl('stop', 'conntcp.socket').status, 0);
});

test('traffic while a stop job of the service waits: the start replaces it and the stop\'s client is told why', async () => {
  assert.equal(d.ctl('start', 'blocker.service', 'late.socket').status, 0);
  // late.service is ordered before blocker.service, so its stop waits until blocker has stopped (3 s).
  const client = spawn(join(REPO, 'bin/unitctl'), ['--socket', d.socket, '--explain', 'stop', 'blocker.service', 'late.service'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  client.stderr.on('data', (b: Buffer) => { err += b.toString(); });
  const done = new Promise<number | null>((r) => client.on('exit', r));
  assert.ok(await waitFor(() => /late\.service\s+stop\s+waiting/.test(d.ctl('list-jobs').stdout)), d.ctl('list-jobs').stdout);
  const answer = await request(join(d.dir, 'run/late.sock'));
  assert.match(answer, /^pid=(\d+) listen_pid=\1 fds=1 names=late\.socket fd=3$/);
  assert.notEqual(await done, 0);
  assert.match(err, /late\.service/);
  assert.match(err, /replaced by start job \d+ for late\.service \(socket activation: traffic on late\.socket\)/);
  assert.equal(prop('late.service', 'ActiveState'), 'active');
  assert.equal(d.ctl('stop', 'late.socket', 'late.service', 'blocker.service').status, 0);
});

test('after every socket stopped, the daemon holds no more sockets than at start', async () => {
  assert.ok(await waitFor(() => daemonSockets() <= baselineSockets), `daemon sockets: ${daemonSockets()} > ${baselineSockets}`);
});
