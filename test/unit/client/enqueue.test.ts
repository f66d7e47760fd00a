// The start/stop family over an in-memory daemon: enqueue error messages and exit codes (06 §6),
// waiting and its override of the exit code (06 §3.2), warnings (06 §9), -T and --dry-run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERRORS, type ErrorName } from '../../../src/engine/errors.ts';
import { runJobVerb, transactionLines, type JobVerb } from '../../../src/client/enqueue.ts';
import { FakeRpc, enqueued, makeContext, removed, rpcError } from './helpers.ts';

const START: JobVerb = { request: 'start', word: 'start', allowWait: true };
const TRY_RESTART: JobVerb = { request: 'try-restart', word: 'try-restart', ignoreMasked: true };

const MESSAGES: Record<ErrorName, string> = {
  NoSuchUnit: 'Unit x.service not found.',
  UnitNotLoaded: 'Unit x.service not loaded.',
  UnitMasked: 'Unit x.service is masked.',
  BadUnitSetting: 'Unit x.service has a bad unit file setting.',
  UnitLoadError: 'Unit x.service failed to load properly, please adjust/correct and reload service manager: Invalid argument',
  LoadFailed: 'Unit x.service is not loaded properly.',
  JobTypeNotApplicable: 'Job type reload is not applicable for unit x.service.',
  OnlyByDependency: 'Operation refused, unit x.service may be requested by dependency only (it is configured to refuse manual start/stop).',
  NoIsolation: 'Operation refused, unit may not be isolated.',
  TransactionIsDestructive: "Transaction for x.service/stop is destructive (x.service has 'start' job queued, but 'stop' is included in transaction).",
  TransactionOrderIsCyclic: 'Transaction order is cyclic. See system logs for details.',
  TransactionJobsConflicting: "Transaction contains conflicting jobs 'start' and 'stop' for x.service. Probably contradicting requirement dependencies configured.",
  InvalidArgs: 'Job mode bogus invalid',
  AccessDenied: 'Access denied: not the owner',
  NotSupported: 'Not supported',
  NoSuchJob: 'Job 3 does not exist.',
  ShuttingDown: 'Refusing activation, manager is shutting down.',
  NoSuchProcess: 'No main process to kill',
  UnitInactive: 'Unit x.service is not active.',
};
const EXPECTED_EXIT: Partial<Record<ErrorName, number>> = {
  NoSuchUnit: 5, UnitNotLoaded: 5, LoadFailed: 6, JobTypeNotApplicable: 3, NotSupported: 3,
  OnlyByDependency: 4, NoIsolation: 4, TransactionIsDestructive: 4, AccessDenied: 4,
};
const NO_HINT = new Set(['NoSuchUnit', 'UnitNotLoaded', 'UnitMasked', 'JobTypeNotApplicable']);

for (const name of Object.keys(ERRORS) as ErrorName[]) {
  test(`enqueue error ${name}: message, hint and exit code`, async () => {
    const rpc = new FakeRpc({ Subscribe: () => ({ subscribed: true }), EnqueueUnitJob: () => { throw rpcError(name, MESSAGES[name]); } });
    const { ctx, io } = makeContext(rpc);
    const code = await runJobVerb(ctx, START, ['x']);
    assert.equal(code, EXPECTED_EXIT[name] ?? 1);
    const expected = [`Failed to start x.service: ${MESSAGES[name]}`];
    if (!NO_HINT.has(name)) expected.push("See system logs and 'unitctl status x.service' for details.");
    assert.deepEqual(io.stderr, expected);
    assert.deepEqual(io.stdout, []);
  });
}

test('a multi-line server message prints one line per part, empty parts dropped', async () => {
  const rpc = new FakeRpc({ Subscribe: () => ({ subscribed: true }), EnqueueUnitJob: () => { throw rpcError('NoSuchUnit', 'first\n\nsecond\n'); } });
  const { ctx, io } = makeContext(rpc);
  await runJobVerb(ctx, START, ['x.service']);
  assert.deepEqual(io.stderr, ['Failed to start x.service: first', 'second']);
});

test('try-restart ignores a masked unit silently; start does not', async () => {
  const handlers = { Subscribe: () => ({ subscribed: true as const }), EnqueueUnitJob: () => { throw rpcError('UnitMasked', 'Unit m.service is masked.'); } };
  const a = makeContext(new FakeRpc(handlers));
  assert.equal(await runJobVerb(a.ctx, TRY_RESTART, ['m']), 0);
  assert.deepEqual(a.io.stderr, []);
  const b = makeContext(new FakeRpc(handlers));
  assert.equal(await runJobVerb(b.ctx, START, ['m']), 1);
  assert.deepEqual(b.io.stderr, ['Failed to start m.service: Unit m.service is masked.']);
});

test('the word of try-reload-or-restart is reload-or-try-restart; names get .service', async () => {
  const rpc = new FakeRpc({ Subscribe: () => ({ subscribed: true }), EnqueueUnitJob: () => { throw rpcError('NoSuchUnit', 'Unit y.service not found.'); } });
  const { ctx, io } = makeContext(rpc);
  await runJobVerb(ctx, { request: 'try-reload-or-restart', word: 'reload-or-try-restart' }, ['y']);
  assert.deepEqual(io.stderr, ['Failed to reload-or-try-restart y.service: Unit y.service not found.']);
});

test('the first enqueue error decides the code, a failed job overrides it with 1', async () => {
  const rpc = new FakeRpc({
    Subscribe: () => ({ subscribed: true }),
    EnqueueUnitJob: (p, r) => {
      if (p.unit === 'gone.service') throw rpcError('NoSuchUnit', 'Unit gone.service not found.');
      if (p.unit === 'bad.service') throw rpcError('LoadFailed', 'Unit bad.service is not loaded properly.');
      r.emitLater('JobRemoved', removed(7, p.unit, 'canceled'));
      return enqueued(7, p.unit);
    },
  });
  const { ctx, io } = makeContext(rpc);
  assert.equal(await runJobVerb(ctx, { ...START }, ['gone', 'bad', 'ok']), 1);
  assert.deepEqual(io.stderr, [
    'Failed to start gone.service: Unit gone.service not found.',
    'Failed to start bad.service: Unit bad.service is not loaded properly.',
    "See system logs and 'unitctl status bad.service' for details.",
    'Job for ok.service canceled.',
  ]);
  const noWait = makeContext(new FakeRpc({
    EnqueueUnitJob: (p) => {
      if (p.unit === 'gone.service') throw rpcError('NoSuchUnit', 'Unit gone.service not found.');
      if (p.unit === 'bad.service') throw rpcError('LoadFailed', 'Unit bad.service is not loaded properly.');
      return enqueued(7, p.unit);
    },
  }), { noBlock: true });
  assert.equal(await runJobVerb(noWait.ctx, START, ['gone', 'bad', 'ok']), 5);
});

test('--wait is refused for verbs other than start and restart', async () => {
  const rpc = new FakeRpc({});
  const { ctx, io } = makeContext(rpc, { wait: true });
  assert.equal(await runJobVerb(ctx, { request: 'stop', word: 'stop' }, ['x']), 1);
  assert.deepEqual(io.stderr, ["--wait may only be used with the 'start' or 'restart' commands."]);
  assert.deepEqual(rpc.methods(), []);
});

test('needDaemonReload prints the warning right after the enqueue', async () => {
  const rpc = new FakeRpc({ EnqueueUnitJob: (p) => enqueued(3, p.unit, { needDaemonReload: true }) });
  const { ctx, io } = makeContext(rpc, { noBlock: true });
  assert.equal(await runJobVerb(ctx, { request: 'restart', word: 'restart' }, ['svc']), 0);
  assert.deepEqual(io.stderr, [
    "Warning: The unit file, source configuration file or drop-ins of svc.service changed on disk. Run 'unitctl daemon-reload' to reload units.",
  ]);
});

test('job mode: --job-mode, default replace, isolate forced; isolate appends .target', async () => {
  const modes: string[] = [];
  const units: string[] = [];
  const rpc = new FakeRpc({ EnqueueUnitJob: (p) => { modes.push(p.mode); units.push(p.unit); return enqueued(1, p.unit); } });
  await runJobVerb(makeContext(rpc, { noBlock: true }).ctx, START, ['a']);
  await runJobVerb(makeContext(rpc, { noBlock: true, jobMode: 'flush' }).ctx, START, ['a']);
  await runJobVerb(makeContext(rpc, { noBlock: true, jobMode: 'fail' }).ctx, { request: 'start', word: 'start', suffix: '.target', mode: 'isolate' }, ['two']);
  assert.deepEqual(modes, ['replace', 'flush', 'isolate']);
  assert.deepEqual(units, ['a.service', 'a.service', 'two.target']);
});

test('stop warns about active triggering units after the job', async () => {
  const rpc = new FakeRpc({
    Subscribe: () => ({ subscribed: true }),
    EnqueueUnitJob: (p, r) => { r.emitLater('JobRemoved', removed(4, p.unit, 'done')); return enqueued(4, p.unit); },
    GetUnitProperties: (p) => ({
      unit: p.unit,
      properties: p.unit === 'echo.service' ? [['TriggeredBy', 'echo.socket idle.timer']] : [['ActiveState', p.unit === 'echo.socket' ? 'active' : 'inactive']],
    }),
  });
  const { ctx, io } = makeContext(rpc);
  assert.equal(await runJobVerb(ctx, { request: 'stop', word: 'stop', warnTriggers: true }, ['echo']), 0);
  assert.deepEqual(io.stderr, ['Warning: Stopping echo.service, but it can still be activated by:', '  echo.socket']);
  const quiet = makeContext(rpc, { quiet: true });
  await runJobVerb(quiet.ctx, { request: 'stop', word: 'stop', warnTriggers: true }, ['echo']);
  assert.deepEqual(quiet.io.stderr, []);
});

test('--dry-run sends dryRun, does not wait and prints the transaction', async () => {
  const rpc = new FakeRpc({
    EnqueueUnitJob: (p) => {
      assert.equal(p.dryRun, true);
      return enqueued(0, p.unit, { jobs: [
        { id: 0, unit: 'web.service', type: 'start', action: 'installed', reason: '' },
        { id: 0, unit: 'db.service', type: 'start', action: 'installed', reason: 'Requires= of web.service' },
        { id: 12, unit: 'db.service', type: 'stop', action: 'canceled', reason: 'replaced' },
      ] });
    },
  });
  const { ctx, io } = makeContext(rpc, { dryRun: true });
  assert.equal(await runJobVerb(ctx, START, ['web']), 0);
  assert.deepEqual(rpc.methods(), ['EnqueueUnitJob']);
  assert.deepEqual(io.stderr, [
    'Would enqueue anchor job web.service/start.',
    'Would enqueue auxiliary job db.service/start (installed: Requires= of web.service).',
    'Would cancel job 12 db.service/stop (replaced).',
  ]);
});

test('the job list is asked for only with -T or --dry-run', async () => {
  const sent: Record<string, unknown>[] = [];
  const rpc = new FakeRpc({ EnqueueUnitJob: (p) => { sent.push(p); return enqueued(1, p.unit); } });
  await runJobVerb(makeContext(rpc, { noBlock: true }).ctx, START, ['a']);
  await runJobVerb(makeContext(rpc, { noBlock: true, showTransaction: true }).ctx, START, ['a']);
  await runJobVerb(makeContext(rpc, { dryRun: true }).ctx, START, ['a']);
  assert.deepEqual(sent.map((p) => [p['listJobs'], p['dryRun']]), [[false, undefined], [undefined, undefined], [undefined, true]]);
});

test('-T lists the installed jobs with ids', () => {
  assert.deepEqual(transactionLines(enqueued(42, 'web.service', { jobs: [
    { id: 43, unit: 'db.service', type: 'start', action: 'merged', reason: '' },
    { id: 42, unit: 'web.service', type: 'start', action: 'installed', reason: '' },
  ] }), { dryRun: false }), ['Enqueued anchor job 42 web.service/start.', 'Enqueued auxiliary job 43 db.service/start (merged).']);
});

test('-T and --dry-run say which start job waits for an Exclusive= group', () => {
  const waits = 'Exclusive=mail held by mail-full.service';
  assert.deepEqual(transactionLines(enqueued(0, 'mail-quick.service', { jobs: [
    { id: 0, unit: 'mail-quick.service', type: 'start', action: 'installed', reason: 'requested', waits },
    { id: 0, unit: 'backup.service', type: 'start', action: 'installed', reason: 'start mail-quick.service via Wants=', waits: 'Exclusive=disk held by cleanup.service' },
  ] }), { dryRun: true }), [
    `Would enqueue anchor job mail-quick.service/start (would wait for ${waits}).`,
    'Would enqueue auxiliary job backup.service/start (installed: start mail-quick.service via Wants=, would wait for Exclusive=disk held by cleanup.service).',
  ]);
  assert.deepEqual(transactionLines(enqueued(9, 'mail-quick.service', { jobs: [
    { id: 9, unit: 'mail-quick.service', type: 'start', action: 'installed', reason: 'requested', waits },
  ] }), { dryRun: false }), [`Enqueued anchor job 9 mail-quick.service/start (waiting for ${waits}).`]);
});

test('--wait waits until the unit is inactive or failed and fails for failed', async () => {
  let polls = 0;
  const rpc = new FakeRpc({
    Subscribe: () => ({ subscribed: true }),
    EnqueueUnitJob: (p, r) => { r.emitLater('JobRemoved', removed(5, p.unit, 'done')); return enqueued(5, p.unit); },
    GetUnitProperties: (p, r) => {
      polls++;
      if (polls === 1) { r.emitLater('UnitChanged', { unit: p.unit, activeState: 'failed', subState: 'failed' }); return { unit: p.unit, properties: [['ActiveState', 'active'], ['Job', '']] }; }
      return { unit: p.unit, properties: [['ActiveState', 'failed'], ['Job', '']] };
    },
  });
  const { ctx } = makeContext(rpc, { wait: true });
  assert.equal(await runJobVerb(ctx, START, ['w']), 1);
  assert.equal(polls, 2);
  assert.deepEqual(rpc.methods().filter((m) => m === 'Subscribe'), ['Subscribe']);
});

test('glob patterns expand against loaded units', async () => {
  const units: string[] = [];
  const rpc = new FakeRpc({
    ListUnits: () => ({ units: ['a1.service', 'a2.service', 'b.service', 'a.socket'].map((id) => ({ id, loadState: 'loaded', activeState: 'active', subState: 'running', description: id, job: null })) }),
    EnqueueUnitJob: (p) => { units.push(p.unit); return enqueued(1, p.unit); },
  });
  await runJobVerb(makeContext(rpc, { noBlock: true }).ctx, START, ['a*.service', 'b']);
  assert.deepEqual(units, ['a1.service', 'a2.service', 'b.service']);
});
