// OnCalendar= in timer units: valid expressions are kept, invalid ones warn with file:line and are
// ignored (systemd 252: `t.timer:2: Failed to parse calendar specification, ignoring: bogus`).
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadUnit } from '../../../../src/engine/unit-file/load.ts';
import { UnitFileIndex } from '../../../../src/engine/unit-file/search.ts';
import { MemFs } from '../../../fixtures/mem-fs.ts';
import { HOST } from './host.ts';

const one = (name: string, text: string) => loadUnit(new UnitFileIndex(['/u'], new MemFs({ [`/u/${name}`]: text })), name, HOST);

test('invalid OnCalendar= values warn with file:line and are dropped', () => {
  const t = one('t.timer', '[Timer]\nOnCalendar=bogus\nOnCalendar=daily\nOnCalendar=Mon..Fri 9:00\nOnCalendar=*-*-* 25:00\n');
  assert.equal(t.loadState, 'loaded');
  assert.deepEqual(t.timer!.onCalendar, ['daily', 'Mon..Fri 9:00']);
  assert.deepEqual(t.diagnostics.map((d) => [d.file, d.line, d.severity, d.message]), [
    ['/u/t.timer', 2, 'warning', 'Failed to parse calendar specification, ignoring: bogus'],
    ['/u/t.timer', 5, 'warning', 'Failed to parse calendar specification, ignoring: *-*-* 25:00'],
  ]);
});

test('a timer whose only OnCalendar= is invalid has no trigger left', () => {
  const t = one('x.timer', '[Timer]\nOnCalendar=*-13-01\n');
  assert.equal(t.loadState, 'bad-setting');
  assert.deepEqual(t.diagnostics.map((d) => d.message), ['Failed to parse calendar specification, ignoring: *-13-01', 'x.timer: Timer unit lacks value setting. Refusing.']);
});

test('specifiers are expanded before the check; an empty value still resets the list', () => {
  const t = one('y.timer', '[Timer]\nOnCalendar=hourly\nOnCalendar=\nOnCalendar=*-*-* %%H:00\nOnCalendar=weekly UTC\n');
  assert.deepEqual(t.timer!.onCalendar, ['weekly UTC']);
  assert.deepEqual(t.diagnostics.map((d) => d.message), ['Failed to parse calendar specification, ignoring: *-*-* %H:00']);
});

test('a zone word is checked against the host\'s tzdata: an unknown zone warns with file:line like systemd 252', () => {
  const host = { ...HOST, isTimeZone: (name: string) => name === 'Europe/Berlin' };
  const index = new UnitFileIndex(['/u'], new MemFs({ '/u/z.timer': '[Timer]\nOnCalendar=*-*-* 00:00:00 Foo/Bar\nOnCalendar=*-*-* 01:00:00 Europe/Berlin\nOnCalendar=*-*-* 02:00:00 Mars/Olympus\n' }));
  const t = loadUnit(index, 'z.timer', host);
  // Recorded with systemd-analyze verify (252): the two unknown zones are refused, Europe/Berlin kept.
  assert.deepEqual(t.timer!.onCalendar, ['*-*-* 01:00:00 Europe/Berlin']);
  assert.deepEqual(t.diagnostics.map((d) => [d.file, d.line, d.message]), [
    ['/u/z.timer', 2, 'Failed to parse calendar specification, ignoring: *-*-* 00:00:00 Foo/Bar'],
    ['/u/z.timer', 4, 'Failed to parse calendar specification, ignoring: *-*-* 02:00:00 Mars/Olympus'],
  ]);
  assert.deepEqual(loadUnit(index, 'z.timer', HOST).timer!.onCalendar.length, 3, 'without a zone check any IANA-shaped word passes');
});
