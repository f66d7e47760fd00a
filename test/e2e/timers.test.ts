// Timer units end to end: a real daemon fires a real service on OnActiveSec=/OnUnitActiveSec=,
// list-timers, status and show print the schedule, and Persistent= catches up on a calendar
// elapse missed while the daemon was down (its stamp file outlives the daemon). Margins are wide.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processesWith, startDaemon, waitFor, type Daemon } from './helpers.ts';

const M = `unitd-timer-e2e-${process.pid}-${Date.now()}`;
const daemons: Daemon[] = [];
const lines = (f: string): string[] => (existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n') : []);

after(async () => {
  for (const d of daemons) await d.stop().catch(() => {});
  assert.ok(await waitFor(() => processesWith(M).length === 0), `left behind: ${processesWith(M).join(' ')}`);
});

test('OnActiveSec= then OnUnitActiveSec= run the service repeatedly; list-timers, status and show follow', async () => {
  const d = await startDaemon({
    'tick.service': `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo ${M} >> @DIR@/ticks'\n`,
    'tick.timer': '[Unit]\nDescription=Tick\n[Timer]\nOnActiveSec=1s\nOnUnitActiveSec=2s\nAccuracySec=1ms\n',
  });
  daemons.push(d);
  assert.equal(d.ctl('start', 'tick.timer').status, 0);
  const listed = d.ctl('list-timers').stdout.split('\n');
  assert.match(listed[0]!, /^NEXT\s+LEFT\s+LAST\s+PASSED\s+UNIT\s+ACTIVATES$/);
  assert.match(listed[1]!, /^\w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+\s+\d+ms left\s+-\s+-\s+tick\.timer\s+tick\.service$/);
  assert.deepEqual(listed.slice(2, 5), ['', '1 timers listed.', 'Pass --all to see loaded but inactive timers, too.']);

  assert.ok(await waitFor(() => lines(join(d.dir, 'ticks')).length >= 3, 20_000), `ticks: ${lines(join(d.dir, 'ticks')).length}`);
  const status = d.ctl('status', 'tick.timer');
  assert.equal(status.status, 0);
  assert.match(status.stdout, /Active: active \(waiting\) since /);
  assert.match(status.stdout, /\n\s+Trigger: \w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+; \S+ left\n/);
  assert.match(status.stdout, /\n\s+Triggers: . tick\.service\n/);
  const show = d.ctl('show', '-p', 'Unit,Result,LastTriggerUSec,TimersMonotonic,NextElapseUSecMonotonic', 'tick.timer').stdout;
  assert.match(show, /^Unit=tick\.service$/m);
  assert.match(show, /^Result=success$/m);
  assert.match(show, /^TimersMonotonic=\{ OnUnitActiveUSec=2s ; next_elapse=.+ \}$/m);
  assert.match(show, /^TimersMonotonic=\{ OnActiveUSec=1s ; next_elapse=.+ \}$/m);
  assert.match(show, /^LastTriggerUSec=\w{3} \d{4}-/m);
  const stopService = d.ctl('stop', 'tick.service');
  assert.equal(stopService.status, 0);
  assert.equal(stopService.stderr, 'Warning: Stopping tick.service, but it can still be activated by:\n  tick.timer\n');
  assert.equal(d.ctl('stop', 'tick.timer').status, 0);
  const n = lines(join(d.dir, 'ticks')).length;
  await sleep(3000);
  assert.equal(lines(join(d.dir, 'ticks')).length, n, 'no run after the stop');
  assert.match(d.ctl('status', 'tick.timer').stdout, /\n\s+Trigger: n\/a\n/);
  const all = d.ctl('list-timers', '--all').stdout;
  assert.match(all, /^-\s+-\s+\w{3} .+ ago\s+tick\.timer\s+tick\.service$/m);
});

/** `*-*-* HH:MM:SS UTC` for a whole second `secondsAhead` from now. */
function calendarIn(secondsAhead: number): { spec: string; at: number } {
  const at = Math.ceil(Date.now() / 1000 + secondsAhead) * 1000;
  const t = new Date(at).toISOString().slice(11, 19);
  return { spec: `*-*-* ${t} UTC`, at };
}

test('Persistent=: a calendar elapse missed while the daemon was down runs at the next start; without it, it waits a day', async () => {
  const { spec, at } = calendarIn(12);
  const units = {
    'p.service': `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo ${M} >> @DIR@/p-runs'\n`,
    'p.timer': `[Timer]\nOnCalendar=${spec}\nPersistent=yes\nAccuracySec=1ms\n`,
    'q.service': `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo ${M} >> @DIR@/q-runs'\n`,
    'q.timer': `[Timer]\nOnCalendar=${spec}\nAccuracySec=1ms\n`,
  };
  const first = await startDaemon(units);
  assert.equal(first.ctl('start', 'p.timer', 'q.timer').status, 0);
  const stamp = join(first.dir, 'state', 'timers', 'stamp-p.timer');
  assert.ok(existsSync(stamp), 'the first start creates the stamp file');
  const created = statSync(stamp).mtimeMs;
  const exited = new Promise((res) => first.proc.once('exit', res));
  first.proc.kill('SIGTERM');
  await exited;
  assert.ok(Date.now() < at, 'the daemon went down before the elapse');

  await sleep(at - Date.now() + 2000);
  const second = await startDaemon(units, [], first.dir);
  daemons.push(second);
  assert.equal(second.ctl('start', 'p.timer', 'q.timer').status, 0);
  assert.ok(await waitFor(() => lines(join(second.dir, 'p-runs')).length === 1, 20_000), 'the missed elapse ran');
  assert.ok(statSync(stamp).mtimeMs > created, 'the trigger moved the stamp');
  assert.equal(lines(join(second.dir, 'q-runs')).length, 0, 'the timer without Persistent= did not catch up');
  const next = second.ctl('show', '-p', 'NextElapseUSecRealtime', 'q.timer').stdout.trim();
  const day = new Date(at + 86_400_000).toISOString().slice(0, 10);
  assert.match(next, new RegExp(`^NextElapseUSecRealtime=\\w{3} ${day} `));
  const last = second.ctl('show', '-p', 'LastTriggerUSec', 'p.timer').stdout.trim();
  assert.match(last, /^LastTriggerUSec=\w{3} \d{4}-/);
});
