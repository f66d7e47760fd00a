// The query and maintenance verbs over an in-memory daemon: is-active/is-failed (06 §8.1), show,
// list-jobs, cancel, kill, reset-failed, daemon-reload, status; and cli.ts argument checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, socketPath } from '../../../src/client/cli.ts';
import { memoryIo } from '../../../src/client/context.ts';
import { VERBS } from '../../../src/client/verbs/index.ts';
import type { UnitStatus } from '../../../src/engine/api.ts';
import { FakeRpc, makeContext, rpcError, type Handlers } from './helpers.ts';

const STATES: Record<string, string> = { 'up.service': 'active', 'down.service': 'inactive', 'broken.service': 'failed', 'r.service': 'reloading', 'slow.service': 'activating' };
const stateRpc = (): FakeRpc => new FakeRpc({
  GetUnitProperties: (p) => {
    const s = STATES[p.unit];
    if (s === undefined) throw rpcError('NoSuchUnit', `Unit ${p.unit} not found.`);
    return { unit: p.unit, properties: [['ActiveState', s]] };
  },
});

const run = async (verb: string, args: string[], rpc: FakeRpc, options = {}) => {
  const { ctx, io } = makeContext(rpc, options);
  const code = await VERBS[verb]!.run(ctx, args);
  return { code, out: io.stdout, err: io.stderr };
};

test('is-active (cli-is-active-exit-codes)', async () => {
  const table: [string[], string[], number][] = [
    [['up'], ['active'], 0], [['down.service'], ['inactive'], 3], [['broken'], ['failed'], 3], [['missing'], ['inactive'], 3],
    [['up', 'down'], ['active', 'inactive'], 0], [['down', 'up'], ['inactive', 'active'], 0], [['r'], ['reloading'], 0], [['slow'], ['activating'], 3],
  ];
  for (const [args, out, code] of table) assert.deepEqual(await run('is-active', args, stateRpc()), { code, out, err: [] }, args.join(' '));
  assert.deepEqual(await run('is-active', ['up'], stateRpc(), { quiet: true }), { code: 0, out: [], err: [] });
  assert.deepEqual(await run('is-active', ['down'], stateRpc(), { quiet: true }), { code: 3, out: [], err: [] });
});

test('is-failed', async () => {
  assert.deepEqual(await run('is-failed', ['broken'], stateRpc()), { code: 0, out: ['failed'], err: [] });
  assert.deepEqual(await run('is-failed', ['up'], stateRpc()), { code: 1, out: ['active'], err: [] });
  assert.deepEqual(await run('is-failed', ['up', 'broken'], stateRpc()), { code: 0, out: ['active', 'failed'], err: [] });
  assert.deepEqual(await run('is-failed', ['broken'], stateRpc(), { quiet: true }), { code: 0, out: [], err: [] });
});

test('show: several units separated by an empty line, -p sent to the daemon', async () => {
  const rpc = new FakeRpc({ GetUnitProperties: (p) => ({ unit: p.unit, properties: [['Id', p.unit], ['Job', ''], ['ActiveState', 'active']] }) });
  const r = await run('show', ['a', 'b.target'], rpc);
  assert.deepEqual(r, { code: 0, out: ['Id=a.service', 'ActiveState=active', '', 'Id=b.target', 'ActiveState=active'], err: [] });
  const p = await run('show', ['a'], rpc, { properties: ['Job', 'Id'] });
  assert.deepEqual(p.out, ['Id=a.service', 'Job=']);
  assert.deepEqual(rpc.calls.at(-1)?.params, { unit: 'a.service', properties: ['Job', 'Id'] });
});

test('list-jobs with patterns', async () => {
  const rpc = new FakeRpc({ ListJobs: () => ({ jobs: [{ id: 2, unit: 'a.service', type: 'start', state: 'running' }, { id: 3, unit: 'b.target', type: 'start', state: 'waiting' }] }) });
  assert.deepEqual((await run('list-jobs', ['*.target'], rpc)).out, ['JOB UNIT     TYPE  STATE', '3   b.target start waiting', '', '1 jobs listed.']);
  assert.deepEqual((await run('list-jobs', ['nothing*'], rpc)).out, ['No jobs listed.']);
});

test('list-jobs --after/--before: the rows systemctl 252 prints under each job (blocking first, then waiting for)', async () => {
  const jobs = { a: { id: 16, unit: 'a.service', type: 'start', state: 'waiting' }, b: { id: 31, unit: 'b.service', type: 'start', state: 'waiting' },
    c: { id: 32, unit: 'c.service', type: 'start', state: 'running' } } as const;
  const order: Record<number, { waitingFor: (typeof jobs)[keyof typeof jobs][]; blocking: (typeof jobs)[keyof typeof jobs][] }> = {
    16: { waitingFor: [jobs.b], blocking: [] }, 31: { waitingFor: [jobs.c], blocking: [jobs.a] }, 32: { waitingFor: [], blocking: [jobs.b] } };
  const rpc = new FakeRpc({ ListJobs: () => ({ jobs: [jobs.b, jobs.c, jobs.a] }), GetJobOrder: (p) => order[p.id]! });
  const saved = process.env.LC_ALL;
  process.env.LC_ALL = 'C';
  try {
    // Recorded from systemctl --user list-jobs --after --before (systemd 252, C locale); a tab opens each sub-row.
    assert.deepEqual((await run('list-jobs', [], rpc, { jobsAfter: true, jobsBefore: true })).out, [
      'JOB UNIT                                  TYPE  STATE',
      '16  a.service                             start waiting',
      '`-  \twaiting for job 31 (b.service/start) -     -',
      '31  b.service                             start waiting',
      '`-  \tblocking job 16 (a.service/start)    -     -',
      '`-  \twaiting for job 32 (c.service/start) -     -',
      '32  c.service                             start running',
      '`-  \tblocking job 31 (b.service/start)    -     -',
      '', '3 jobs listed.']);
    assert.deepEqual((await run('list-jobs', ['c*'], rpc, { jobsAfter: true })).out, [
      'JOB UNIT                               TYPE  STATE', '32  c.service                          start running', '`-  \tblocking job 31 (b.service/start) -     -', '', '1 jobs listed.']);
  } finally {
    if (saved === undefined) delete process.env.LC_ALL; else process.env.LC_ALL = saved;
  }
  assert.equal((await run('list-jobs', [], rpc)).out.length, 6, 'without --after/--before no sub-rows');
});

test('cancel: ids, unknown ids, bad ids, no ids', async () => {
  const rpc = new FakeRpc({
    CancelJob: (p) => { if (p.id !== 4) throw rpcError('NoSuchJob', `Job ${p.id} does not exist.`); return {}; },
    ClearJobs: () => ({ canceled: 2 }),
  });
  assert.deepEqual(await run('cancel', ['4'], rpc), { code: 0, out: [], err: [] });
  assert.deepEqual(await run('cancel', ['5', '4'], rpc), { code: 1, out: [], err: ['Failed to cancel job 5: Job 5 does not exist.'] });
  assert.deepEqual(await run('cancel', ['x1'], rpc), { code: 1, out: [], err: ['Failed to parse job id "x1": Invalid argument'] });
  assert.deepEqual(await run('cancel', ['99999999999'], rpc), { code: 1, out: [], err: ['Failed to parse job id "99999999999": Numerical result out of range'] });
  assert.deepEqual(await run('cancel', [], rpc), { code: 0, out: [], err: [] });
  assert.deepEqual(rpc.methods(), ['CancelJob', 'CancelJob', 'CancelJob', 'ClearJobs']);
});

test('kill: default SIGTERM to all, --signal and --kill-whom, errors', async () => {
  const rpc = new FakeRpc({ KillUnit: (p) => { if (p.unit === 'none.service') throw rpcError('NoSuchProcess', 'No main process to kill'); return { signalled: 1 }; } });
  assert.equal((await run('kill', ['a'], rpc)).code, 0);
  assert.deepEqual(rpc.calls.at(-1)?.params, { unit: 'a.service', whom: 'all', signal: 15 });
  await run('kill', ['b'], rpc, { signal: 9, killWhom: 'main' });
  assert.deepEqual(rpc.calls.at(-1)?.params, { unit: 'b.service', whom: 'main', signal: 9 });
  assert.deepEqual(await run('kill', ['none', 'a'], rpc), { code: 1, out: [], err: ['Failed to kill unit none.service: No main process to kill'] });
});

test('reset-failed with and without units', async () => {
  const rpc = new FakeRpc({ ResetFailed: (p) => { if (p.unit === 'x.service') throw rpcError('UnitNotLoaded', 'Unit x.service not loaded.'); return {}; } });
  assert.deepEqual(await run('reset-failed', [], rpc), { code: 0, out: [], err: [] });
  assert.deepEqual(rpc.calls[0]?.params, {});
  assert.deepEqual(await run('reset-failed', ['x', 'y'], rpc), { code: 1, out: [], err: ['Failed to reset failed state of unit x.service: Unit x.service not loaded.'] });
  assert.deepEqual(rpc.calls.at(-1)?.params, { unit: 'y.service' });
});

test('daemon-reload prints nothing on success', async () => {
  const rpc = new FakeRpc({ Reload: () => ({ added: [], removed: [], changed: [], needRestart: [] }) });
  assert.deepEqual(await run('daemon-reload', [], rpc), { code: 0, out: [], err: [] });
});

const st = (unit: string, extra: Partial<UnitStatus>): UnitStatus => ({
  id: unit, loadState: 'loaded', activeState: 'active', subState: 'running', description: unit, job: null, fragmentPath: null,
  dropInPaths: [], unitFileState: '', result: 'success', loadError: null, stateSinceUsec: 0, mainPid: 0, processes: [], execLines: [],
  needDaemonReload: false, ...extra,
});

test('status exit codes: 0 active, 3 not running, 4 not found (first non-zero wins)', async () => {
  const rpc = new FakeRpc({
    GetUnitStatus: (p) => {
      if (p.unit === 'up.service') return st(p.unit, {});
      if (p.unit === 'down.service') return st(p.unit, { activeState: 'inactive', subState: 'dead' });
      if (p.unit === 'nf.service') return st(p.unit, { loadState: 'not-found', activeState: 'inactive', subState: 'dead' });
      throw rpcError('NoSuchUnit', 'gone');
    },
  });
  assert.equal((await run('status', ['up'], rpc)).code, 0);
  assert.equal((await run('status', ['down'], rpc)).code, 3);
  assert.deepEqual(await run('status', ['nf'], rpc), { code: 4, out: [], err: ['Unit nf.service could not be found.'] });
  assert.equal((await run('status', ['gone'], rpc)).code, 4);
  assert.equal((await run('status', ['up', 'down', 'nf'], rpc)).code, 3);
  const two = await run('status', ['up', 'down'], rpc);
  assert.equal(two.out.filter((l) => l === '').length, 1);
});

const cli = async (argv: string[], handlers: Handlers = {}) => {
  const io = memoryIo();
  const rpc = new FakeRpc(handlers);
  let path = '';
  const code = await runCli(argv, { env: {}, uid: 0, io, connect: async (p) => { path = p; return rpc; } });
  return { code, out: io.stdout, err: io.stderr, path, rpc };
};

test('cli: unknown verb, argument counts, aliases, default verb, connection closed after', async () => {
  assert.deepEqual((await cli(['frobnicate'])).err, ['Unknown command verb frobnicate.']);
  assert.deepEqual(await cli(['start']).then((r) => [r.code, r.err]), [1, ['Too few arguments.']]);
  assert.deepEqual(await cli(['daemon-reload', 'x']).then((r) => [r.code, r.err]), [1, ['Too many arguments.']]);
  assert.deepEqual(await cli(['isolate', 'a', 'b']).then((r) => r.err), ['Too many arguments.']);
  const alias = await cli(['--no-block', 'condrestart', 'x'], { EnqueueUnitJob: (p) => ({ job: 1, unit: p.unit, type: p.type, needDaemonReload: false, jobs: [] }) });
  assert.equal(alias.code, 0);
  assert.deepEqual(alias.rpc.calls[0]?.params, { unit: 'x.service', type: 'try-restart', mode: 'replace', listJobs: false });
  assert.ok(alias.rpc.closed);
  for (const [verb, type] of [['force-reload', 'try-reload-or-restart'], ['condreload', 'try-reload-or-restart'], ['reload-or-try-restart', 'try-reload-or-restart'], ['condstop', 'stop']]) {
    const r = await cli(['--no-block', verb!, 'x'], { EnqueueUnitJob: (p) => ({ job: 1, unit: p.unit, type: p.type, needDaemonReload: false, jobs: [] }) });
    assert.equal((r.rpc.calls[0]?.params as { type: string }).type, type, verb);
  }
  const listed = await cli([], { ListUnits: () => ({ units: [] }) });
  assert.deepEqual(listed.rpc.methods(), ['ListUnits']);
});

test('cli: unknown options fail before connecting; --help needs no daemon', async () => {
  const r = await cli(['--bogus', 'start', 'x']);
  assert.deepEqual([r.code, r.err, r.path], [1, ["unitctl: unrecognized option '--bogus'"], '']);
  const h = await cli(['--help']);
  assert.equal(h.code, 0);
  assert.equal(h.path, '');
});

test('cli: connection failure', async () => {
  const io = memoryIo();
  const code = await runCli(['is-active', 'x'], { env: {}, uid: 0, io, connect: async () => { throw new Error('No such file or directory'); } });
  assert.equal(code, 1);
  assert.deepEqual(io.stderr, ['Failed to connect to unitd at /run/unitd/unitd.sock: No such file or directory']);
});

test('cli: with no daemon, the unit-file verbs go offline and the others fail to connect', async () => {
  const noSocket = async (): Promise<never> => { throw Object.assign(new Error('No such file or directory'), { code: 'ENOENT' }); };
  const offline = new FakeRpc({ EnableUnitFiles: () => ({ changes: [{ type: 'symlink', path: '/etc/systemd/system/multi-user.target.wants/a.service', source: '/etc/systemd/system/a.service' }], noInstallInfo: false }) });
  const io = memoryIo();
  assert.equal(await runCli(['enable', 'a.service'], { env: {}, uid: 0, io, connect: noSocket, offline: () => offline }), 0);
  assert.deepEqual(offline.methods(), ['EnableUnitFiles']);
  assert.deepEqual(io.stderr, ['Created symlink /etc/systemd/system/multi-user.target.wants/a.service → /etc/systemd/system/a.service.']);

  const started = memoryIo();
  assert.equal(await runCli(['start', 'a.service'], { env: {}, uid: 0, io: started, connect: noSocket, offline: () => offline }), 1);
  assert.deepEqual(started.stderr, ['Failed to connect to unitd at /run/unitd/unitd.sock: No such file or directory']);
  // A socket that exists but refuses this user is not "no daemon": no offline changes behind its back.
  const denied = memoryIo();
  const noAccess = async (): Promise<never> => { throw Object.assign(new Error('Permission denied'), { code: 'EACCES' }); };
  assert.equal(await runCli(['enable', 'a.service'], { env: {}, uid: 0, io: denied, connect: noAccess, offline: () => offline }), 1);
  assert.deepEqual(offline.methods(), ['EnableUnitFiles']);
});

test('socket path: option, then UNITD_SOCKET, then root/user default', () => {
  assert.equal(socketPath('/a', { UNITD_SOCKET: '/b' }, 0), '/a');
  assert.equal(socketPath(null, { UNITD_SOCKET: '/b' }, 0), '/b');
  assert.equal(socketPath(null, {}, 0), '/run/unitd/unitd.sock');
  assert.equal(socketPath(null, { XDG_RUNTIME_DIR: '/run/user/1000' }, 1000), '/run/user/1000/unitd/unitd.sock');
  assert.equal(socketPath(null, {}, 1000), '/run/user/1000/unitd/unitd.sock');
});

test('enable with a failed link: every change in its place, the error also under -q, exit 1 and no --now', async () => {
  const changes = [
    { type: 'error', path: '/e/b.service', source: 'Failed to enable unit, file "/e/b.service" already exists.' },
    { type: 'symlink', path: '/e/m.target.wants/a.service', source: '/e/a.service' },
  ] as const;
  const rpc = new FakeRpc({ EnableUnitFiles: () => ({ changes: [...changes], noInstallInfo: false }) });
  const saved = process.env.LC_ALL;
  process.env.LC_ALL = 'C';
  try {
    assert.deepEqual(await run('enable', ['a.service'], rpc, { now: true }), { code: 1, out: [], err: [
      'Failed to enable unit, file "/e/b.service" already exists.', 'Created symlink /e/m.target.wants/a.service -> /e/a.service.'] });
    assert.deepEqual(rpc.methods(), ['EnableUnitFiles'], '--now starts nothing after a failure');
    assert.deepEqual((await run('enable', ['a.service'], rpc, { quiet: true })).err, ['Failed to enable unit, file "/e/b.service" already exists.']);
  } finally {
    if (saved === undefined) delete process.env.LC_ALL; else process.env.LC_ALL = saved;
  }
});
