// Client text and JSON for the query verbs: the list-dependencies tree (systemctl 252's drawing),
// show-environment quoting, list-units order and JSON rows, terminal decisions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DependencyNode, UnitSummary } from '../../../src/engine/api.ts';
import { listUnitsLines, sortUnits } from '../../../src/client/format.ts';
import { listJobsJson, listUnitsJson, showJson } from '../../../src/client/json-output.ts';
import { ANSI, colorsWanted, outputWidth, PLAIN, progressLine, wantsPager } from '../../../src/client/terminal.ts';
import { dependencyTreeLines } from '../../../src/client/tree-format.ts';
import { environmentLine, quotePosix } from '../../../src/client/verbs/environment.ts';

const leaf = (unit: string, activeState: DependencyNode['activeState'] = 'active'): DependencyNode => ({ unit, activeState, cycle: false, children: [] });
const node = (unit: string, children: DependencyNode[], activeState: DependencyNode['activeState'] = 'active'): DependencyNode => ({ unit, activeState, cycle: false, children });

// Shape recorded from systemctl 252 (`list-dependencies c.service` on the oracle).
const TREE = node('c.service', [leaf('app.slice'), leaf('d.service', 'failed'),
  node('basic.target', [leaf('paths.target'), node('sockets.target', [leaf('dbus.socket'), leaf('gpg-agent.socket', 'inactive')]), leaf('timers.target')])]);

test('list-dependencies draws systemctl\'s tree with state bullets', () => {
  assert.deepEqual(dependencyTreeLines(TREE, { plain: false, style: PLAIN, columns: null }), [
    'c.service',
    '● ├─app.slice',
    '× ├─d.service',
    '● └─basic.target',
    '●   ├─paths.target',
    '●   ├─sockets.target',
    '●   │ ├─dbus.socket',
    '○   │ └─gpg-agent.socket',
    '●   └─timers.target',
  ]);
});

test('--plain lists each unit once, indented by two spaces, without bullets', () => {
  const dup = node('a.target', [node('b.target', [leaf('x.service')]), node('c.target', [leaf('x.service'), leaf('y.service')])]);
  assert.deepEqual(dependencyTreeLines(dup, { plain: true, style: PLAIN, columns: null }),
    ['a.target', '  b.target', '  x.service', '  c.target', '  y.service']);
});

test('a cycle prints "..." one level deeper; colours only with the ANSI style', () => {
  const cyc = node('a.target', [node('b.target', [{ unit: 'a.target', activeState: 'active', cycle: true, children: [] }])]);
  assert.deepEqual(dependencyTreeLines(cyc, { plain: false, style: PLAIN, columns: null }), ['a.target', '● └─b.target', '      └─...']);
  const coloured = dependencyTreeLines(node('r.target', [leaf('f.service', 'failed')]), { plain: false, style: ANSI, columns: null });
  assert.equal(coloured[1], '\x1b[0;1;31m×\x1b[0m └─f.service');
});

test('show-environment quotes like shell_maybe_quote(POSIX)', () => {
  assert.equal(environmentLine('PATH=/usr/bin:/bin'), 'PATH=/usr/bin:/bin');
  assert.equal(environmentLine('Q=a b'), "Q=$'a b'");
  assert.equal(quotePosix("it's\n"), "$'it\\'s\\n'");
  assert.equal(quotePosix(''), '');
});

const unit = (id: string, activeState: UnitSummary['activeState'], job: UnitSummary['job'] = null): UnitSummary =>
  ({ id, loadState: 'loaded', activeState, subState: activeState === 'active' ? 'running' : 'dead', description: id, job });

test('list-units sorts by type then name; JSON uses systemctl\'s keys, job only when some unit has one', () => {
  const units = [unit('z.service', 'active'), unit('a.target', 'active'), unit('b.socket', 'active'), unit('a.service', 'failed')];
  assert.deepEqual(sortUnits(units).map((u) => u.id), ['a.service', 'z.service', 'b.socket', 'a.target']);
  assert.deepEqual(listUnitsJson([unit('a.service', 'active')]), [{ unit: 'a.service', load: 'loaded', active: 'active', sub: 'running', description: 'a.service' }]);
  const withJob = listUnitsJson([unit('a.service', 'active', { id: 4, unit: 'a.service', type: 'stop', state: 'waiting' }), unit('b.service', 'active')]);
  assert.deepEqual(withJob.map((r) => r.job), ['stop', '']);
  assert.deepEqual(listJobsJson([{ id: 9, unit: 'b.service', type: 'start', state: 'waiting' }, { id: 3, unit: 'a.service', type: 'stop', state: 'running' }]),
    [{ job: 3, unit: 'a.service', type: 'stop', state: 'running' }, { job: 9, unit: 'b.service', type: 'start', state: 'waiting' }]);
  assert.deepEqual(listJobsJson([{ id: 9, unit: 'b.service', type: 'start', state: 'waiting', waiting: 'Exclusive=g held by a.service' }]),
    [{ job: 9, unit: 'b.service', type: 'start', state: 'waiting', waiting: 'Exclusive=g held by a.service' }]);
  assert.deepEqual(showJson([['Id', 'a'], ['Job', '']], { properties: [], all: false }), { Id: 'a' });
  assert.deepEqual(showJson([['Id', 'a'], ['Job', '']], { properties: ['Job'], all: false }), { Job: '' });
});

test('list-units colours failed rows only with the ANSI style, keeping the columns aligned', () => {
  const units = [unit('a.service', 'failed'), unit('b.service', 'active')];
  const plain = listUnitsLines(units, { legend: false, all: false, plain: false, program: 'unitctl' });
  assert.ok(!plain.join('').includes('\x1b'));
  const coloured = listUnitsLines(units, { legend: false, all: false, plain: false, program: 'unitctl', style: ANSI });
  assert.equal(coloured[0]!.replace(/\x1b\[[0-9;]*m/g, ''), plain[0]);
  assert.ok(coloured[0]!.includes('\x1b[0;1;31m'));
});

test('terminal decisions: colours, pager, progress line', () => {
  assert.equal(colorsWanted(false, {}), false);
  assert.equal(colorsWanted(true, {}), true);
  assert.equal(colorsWanted(true, { NO_COLOR: '1' }), false);
  assert.equal(colorsWanted(true, { TERM: 'dumb' }), false);
  assert.equal(colorsWanted(false, { SYSTEMD_COLORS: '1' }), true);
  assert.equal(wantsPager({ isTTY: true, noPager: false, rows: 24, lines: 30, env: {} }), true);
  assert.equal(wantsPager({ isTTY: true, noPager: false, rows: 24, lines: 10, env: {} }), false);
  assert.equal(wantsPager({ isTTY: false, noPager: false, rows: 24, lines: 30, env: {} }), false);
  assert.equal(wantsPager({ isTTY: true, noPager: true, rows: 24, lines: 30, env: {} }), false);
  assert.equal(wantsPager({ isTTY: true, noPager: false, rows: 24, lines: 30, env: { PAGER: 'cat' } }), false);
  assert.equal(progressLine([{ unit: 'a.service', type: 'start' }], 3200, 80), 'A start job is running for a.service (3s)');
  assert.equal(progressLine([{ unit: 'a.service', type: 'start' }, { unit: 'b.service', type: 'stop' }], 61_000, 80),
    '2 jobs are running (a.service/start, b.service/stop) (1min 1s)');
  assert.ok(progressLine([{ unit: 'x'.repeat(100), type: 'start' }], 0, 40).length <= 40);
  assert.equal(progressLine([{ unit: 'q.service', type: 'start', waiting: 'Exclusive=mail held by f.service' }], 2000, 120),
    'A start job for q.service is waiting for Exclusive=mail held by f.service (2s)');
});

test('list-dependencies off a terminal ellipsizes to $COLUMNS or 80, like systemctl 252 piped', () => {
  assert.equal(outputWidth({}, undefined), 80);
  assert.equal(outputWidth({ COLUMNS: '60' }, undefined), 60);
  assert.equal(outputWidth({ COLUMNS: '60' }, 132), 60, '$COLUMNS wins over the terminal size');
  assert.equal(outputWidth({ COLUMNS: 'x' }, 132), 132);
  // Recorded piped from systemctl --user list-dependencies (252), in C.UTF-8 and in C: the bullet is
  // not counted, so a line runs two columns past the width; --plain ellipsizes too.
  const long = 'anotherveryveryveryveryveryveryveryveryveryveryveryverylongname-xxxxxxxxxxxxxxxx.service';
  const root = 'longlonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglong-name.service';
  const flat = node(root, [leaf(long, 'inactive'), leaf('app.slice')]);
  const deep = node('deep.target', [node('mid.target', [leaf(long, 'inactive')], 'inactive')]);
  const fmt = (columns: number, ascii = false, plain = false) => ({ plain, style: PLAIN, columns, ascii });
  assert.deepEqual(dependencyTreeLines(flat, fmt(outputWidth({}, undefined))), [root,
    '○ ├─anotherveryveryveryveryveryveryveryveryveryveryveryverylongname-xxxxxxxxxxxxx…', '● └─app.slice']);
  assert.deepEqual(dependencyTreeLines(flat, fmt(outputWidth({ COLUMNS: '60' }, undefined)))[1], '○ ├─anotherveryveryveryveryveryveryveryveryveryveryveryverylo…');
  assert.deepEqual(dependencyTreeLines(flat, fmt(80, true)), [root,
    '* |-anotherveryveryveryveryveryveryveryveryveryveryveryverylongname-xxxxxxxxxxx...', '* `-app.slice']);
  assert.deepEqual(dependencyTreeLines(deep, fmt(80)), ['deep.target', '○ └─mid.target',
    '○   └─anotherveryveryveryveryveryveryveryveryveryveryveryverylongname-xxxxxxxxxxx…']);
  assert.deepEqual(dependencyTreeLines(deep, fmt(10))[2], '○   └─anotherveryvery…', 'never narrower than 20 columns');
  assert.deepEqual(dependencyTreeLines(deep, fmt(10, true))[2], '*   `-anotherveryve...');
  assert.deepEqual(dependencyTreeLines(deep, fmt(80, false, true)), ['deep.target', '  mid.target',
    '  anotherveryveryveryveryveryveryveryveryveryveryveryverylongname-xxxxxxxxxxxxxxx…']);
  assert.deepEqual(dependencyTreeLines(node('r.target', [leaf('f.service', 'failed')]), fmt(80, true))[1], 'x `-f.service');
});
