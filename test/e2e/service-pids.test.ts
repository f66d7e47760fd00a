// The pids a real service sees, end to end: WATCHDOG_PID of a Type=notify service with
// WatchdogSec= is its own pid (what sd_watchdog_enabled() accepts), and ExecStartPost=,
// ExecReload= and ExecStop= of a Type=simple service get MAINPID, the pid `show` reports.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processesWith, startDaemon, waitFor, type Daemon } from './helpers.ts';

const M = `unitd-pids-e2e-${process.pid}-${Date.now()}`;
const SLEEP = `@DIR@/sleep-${M}`;

// sd_watchdog_enabled(): WATCHDOG_USEC must parse to a positive number, and WATCHDOG_PID, when
// set, must be getpid(). Only then is READY=1 sent, so a wrong pid fails the start (timeout).
const WATCHDOG_SH = `#!/bin/sh
# ${M}
out="$1"
case "$WATCHDOG_USEC" in ''|*[!0-9]*) echo "bad usec [$WATCHDOG_USEC]" > "$out"; exec ${SLEEP} 300;; esac
if [ "$WATCHDOG_USEC" -gt 0 ] && [ "$WATCHDOG_PID" = "$$" ]; then
  echo "enabled $$ $WATCHDOG_PID $WATCHDOG_USEC" > "$out"
  systemd-notify --ready
else
  echo "disabled $$ [$WATCHDOG_PID] $WATCHDOG_USEC" > "$out"
fi
exec ${SLEEP} 300
`;

const UNITS: Record<string, string> = {
  'wd.service': '[Service]\nType=notify\nNotifyAccess=all\nWatchdogSec=60\nTimeoutStartSec=20\nExecStart=@DIR@/wd.sh @DIR@/wd-out\n'
    + 'ExecStartPost=/bin/sh -c \'echo "post [$WATCHDOG_PID] [$WATCHDOG_USEC]" > @DIR@/wd-post\'\n',
  'post.service': `[Service]\nExecStart=${SLEEP} 300\n`
    + 'ExecStartPost=/bin/sh -c \'echo "$MAINPID" > @DIR@/post-mainpid\'\n'
    + 'ExecReload=/bin/sh -c \'echo "$MAINPID" > @DIR@/reload-mainpid\'\n'
    + 'ExecStop=/bin/sh -c \'echo "$MAINPID" > @DIR@/stop-mainpid; kill "$MAINPID"\'\n',
};

let d: Daemon;
const file = (name: string): string => (existsSync(join(d.dir, name)) ? readFileSync(join(d.dir, name), 'utf8') : '');
const mainPid = (unit: string): string => d.ctl('show', '-p', 'MainPID', '--value', unit).stdout.trim();

before(async () => {
  d = await startDaemon(UNITS);
  writeFileSync(join(d.dir, 'wd.sh'), WATCHDOG_SH.replaceAll('@DIR@', d.dir));
  chmodSync(join(d.dir, 'wd.sh'), 0o755);
  symlinkSync('/bin/sleep', SLEEP.replace('@DIR@', d.dir));
});

after(async () => {
  for (const u of Object.keys(UNITS)) d.ctl('stop', u);
  const gone = await waitFor(() => processesWith(M).length === 0, 20_000);
  await d.stop();
  assert.ok(gone, `left behind: ${processesWith(M).join(' ')}`);
});

test('Type=notify with WatchdogSec=: WATCHDOG_PID is the main process\'s own pid, so sd_watchdog_enabled() accepts it', () => {
  const r = d.ctl('start', 'wd.service');
  assert.equal(r.status, 0, `${r.stderr}\n${file('wd-out')}`);
  const pid = mainPid('wd.service');
  assert.match(pid, /^[1-9]\d*$/);
  assert.equal(file('wd-out'), `enabled ${pid} ${pid} 60000000\n`);
  assert.equal(file('wd-post'), 'post [] []\n', 'control commands get no watchdog variables (no EXEC_SET_WATCHDOG)');
  assert.equal(d.ctl('stop', 'wd.service').status, 0);
});

test('Type=simple: ExecStartPost=, ExecReload= and ExecStop= get MAINPID, the pid show -p MainPID reports', async () => {
  assert.equal(d.ctl('start', 'post.service').status, 0);
  const pid = mainPid('post.service');
  assert.match(pid, /^[1-9]\d*$/);
  assert.equal(file('post-mainpid'), `${pid}\n`);
  assert.equal(d.ctl('reload', 'post.service').status, 0);
  assert.equal(file('reload-mainpid'), `${pid}\n`);
  assert.equal(d.ctl('stop', 'post.service').status, 0);
  assert.equal(file('stop-mainpid'), `${pid}\n`);
  assert.ok(await waitFor(() => processesWith(M).length === 0, 20_000), `left behind: ${processesWith(M).join(' ')}`);
});
