// The composition root: flag parsing and defaults, and the daemon's life cycle with a stub
// manager (socket created when ready, Ping served, SIGTERM → shutdown → exit 0, socket removed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BUILTIN_UNIT_DIR, DEFAULT_UNIT_PATH, defaultSocket, parseFlags } from '../../../src/daemon/main.ts';
import { waitFor } from './helpers.ts';

const REPO = resolve(import.meta.dirname, '../../..');

test('flags: --unit-path splits on colons and the built-in directory is always last', () => {
  const c = parseFlags(['--unit-path', '/a::/b', '--socket', '/s.sock', '--no-watch', '--log-level', 'debug'], 0, {});
  assert.deepEqual(c, { unitPath: ['/a', '/b', BUILTIN_UNIT_DIR], socket: '/s.sock', watch: false, logLevel: 'debug' });
  assert.equal(BUILTIN_UNIT_DIR, join(REPO, 'share/units'));
  const d = parseFlags([], 0, {});
  assert.ok(!('error' in d) && !('help' in d));
  assert.deepEqual(d.unitPath, [...DEFAULT_UNIT_PATH, BUILTIN_UNIT_DIR]);
  assert.equal(d.watch, true);
  assert.ok('error' in parseFlags(['--bogus'], 0, {}));
  assert.ok('error' in parseFlags(['--log-level', 'loud'], 0, {}));
});

test('flags: --http is off by default and loopback for a bare port; --log-file is made absolute', () => {
  const off = parseFlags([], 0, {});
  assert.ok(!('error' in off) && !('help' in off) && off.http === undefined && off.logFile === undefined);
  const on = parseFlags(['--http', '9100', '--log-file', 'unitd.log'], 0, {});
  assert.ok(!('error' in on) && !('help' in on));
  assert.deepEqual(on.http, { host: '127.0.0.1', port: 9100 });
  assert.equal(on.logFile, resolve('unitd.log'));
  assert.ok('error' in parseFlags(['--http', 'example.com:80'], 0, {}));
});

test('socket default: /run/unitd as root, XDG_RUNTIME_DIR otherwise, UNITD_SOCKET overrides both', () => {
  assert.equal(defaultSocket(0, {}), '/run/unitd/unitd.sock');
  assert.equal(defaultSocket(1000, { XDG_RUNTIME_DIR: '/run/user/1000' }), '/run/user/1000/unitd/unitd.sock');
  assert.equal(defaultSocket(0, { UNITD_SOCKET: '/x.sock' }), '/x.sock');
  assert.equal(defaultSocket(1000, { UNITD_SOCKET: '/x.sock', XDG_RUNTIME_DIR: '/r' }), '/x.sock');
  const flags = parseFlags(['--socket', '/given.sock'], 0, { UNITD_SOCKET: '/x.sock' });
  assert.ok(!('error' in flags) && !('help' in flags) && flags.socket === '/given.sock');
});

test('the daemon serves once ready, shuts down on SIGTERM through the manager, and removes its socket', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'unitd-main-'));
  const socket = join(dir, 'run', 'unitd.sock');
  const trace = join(dir, 'trace');
  const script = join(dir, 'run-daemon.ts');
  writeFileSync(script, `
    import { appendFileSync } from 'node:fs';
    import { runDaemon } from ${JSON.stringify(join(REPO, 'src/daemon/main.ts'))};
    const note = (s) => appendFileSync(${JSON.stringify(trace)}, s + '\\n');
    await runDaemon({ unitPath: ['/nonexistent'], socket: ${JSON.stringify(socket)}, watch: false, logLevel: 'info' }, (ports) => ({
      handle() {}, hasQueuedJobs: () => false, dispatch() {},
      enqueue() { throw new Error('unused'); }, listJobs: () => [], getJob() { throw new Error('unused'); },
      cancelJob() { throw new Error('unused'); }, clearJobs: () => 0, listUnits: () => [],
      unitProperties() { throw new Error('unused'); }, unitStatus() { throw new Error('unused'); },
      resetFailed() { throw new Error('unused'); }, killUnit() { throw new Error('unused'); },
      reload: () => { note('reload'); return { added: [], removed: [], changed: [], needRestart: [] }; },
      startDefaultTarget: () => note('startDefaultTarget'),
      beginShutdown: () => { note('beginShutdown'); setTimeout(() => ports.events.emit({ kind: 'Idle' }), 100); },
      isIdle: () => false,
    }));
  `);
  const proc = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  proc.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  try {
    assert.ok(await waitFor(() => existsSync(socket)), out);
    const reply = await new Promise<string>((res, rej) => {
      const c = connect(socket);
      let buf = '';
      c.on('data', (d) => { buf += d.toString(); if (buf.includes('\n')) { c.end(); res(buf); } });
      c.on('error', rej);
      c.write('{"jsonrpc":"2.0","id":1,"method":"Ping"}\n');
    });
    assert.equal(JSON.parse(reply).result.pid, proc.pid);
    assert.ok(await waitFor(() => existsSync(trace) && readFileSync(trace, 'utf8').includes('startDefaultTarget')));
    proc.kill('SIGHUP');
    assert.ok(await waitFor(() => readFileSync(trace, 'utf8').includes('reload')));
    const exited = new Promise<number | null>((res) => proc.once('exit', res));
    proc.kill('SIGTERM');
    assert.equal(await exited, 0, out);
    assert.deepEqual(readFileSync(trace, 'utf8').trim().split('\n'), ['startDefaultTarget', 'reload', 'beginShutdown']);
    assert.equal(existsSync(socket), false, 'the socket is removed');
    assert.match(out, /"msg":"unitd exits"/, 'logs are flushed before exit');
  } finally {
    if (proc.exitCode === null) proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
