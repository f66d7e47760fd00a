// The client against a scripted daemon on a real Unix socket: NDJSON framing, subscribe before
// enqueue, JobRemoved handling in completion order, the messages of 06 §4, --no-block, and the
// bundled bin/unitctl (process title, exit code).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { runCli } from '../../../src/client/cli.ts';
import { memoryIo } from '../../../src/client/context.ts';
import { connect } from '../../../src/client/rpc-client.ts';
import { FakeError, startFakeDaemon, type FakeMethods, type Peer } from '../../fixtures/fake-unitd.ts';

const REPO = resolve(import.meta.dirname, '../../..');

async function withDaemon(methods: FakeMethods, argv: string[], { tty = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'unitctl-test-'));
  const daemon = await startFakeDaemon(join(dir, 'unitd.sock'), methods);
  try {
    const io = memoryIo(tty);
    const code = await runCli(['--socket', daemon.path, ...argv], { env: {}, uid: 0, io, connect });
    return { code, out: io.stdout, err: io.stderr, calls: daemon.calls, methods: daemon.calls.map((c) => c.method) };
  } finally {
    await daemon.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

let nextJob = 100;
const removedSignal = (id: number, unit: string, result: string, text = '') => ({ id, unit, type: 'start', result, cause: { kind: 'other', text } });

/** EnqueueUnitJob that answers job ids and, after the reply, ends each job with `results[unit]`. */
function jobs(results: Record<string, string>, order?: string[]): FakeMethods {
  const pending: [number, string][] = [];
  const base: FakeMethods = {
    Subscribe: () => ({ subscribed: true }),
    GetUnitProperties: (p) => ({ unit: p.unit, properties: [['Result', results[`${String(p.unit)}#Result`] ?? 'success']] }),
    EnqueueUnitJob: (p, peer) => {
      const unit = String(p.unit);
      const id = nextJob++;
      pending.push([id, unit]);
      const finish = (): void => { for (const [jid, u] of pending.splice(0)) peer.notify('JobRemoved', removedSignal(jid, u, results[u] ?? 'done')); };
      if (!order) peer.afterReply(finish);
      else if (pending.length === order.length) {
        peer.afterReply(() => {
          for (const u of order) {
            const hit = pending.find(([, pu]) => pu === u)!;
            peer.notify('JobRemoved', removedSignal(hit[0], u, results[u] ?? 'done'));
          }
        });
      }
      return { job: id, unit, type: String(p.type), needDaemonReload: false, jobs: [] };
    },
  };
  return base;
}

test('subscribes before enqueueing and succeeds quietly on done', async () => {
  const r = await withDaemon(jobs({}), ['start', 'a']);
  assert.deepEqual([r.code, r.out, r.err], [0, [], []]);
  assert.deepEqual(r.methods, ['Subscribe', 'EnqueueUnitJob']);
  assert.deepEqual(r.calls[1]?.params, { unit: 'a.service', type: 'start', mode: 'replace', listJobs: false });
});

test('canceled job: systemctl line only, exit 1; the cause only with --explain or a TTY', async () => {
  const methods = (): FakeMethods => {
    const m = jobs({ 'w.service': 'canceled' });
    const enqueue = m.EnqueueUnitJob!;
    m.EnqueueUnitJob = (p, peer) => {
      const r = enqueue(p, { ...peer, notify: (method, params) => peer.notify(method, { ...(params as object), cause: { kind: 'replaced', text: 'replaced by start job 42 for w.service (requested by unitctl, pid 881)' } }) } as Peer);
      return r;
    };
    return m;
  };
  const plain = await withDaemon(methods(), ['start', 'w']);
  assert.deepEqual([plain.code, plain.err], [1, ['Job for w.service canceled.']]);
  const explained = await withDaemon(methods(), ['--explain', 'start', 'w']);
  assert.deepEqual(explained.err, ['Job for w.service canceled.', 'Job for w.service canceled: replaced by start job 42 for w.service (requested by unitctl, pid 881).']);
  const tty = await withDaemon(methods(), ['start', 'w'], { tty: true });
  assert.equal(tty.err.length, 2);
  const quiet = await withDaemon(methods(), ['-q', '--explain', 'start', 'w']);
  assert.deepEqual([quiet.code, quiet.err], [1, []]);
});

test('dependency failure message', async () => {
  const r = await withDaemon(jobs({ 'app.service': 'dependency' }), ['start', 'app']);
  assert.deepEqual([r.code, r.err], [1, ["A dependency job for app.service failed. See 'unitctl logs' for details."]]);
});

test('failed service: Result read after JobRemoved, two or four lines', async () => {
  const r = await withDaemon(jobs({ 'broken.service': 'failed', 'broken.service#Result': 'exit-code' }), ['start', 'broken']);
  assert.deepEqual([r.code, r.err], [1, [
    'Job for broken.service failed because the control process exited with error code.',
    'See "unitctl status broken.service" and "unitctl logs broken.service" for details.',
  ]]);
  assert.deepEqual(r.methods, ['Subscribe', 'EnqueueUnitJob', 'GetUnitProperties']);
  assert.deepEqual(r.calls[2]?.params, { unit: 'broken.service', properties: ['Result'] });
  const limit = await withDaemon(jobs({ 'quick.service': 'failed', 'quick.service#Result': 'start-limit-hit' }), ['restart', 'quick']);
  assert.equal(limit.err.length, 4);
  const target = await withDaemon(jobs({ 'g.target': 'failed' }), ['start', 'g.target']);
  assert.deepEqual(target.err, ['Job failed. See "unitctl logs" for details.']);
  assert.ok(!target.methods.includes('GetUnitProperties'));
});

test('--no-block returns at once without subscribing, even if no job ever ends', async () => {
  const methods: FakeMethods = { EnqueueUnitJob: (p) => ({ job: 9, unit: p.unit, type: 'start', needDaemonReload: false, jobs: [] }) };
  const r = await withDaemon(methods, ['start', '--no-block', 'slow']);
  assert.deepEqual([r.code, r.err, r.methods], [0, [], ['EnqueueUnitJob']]);
});

test('two units: messages in completion order, exit 1', async () => {
  const results = { 'a.service': 'failed', 'a.service#Result': 'timeout', 'b.service': 'canceled' };
  const r = await withDaemon(jobs(results, ['b.service', 'a.service']), ['start', 'a', 'b']);
  assert.equal(r.code, 1);
  assert.deepEqual(r.err, [
    'Job for b.service canceled.',
    'Job for a.service failed because a timeout was exceeded.',
    'See "unitctl status a.service" and "unitctl logs a.service" for details.',
  ]);
  const ok = await withDaemon(jobs({ 'b.service': 'canceled' }, ['a.service', 'b.service']), ['start', 'a', 'b']);
  assert.deepEqual([ok.code, ok.err], [1, ['Job for b.service canceled.']]);
});

test('ignores other jobs and handles a JobRemoved that overtakes its reply (coalesced writes)', async () => {
  const methods: FakeMethods = {
    Subscribe: () => ({ subscribed: true }),
    EnqueueUnitJob: (p, peer) => {
      peer.notify('JobRemoved', removedSignal(1, 'other.service', 'canceled'));
      peer.notify('JobRemoved', removedSignal(78, String(p.unit), 'timeout'));
      return { job: 78, unit: p.unit, type: 'stop', needDaemonReload: false, jobs: [] };
    },
  };
  const r = await withDaemon(methods, ['stop', 'x']);
  assert.deepEqual([r.code, r.err], [1, ['Job for x.service timed out.']]);
});

test('a message split across writes is reassembled', async () => {
  const methods: FakeMethods = {
    Subscribe: () => ({ subscribed: true }),
    EnqueueUnitJob: (p, peer) => {
      peer.afterReply(() => {
        const signal = `${JSON.stringify({ jsonrpc: '2.0', method: 'JobRemoved', params: removedSignal(79, String(p.unit), 'invalid') })}\n`;
        peer.raw(signal.slice(0, 15));
        setTimeout(() => peer.raw(signal.slice(15)), 30);
      });
      return { job: 79, unit: p.unit, type: 'reload', needDaemonReload: false, jobs: [] };
    },
  };
  const r = await withDaemon(methods, ['reload', 'reloadable']);
  assert.deepEqual([r.code, r.err], [1, ['reloadable.service is not active, cannot reload.']]);
});

test('enqueue error over the wire: name from the RPC code, exit code from ERRORS', async () => {
  const methods: FakeMethods = {
    Subscribe: () => ({ subscribed: true }),
    EnqueueUnitJob: () => { throw new FakeError(-32010, "Transaction for slow.service/stop is destructive (slow.service has 'start' job queued, but 'stop' is included in transaction).", { name: 'org.freedesktop.systemd1.TransactionIsDestructive' }); },
  };
  const r = await withDaemon(methods, ['stop', '--job-mode=fail', 'slow']);
  assert.equal(r.code, 4);
  assert.deepEqual(r.err, [
    "Failed to stop slow.service: Transaction for slow.service/stop is destructive (slow.service has 'start' job queued, but 'stop' is included in transaction).",
    "See system logs and 'unitctl status slow.service' for details.",
  ]);
  assert.equal(r.calls[1]?.params.mode, 'fail');
});

test('the daemon going away while waiting fails with 1', async () => {
  const methods: FakeMethods = {
    Subscribe: () => ({ subscribed: true }),
    EnqueueUnitJob: (p, peer) => { peer.afterReply(() => peer.end()); return { job: 5, unit: p.unit, type: 'start', needDaemonReload: false, jobs: [] }; },
  };
  const r = await withDaemon(methods, ['start', 'x']);
  assert.equal(r.code, 1);
  assert.match(r.err[0] ?? '', /^Failed to wait for job completion: /);
});

test('bin/unitctl: bundled client names itself unitctl and exits with the verb status', async () => {
  if (!existsSync(join(REPO, 'dist/unitctl.cjs'))) spawnSync(process.execPath, [join(REPO, 'scripts/build.mjs')], { stdio: 'ignore' });
  const dir = mkdtempSync(join(tmpdir(), 'unitctl-bin-'));
  let comm = '';
  const daemon = await startFakeDaemon(join(dir, 'unitd.sock'), {
    Subscribe: () => ({ subscribed: true }),
    EnqueueUnitJob: (p, peer) => {
      peer.afterReply(() => peer.notify('JobRemoved', removedSignal(3, String(p.unit), 'canceled')));
      return { job: 3, unit: p.unit, type: 'start', needDaemonReload: false, jobs: [] };
    },
    GetUnitProperties: (p) => ({ unit: p.unit, properties: [['ActiveState', 'active']] }),
    Ping: () => ({ version: 1, pid: process.pid }),
  });
  // A socket that accepts and never answers, so the client stays alive long enough to look at.
  const probe = createServer(() => {});
  const probePath = join(dir, 'probe.sock');
  await new Promise<void>((res) => probe.listen(probePath, res));
  try {
    const run = (args: string[]) => new Promise<{ code: number | null; out: string; err: string }>((res) => {
      const child = spawn(join(REPO, 'bin/unitctl'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => { out += d; });
      child.stderr.on('data', (d: Buffer) => { err += d; });
      child.on('exit', (code) => res({ code, out, err }));
      // Read the title while the client waits for an answer the probe never sends.
      if (args.includes(probePath)) setTimeout(() => { try { comm = readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim(); } catch { /* gone */ } child.kill(); }, 300);
    });
    assert.deepEqual(await run(['--socket', daemon.path, 'start', 'x']), { code: 1, out: '', err: 'Job for x.service canceled.\n' });
    assert.deepEqual(await run(['--socket', daemon.path, 'is-active', 'x']), { code: 0, out: 'active\n', err: '' });
    await run(['--socket', probePath, 'is-active', 'x']);
    assert.equal(comm, 'unitctl');
    assert.deepEqual(await run(['--socket', join(dir, 'none.sock'), 'is-active', 'x']),
      { code: 1, out: '', err: `Failed to connect to unitd at ${join(dir, 'none.sock')}: No such file or directory\n` });
  } finally {
    await daemon.close();
    probe.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
