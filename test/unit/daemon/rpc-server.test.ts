// The RPC server on a real Unix socket with a stub manager: framing and garbage handling, params
// validation, error mapping, subscriptions, socket permissions, and refusal of unprivileged peers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Loop } from '../../../src/daemon/loop.ts';
import { RpcServer } from '../../../src/daemon/rpc-server.ts';
import { fail } from '../../../src/engine/errors.ts';
import { captureLog, StubManager, waitFor } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'unitd-rpc-'));
const socketPath = join(dir, 'run', 'unitd.sock');
const manager = new StubManager();
const loop = new Loop(manager, { onError: () => {} });
const { dl, records } = captureLog();
const exits: number[] = [];
let server: RpcServer;

before(async () => {
  server = new RpcServer({
    socketPath, log: dl.log, ownerUid: process.getuid!(),
    deps: { manager, pid: process.pid, run: (fn) => loop.call(fn), exit: (s) => exits.push(s), reloaded: (r) => server.broadcast('Reloaded', r) },
  });
  await server.listen();
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A raw line-oriented client. */
class Raw {
  readonly sock: Socket;
  private buf = '';
  readonly lines: string[] = [];
  constructor(path = socketPath) {
    this.sock = connect(path);
    this.sock.setEncoding('utf8');
    this.sock.on('data', (d: string) => {
      this.buf += d;
      let i;
      while ((i = this.buf.indexOf('\n')) >= 0) {
        this.lines.push(this.buf.slice(0, i));
        this.buf = this.buf.slice(i + 1);
      }
    });
  }
  async ready(): Promise<void> {
    if (!this.sock.connecting) return;
    await new Promise((r) => this.sock.once('connect', r));
  }
  send(text: string): void {
    this.sock.write(text);
  }
  async next(): Promise<any> {
    assert.ok(await waitFor(() => this.lines.length > 0, 10_000), 'no reply');
    return JSON.parse(this.lines.shift()!);
  }
  async call(method: string, params?: unknown, id: number = 1): Promise<any> {
    this.send(`${JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) })}\n`);
    return this.next();
  }
  close(): void {
    this.sock.destroy();
  }
}

test('the socket is owner-only inside an owner-only directory', () => {
  assert.equal(statSync(socketPath).mode & 0o777, 0o600);
  assert.equal(statSync(dirname(socketPath)).mode & 0o777, 0o700);
});

test('Ping answers; garbage gets the JSON-RPC error it deserves and the connection stays usable', async () => {
  const c = new Raw();
  await c.ready();
  const ping = await c.call('Ping');
  assert.deepEqual(ping, { jsonrpc: '2.0', id: 1, result: { version: 1, pid: process.pid } });
  const cases: [string, number, unknown][] = [
    ['{not json', -32700, null],
    ['42', -32600, null],
    ['null', -32600, null],
    ['[]', -32600, null],
    ['"str"', -32600, null],
    ['{"jsonrpc":"1.0","id":7,"method":"Ping"}', -32600, 7],
    ['{"jsonrpc":"2.0","id":8,"method":5}', -32600, 8],
    ['{"jsonrpc":"2.0","id":9,"method":"Ping","params":3}', -32600, 9],
    ['{"jsonrpc":"2.0","id":10,"method":"NoSuchMethod"}', -32601, 10],
  ];
  for (const [line, code, id] of cases) {
    c.send(`${line}\n`);
    const reply = await c.next();
    assert.equal(reply.error?.code, code, line);
    assert.equal(reply.id, id, line);
  }
  // A notification gets no reply: the next line is the answer to the following call.
  c.send('{"jsonrpc":"2.0","method":"Ping"}\n');
  assert.equal((await c.call('Ping', undefined, 11)).id, 11);
  // A batch gets an array, with an error for its bad member.
  c.send('[{"jsonrpc":"2.0","id":1,"method":"Ping"},{"jsonrpc":"2.0","id":2,"method":"ListJobs"},5]\n');
  const batch = await c.next();
  assert.ok(Array.isArray(batch));
  assert.deepEqual(batch.map((r: any) => r.id).sort(), [1, 2, null].sort());
  assert.equal(batch.find((r: any) => r.id === null).error.code, -32600);
  c.close();
});

test('a message over 1 MiB is refused, discarded up to its newline, and the next one works', async () => {
  const c = new Raw();
  await c.ready();
  const big = `{"jsonrpc":"2.0","id":1,"method":"Ping","params":{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}}`;
  // Sent in pieces so the cap is hit before the newline arrives.
  for (let i = 0; i < big.length; i += 65536) c.send(big.slice(i, i + 65536));
  c.send('\n');
  const refused = await c.next();
  assert.equal(refused.error.code, -32600);
  assert.match(refused.error.message, /exceeds 1048576 bytes/);
  assert.equal((await c.call('Ping', undefined, 2)).result.version, 1);
  // A complete oversized line in one write is refused the same way.
  c.send(`${big}\n`);
  assert.equal((await c.next()).error.code, -32600);
  assert.equal((await c.call('Ping', undefined, 3)).id, 3);
  assert.equal(c.lines.length, 0);
  c.close();
});

test('params are validated per method (-32602) before the manager is called', async () => {
  const c = new Raw();
  await c.ready();
  const before = manager.calls.length;
  const bad: [string, unknown][] = [
    ['EnqueueUnitJob', { type: 'start', mode: 'replace' }],
    ['EnqueueUnitJob', { unit: 'a.service', type: 'explode', mode: 'replace' }],
    ['EnqueueUnitJob', { unit: 'a.service', type: 'start', mode: 'sometimes' }],
    ['EnqueueUnitJob', ['a.service', 'start', 'replace']],
    ['EnqueueUnitJob', { unit: 'a.service', type: 'start', mode: 'replace', listJobs: 'no' }],
    ['GetJob', { id: 'x' }],
    ['CancelJob', { id: -1 }],
    ['GetUnitProperties', { unit: 'a.service', properties: 'Id' }],
    ['KillUnit', { unit: 'a.service', whom: 'all', signal: 'TERM' }],
    ['ListUnits', { all: 'yes' }],
    ['Exit', { status: 300 }],
  ];
  for (const [method, params] of bad) {
    const reply = await c.call(method, params);
    assert.equal(reply.error?.code, -32602, `${method} ${JSON.stringify(params)}`);
  }
  assert.equal(manager.calls.length, before);
  c.close();
});

test('calls reach the manager with the peer as RequestContext; domain errors map to the table', async () => {
  const c = new Raw();
  await c.ready();
  const ok = await c.call('EnqueueUnitJob', { unit: 'a.service', type: 'start', mode: 'replace' });
  assert.equal(ok.result.job, 1);
  const call = manager.calls.findLast((x) => x.method === 'enqueue')!;
  assert.deepEqual(call.args[0], { unit: 'a.service', type: 'start', mode: 'replace' });
  await c.call('EnqueueUnitJob', { unit: 'a.service', type: 'start', mode: 'replace', listJobs: false });
  assert.deepEqual(manager.calls.findLast((x) => x.method === 'enqueue')!.args[0], { unit: 'a.service', type: 'start', mode: 'replace', listJobs: false });
  const comm = readFileSync('/proc/self/comm', 'utf8').trim();
  assert.deepEqual(call.args[1], { client: comm, pid: process.pid, uid: process.getuid!() });
  manager.enqueueResult = () => fail('NoSuchUnit', ['nope.service'], { unit: 'nope.service' });
  const err = await c.call('EnqueueUnitJob', { unit: 'nope.service', type: 'start', mode: 'replace' });
  assert.deepEqual(err.error, { code: -32001, message: 'Unit nope.service not found.', data: { unit: 'nope.service', name: 'org.freedesktop.systemd1.NoSuchUnit' } });
  assert.deepEqual((await c.call('KillUnit', { unit: 'a.service', whom: 'main', signal: 15 })).result, { signalled: 1 });
  assert.deepEqual((await c.call('ClearJobs', {})).result, { canceled: 2 });
  assert.deepEqual((await c.call('Exit', { status: 3 })).result, {});
  assert.deepEqual(exits, [3]);
  c.close();
});

test('an unexpected exception becomes -32603 without leaking its message', async () => {
  const c = new Raw();
  await c.ready();
  const reply = await c.call('GetUnitStatus', { unit: 'a.service' });
  assert.equal(reply.error.code, -32603);
  assert.doesNotMatch(JSON.stringify(reply), /secret/);
  assert.ok(records.some((r) => r['level'] === 50), 'the stack is logged');
  c.close();
});

test('signals go only to subscribed connections; Reload broadcasts Reloaded', async () => {
  const sub = new Raw();
  const other = new Raw();
  await Promise.all([sub.ready(), other.ready()]);
  assert.deepEqual((await sub.call('Subscribe', {})).result, { subscribed: true });
  await other.call('Ping');
  server.broadcast('UnitChanged', { unit: 'a.service', activeState: 'active', subState: 'running' });
  const note = await sub.next();
  assert.deepEqual(note, { jsonrpc: '2.0', method: 'UnitChanged', params: { unit: 'a.service', activeState: 'active', subState: 'running' } });
  await other.call('Reload', {});
  const reloaded = await sub.next();
  assert.equal(reloaded.method, 'Reloaded');
  assert.deepEqual(reloaded.params.added, ['n.service']);
  assert.equal(other.lines.length, 0, 'the unsubscribed connection got no signal');
  assert.deepEqual((await sub.call('Unsubscribe', {})).result, { subscribed: false });
  server.broadcast('UnitChanged', { unit: 'b.service', activeState: 'active', subState: 'running' });
  assert.equal((await sub.call('Ping', undefined, 5)).id, 5);
  sub.close();
  other.close();
});

test('a subscriber that does not read is dropped once its buffered output passes the bound', async () => {
  const slow = new Raw();
  await slow.ready();
  await slow.call('Subscribe', {});
  slow.sock.pause();
  const before = server.connections;
  const big = { added: Array.from({ length: 2000 }, (_, i) => `unit-${i}-${'y'.repeat(100)}.service`), removed: [], changed: [], needRestart: [] };
  for (let i = 0; i < 200 && server.connections === before; i++) server.broadcast('Reloaded', big);
  assert.ok(await waitFor(() => server.connections === before - 1), 'the slow subscriber was dropped');
  slow.close();
});

test('a non-owner peer (our own uid, when the owner is someone else) is refused', async () => {
  const otherPath = join(dir, 'other', 'unitd.sock');
  const other = new RpcServer({
    socketPath: otherPath, log: dl.log, ownerUid: process.getuid!() === 0 ? 0 : process.getuid!() + 1,
    deps: { manager, pid: process.pid, run: (fn) => loop.call(fn), exit: () => {}, reloaded: () => {} },
  });
  await other.listen();
  try {
    const c = new Raw(otherPath);
    await c.ready();
    const reply = await c.call('ClearJobs', {});
    if (process.getuid!() === 0) assert.deepEqual(reply.result, { canceled: 2 }, 'root may always');
    else assert.equal(reply.error.code, -32014);
    c.close();
  } finally {
    await other.close();
  }
});

test('a peer running as uid 65534 may read but not change anything', async () => {
  if (process.getuid!() !== 0) return; // only root can start a client under another uid; the test above covers non-root
  chmodSync(dir, 0o711);
  chmodSync(dirname(socketPath), 0o711);
  chmodSync(socketPath, 0o666);
  try {
    const script = `
      const s = require('node:net').connect(${JSON.stringify(socketPath)});
      let buf = '';
      s.on('connect', () => {
        s.write(JSON.stringify({jsonrpc:'2.0',id:1,method:'EnqueueUnitJob',params:{unit:'a.service',type:'start',mode:'replace'}}) + '\\n');
        s.write(JSON.stringify({jsonrpc:'2.0',id:2,method:'ListJobs'}) + '\\n');
      });
      s.on('data', (d) => { buf += d; if (buf.split('\\n').length > 2) { process.stdout.write(buf); s.end(); } });`;
    const child = spawn(process.execPath, ['-e', script], { uid: 65534, gid: 65534, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const code = await new Promise((r) => child.once('exit', r));
    assert.equal(code, 0, err);
    const replies = out.trim().split('\n').map((l) => JSON.parse(l));
    const denied = replies.find((r: any) => r.id === 1);
    assert.equal(denied.error.code, -32014);
    assert.equal(denied.error.data.name, 'org.freedesktop.systemd1.AccessDenied');
    assert.ok(Array.isArray(replies.find((r: any) => r.id === 2).result.jobs), 'read-only calls are allowed');
  } finally {
    chmodSync(dirname(socketPath), 0o700);
    chmodSync(socketPath, 0o600);
  }
});
