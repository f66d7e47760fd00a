// `unitctl calendar`: the systemd-analyze calendar layout, blank lines between blocks, errors on
// stderr with exit 1, the "(in UTC)" line only off UTC; and that it runs without a daemon.
import test from 'node:test';
import assert from 'node:assert/strict';
import { memoryIo } from '../../../src/client/context.ts';
import { fromNow, printCalendar, type CalendarEnv } from '../../../src/client/verbs/calendar.ts';
import { intlZone, isTimeZone } from '../../../src/host/time-zones.ts';
import { runCli } from '../../../src/client/cli.ts';
import { fixedOffsetZone, UTC_ZONE } from '../../../src/engine/calendar.ts';

const NOW = Date.UTC(2024, 0, 15, 10, 30) * 1000;
const utcEnv: CalendarEnv = {
  nowUsec: NOW, localIsUtc: true, localZone: UTC_ZONE, zone: intlZone, isTimeZone: (n) => n === 'Europe/Berlin',
  formatLocal: (u) => `L${u / 1e6}`,
};

test('prints like systemd-analyze calendar', () => {
  const io = memoryIo();
  const code = printCalendar(io, ['hourly', '*-*-* *:*:*', 'bogus', '2020-1-1', '12:00 Europe/Berlin'], utcEnv);
  assert.equal(code, 1);
  assert.deepEqual(io.stdout, [
    '  Original form: hourly', 'Normalized form: *-*-* *:00:00', `    Next elapse: L${NOW / 1e6 + 1800}`, '       From now: 30min left', '',
    'Normalized form: *-*-* *:*:*', `    Next elapse: L${NOW / 1e6 + 1}`, '       From now: 1s left', '',
    '',
    '  Original form: 2020-1-1', 'Normalized form: 2020-01-01 00:00:00', '    Next elapse: never', '',
    '  Original form: 12:00 Europe/Berlin', 'Normalized form: *-*-* 12:00:00 Europe/Berlin', `    Next elapse: L${NOW / 1e6 + 1800}`, '       From now: 30min left',
  ]);
  assert.deepEqual(io.stderr, ["Failed to parse calendar specification 'bogus': Invalid argument"]);
});

test('off UTC the elapse is shown in local time and again in UTC', () => {
  const io = memoryIo();
  const code = printCalendar(io, ['daily'], { ...utcEnv, localIsUtc: false, localZone: fixedOffsetZone(3600) });
  assert.equal(code, 0);
  assert.deepEqual(io.stdout.slice(2), [`    Next elapse: L${Date.UTC(2024, 0, 15, 23) / 1000}`, '       (in UTC): Mon 2024-01-15 23:00:00 UTC', '       From now: 12h left']);
});

test('relative times say left or ago', () => {
  assert.equal(fromNow(NOW + 90e6, NOW), '1min 30s left');
  assert.equal(fromNow(NOW - 3 * 86_400e6, NOW), '3 days ago');
});

test('the verb runs without connecting to the daemon', async () => {
  const io = memoryIo();
  const code = await runCli(['calendar', 'weekly'], { env: {}, uid: 0, io, connect: () => Promise.reject(new Error('must not connect')) });
  assert.equal(code, 0);
  assert.equal(io.stdout[1], 'Normalized form: Mon *-*-* 00:00:00');
  assert.deepEqual(io.stderr, []);
  assert.equal(await runCli(['calendar'], { env: {}, uid: 0, io: memoryIo(), connect: () => Promise.reject(new Error('x')) }), 1);
});

test('a zone word must name a zone file, not a tzdata directory or a path', () => {
  for (const name of ['Europe', '../etc/passwd', '/usr/share/zoneinfo/UTC', 'Foo/Bar']) assert.equal(isTimeZone(name), false, name);
});
