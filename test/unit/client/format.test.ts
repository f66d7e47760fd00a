// show filtering (06 §7), the list-jobs and list-units tables (06 §8.3, §8.4), status text (§8.5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobSummary, UnitStatus, UnitSummary } from '../../../src/engine/api.ts';
import { formatAgo, listJobsLines, listUnitsLines, showLines, statusLines, table } from '../../../src/client/format.ts';

const PROPS: [string, string][] = [
  ['Type', 'simple'], ['MainPID', '0'], ['Id', 'x.service'], ['Names', 'x.service'], ['Requires', ''],
  ['Description', 'X'], ['ActiveState', 'active'], ['Job', ''], ['Result', 'success'], ['Odd', 'a\nb'],
];

test('show without -p omits empty values and keeps server order', () => {
  assert.deepEqual(showLines(PROPS, { properties: [], all: false, value: false }), [
    'Type=simple', 'MainPID=0', 'Id=x.service', 'Names=x.service', 'Description=X', 'ActiveState=active', 'Result=success', 'Odd=[unprintable]',
  ]);
});

test('show --all includes empty values', () => {
  const lines = showLines(PROPS, { properties: [], all: true, value: false });
  assert.equal(lines.length, PROPS.length);
  assert.ok(lines.includes('Requires=') && lines.includes('Job='));
});

test('show -p prints the requested ones, empty included, in server order; unknown names ignored', () => {
  assert.deepEqual(showLines(PROPS, { properties: ['Result', 'Job', 'NoSuch', 'Id'], all: false, value: false }), ['Id=x.service', 'Job=', 'Result=success']);
});

test('show --value prints only values', () => {
  assert.deepEqual(showLines(PROPS, { properties: ['ActiveState', 'Job'], all: false, value: true }), ['active', '']);
  assert.deepEqual(showLines(PROPS, { properties: [], all: false, value: true }).slice(0, 2), ['simple', '0']);
});

const job = (id: number, unit: string, state: 'waiting' | 'running', type = 'start'): JobSummary => ({ id, unit, type, state });

test('list-jobs table (06 §8.3 example), sorted by id', () => {
  assert.deepEqual(listJobsLines([job(43, 'bar.service', 'waiting'), job(42, 'foo.service', 'running')], { legend: true, skipped: false }), [
    'JOB UNIT        TYPE  STATE',
    '42  foo.service start running',
    '43  bar.service start waiting',
    '',
    '2 jobs listed.',
  ]);
});

test('list-jobs: one job says "1 jobs listed."; no jobs; filtered; --no-legend', () => {
  assert.deepEqual(listJobsLines([job(7, 'slow.service', 'running')], { legend: true, skipped: false }).at(-1), '1 jobs listed.');
  assert.deepEqual(listJobsLines([], { legend: true, skipped: false }), ['No jobs running.']);
  assert.deepEqual(listJobsLines([], { legend: true, skipped: true }), ['No jobs listed.']);
  assert.deepEqual(listJobsLines([], { legend: false, skipped: false }), []);
  assert.deepEqual(listJobsLines([job(1000, 'a.target', 'waiting'), job(9, 'b.service', 'running', 'stop')], { legend: false, skipped: false }), [
    '9    b.service stop  running',
    '1000 a.target  start waiting',
  ]);
});

test('list-jobs: a job held back by an Exclusive= group gets a cause line under its row', () => {
  const waiting = { ...job(8, 'mail-quick.service', 'waiting'), waiting: 'Exclusive=mail held by mail-full.service' };
  assert.deepEqual(listJobsLines([waiting, job(7, 'mail-full.service', 'running')], { legend: true, skipped: false }), [
    'JOB UNIT               TYPE  STATE',
    '7   mail-full.service  start running',
    '8   mail-quick.service start waiting',
    '└─ waiting for Exclusive=mail held by mail-full.service',
    '',
    '2 jobs listed.',
  ]);
  assert.deepEqual(listJobsLines([waiting], { legend: false, skipped: false }), [
    '8 mail-quick.service start waiting',
    '└─ waiting for Exclusive=mail held by mail-full.service',
  ]);
});

test('list-jobs rows match the harness job-row pattern', () => {
  for (const line of listJobsLines([job(5, 'x.service', 'waiting', 'reload')], { legend: true, skipped: false }).slice(1, 2)) {
    assert.match(line, /^\s*[0-9]+\s+\S+\s+\S+\s+\S+\s*$/);
  }
});

test('table pads columns and drops trailing blanks', () => {
  assert.deepEqual(table([['a', 'bb', ''], ['ccc', 'd', 'e']]), ['a   bb', 'ccc d  e']);
});

const unit = (id: string, activeState: UnitSummary['activeState'], extra: Partial<UnitSummary> = {}): UnitSummary =>
  ({ id, loadState: 'loaded', activeState, subState: activeState === 'active' ? 'running' : activeState === 'failed' ? 'failed' : 'dead', description: `The ${id}`, job: null, ...extra });

test('list-units table with glyphs, job column and footer', () => {
  const lines = listUnitsLines([unit('b.service', 'failed'), unit('a.service', 'active', { job: job(3, 'a.service', 'running', 'reload') })],
    { legend: true, all: false, plain: false, program: 'unitctl' });
  assert.deepEqual(lines.map((l) => l.split(/\s+/).filter(Boolean)), [
    ['UNIT', 'LOAD', 'ACTIVE', 'SUB', 'JOB', 'DESCRIPTION'],
    ['a.service', 'loaded', 'active', 'running', 'reload', 'The', 'a.service'],
    ['●', 'b.service', 'loaded', 'failed', 'failed', 'The', 'b.service'],
    [],
    'LOAD = Reflects whether the unit definition was properly loaded.'.split(' '),
    'ACTIVE = The high-level unit activation state, i.e. generalization of SUB.'.split(' '),
    'SUB = The low-level unit activation state, values depend on unit type.'.split(' '),
    'JOB = Pending job for the unit.'.split(' '),
    [],
    '2 loaded units listed. Pass --all to see loaded but inactive units, too.'.split(' '),
    "To show all installed unit files use 'unitctl list-unit-files'.".split(' '),
  ]);
  const all = listUnitsLines([unit('a.service', 'active')], { legend: true, all: true, plain: true, program: 'unitctl' });
  assert.ok(!all.some((l) => l.includes('JOB')));
  assert.ok(all.includes('1 loaded units listed.'));
  assert.deepEqual(listUnitsLines([unit('a.service', 'active')], { legend: false, all: false, plain: true, program: 'unitctl' }), ['a.service loaded active running The a.service']);
});

test('relative times coarsen with age', () => {
  const S = 1_000_000;
  const table: [number, string][] = [
    [0, 'now'], [500, '500us ago'], [5_000, '5ms ago'], [5 * S, '5s ago'], [90 * S, '1min 30s ago'], [10 * 60 * S, '10min ago'],
    [3725 * S, '1h 2min ago'], [7 * 3600 * S, '7h ago'], [26 * 3600 * S, '1 day 2h ago'], [3 * 86400 * S, '3 days ago'], [9 * 86400 * S, '1 weeks 2 days ago'],
  ];
  for (const [d, s] of table) assert.equal(formatAgo(d), s);
});

const status = (extra: Partial<UnitStatus>): UnitStatus => ({
  ...unit('foo.service', 'active'), description: 'Foo', fragmentPath: '/etc/foo.service', dropInPaths: [], unitFileState: 'static',
  result: 'success', loadError: null, stateSinceUsec: 0, mainPid: 1234, processes: [{ pid: 1234, command: '/bin/sleep 100', role: 'main' }],
  execLines: [], needDaemonReload: false, ...extra,
});

test('status Loaded: line carries the preset after the unit-file state (systemctl 252: "; preset: ")', () => {
  assert.equal(statusLines(status({ unitFileState: 'disabled', unitFilePreset: 'enabled' }), 0, 'unitctl')[1], '     Loaded: loaded (/etc/foo.service; disabled; preset: enabled)');
  assert.equal(statusLines(status({ unitFileState: 'enabled', unitFilePreset: 'disabled' }), 0, 'unitctl')[1], '     Loaded: loaded (/etc/foo.service; enabled; preset: disabled)');
  assert.equal(statusLines(status({ unitFileState: 'static', unitFilePreset: '' }), 0, 'unitctl')[1], '     Loaded: loaded (/etc/foo.service; static)');
});

test('status lines (06 §8.5 subset)', () => {
  const lines = statusLines(status({}), 0, 'unitctl');
  assert.deepEqual(lines.slice(0, 4), [
    '● foo.service - Foo',
    '     Loaded: loaded (/etc/foo.service; static)',
    '     Active: active (running)',
    '   Main PID: 1234 (sleep)',
  ]);
  const failed = statusLines(status({ activeState: 'failed', subState: 'failed', result: 'exit-code', mainPid: 0, processes: [],
    execLines: ['Process: 9 ExecStartPre=/bin/false (code=exited, status=1/FAILURE)'], stateSinceUsec: 1_000_000, description: 'foo.service' }), 6_000_000, 'unitctl');
  assert.equal(failed[0], '× foo.service');
  assert.match(failed[2]!, /^ {5}Active: failed \(Result: exit-code\) since \w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d.*; 5s ago$/);
  assert.equal(failed[3], '    Process: 9 ExecStartPre=/bin/false (code=exited, status=1/FAILURE)');
  assert.equal(statusLines(status({ activeState: 'inactive', subState: 'dead' }), 0, 'unitctl')[0], '○ foo.service - Foo');
  assert.equal(statusLines(status({ activeState: 'reloading', subState: 'reload' }), 0, 'unitctl')[0], '↻ foo.service - Foo');
});

test('status: an Exclusive= line under Active: for a unit in a group, none otherwise', () => {
  const lines = statusLines(status({ activeState: 'inactive', subState: 'dead', mainPid: 0, processes: [], exclusive: 'mail (waiting behind mail-full.service)',
    job: { id: 8, unit: 'foo.service', type: 'start', state: 'waiting' } }), 0, 'unitctl');
  assert.deepEqual(lines.slice(2, 5), ['     Active: inactive (dead)', '  Exclusive: mail (waiting behind mail-full.service)', '        Job: 8 (start, waiting)']);
  assert.ok(!statusLines(status({}), 0, 'unitctl').some((l) => l.includes('Exclusive')));
});

test('status of a socket: Triggers: per partner with its bullet, Listen: block, Accept=yes counters', () => {
  const lines = statusLines(status({
    id: 'echo.socket', description: 'echo.socket', subState: 'listening', mainPid: 0, processes: [],
    triggers: [{ unit: 'echo.service', activeState: 'inactive' }],
    listen: ['/run/echo.sock (Stream)', '[::]:8080 (Stream)'], accept: { accepted: 3, connected: 1, refused: 0 },
  }), 0, 'unitctl');
  assert.deepEqual(lines.slice(2), [
    '     Active: active (listening)',
    '   Triggers: ○ echo.service',
    '     Listen: /run/echo.sock (Stream)',
    '             [::]:8080 (Stream)',
    '   Accepted: 3; Connected: 1;',
  ]);
  const svc = statusLines(status({ triggeredBy: [{ unit: 'a.socket', activeState: 'active' }, { unit: 'b.timer', activeState: 'inactive' }] }), 0, 'unitctl');
  assert.deepEqual(svc.slice(3, 5), ['TriggeredBy: ● a.socket', '             ○ b.timer']);
});
