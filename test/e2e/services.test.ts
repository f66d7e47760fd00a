// Services end to end with real processes: every Type=, the kill paths (KillMode=, SIGTERM ignored,
// SendSIGHUP=), restart policies, RuntimeMaxSec=, WatchdogSec=, the execution environment, the
// journal (`unitctl logs`, status, a daemon restart), and finally: nothing survives, no zombies.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processesWith, REPO, startDaemon, waitFor, type Daemon } from './helpers.ts';

const M = `unitd-svc-e2e-${process.pid}-${Date.now()}`;
const isRoot = process.getuid?.() === 0;
/** sleep(1) through symlinks whose names carry the marker, so exec'd sleeps are found in /proc too. */
const SLEEP = `@DIR@/sleep-${M}`;

/** Shell scripts the units run; each carries the marker so leftovers can be found in /proc. */
const SCRIPTS: Record<string, string> = {
  'daemonize.sh': `#!/bin/sh\n# ${M}\n(sh -c '${SLEEP} 300' & echo $! > "$1"; ${SLEEP} 301 &) &\nexit 0\n`,
  'notify.sh': `#!/bin/sh\n# ${M}\nsystemd-notify --status="Warming up"\nsleep 0.3\nsystemd-notify --ready --status="Serving"\nexec ${SLEEP} 300\n`,
  'notify-stop.sh': `#!/bin/sh\n# ${M}\nsystemd-notify --ready\nsleep 0.3\nsystemd-notify STOPPING=1\nsleep 1\nexit 0\n`,
  'watchdog.sh': `#!/bin/sh\n# ${M}\nfor i in 1 2 3 4; do systemd-notify WATCHDOG=1; sleep 0.3; done\nexec ${SLEEP} 300\n`,
  'mixed.sh': `#!/bin/sh\n# ${M}\n(trap 'echo child-term >> "$1"' TERM; while :; do ${SLEEP} 300 & wait; done) &\ntrap 'echo main-term >> "$1"; exit 0' TERM\nwhile :; do ${SLEEP} 300 & echo ready >> "$1"; wait; done\n`,
  // After SIGTERM the loop may fork one more sleep before SIGHUP arrives; that one must end by
  // itself (systemd, too, would wait for it until TimeoutStopSec=).
  'hup.sh': `#!/bin/sh\n# ${M}\ntrap 'echo term >> "$1"; t=1' TERM\ntrap 'echo hup >> "$1"; exit 0' HUP\nwhile :; do if [ -n "$t" ]; then ${SLEEP} 1 & else ${SLEEP} 300 & fi; echo ready >> "$1"; wait; done\n`,
  'flaky.sh': `#!/bin/sh\n# ${M}\necho run >> "$1"\n[ "$(wc -l < "$1")" -ge 3 ] && exec ${SLEEP} 300\nexit 1\n`,
};

const UNITS: Record<string, string> = {
  'simple.service': `[Service]\nExecStart=/bin/sh -c 'echo hello-out; echo "<3>bad thing" >&2; exec ${SLEEP} 300'\n`,
  'exec-missing.service': '[Service]\nType=exec\nExecStart=/nonexistent/unitd-binary\n',
  'oneshot.service': '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh -c \'echo done > @DIR@/oneshot-ran\'\n',
  'forking.service': '[Service]\nType=forking\nPIDFile=@DIR@/fork.pid\nExecStart=@DIR@/daemonize.sh @DIR@/fork.pid\n',
  'notify.service': '[Service]\nType=notify\nNotifyAccess=all\nExecStart=@DIR@/notify.sh\n',
  'notify-stop.service': '[Service]\nType=notify\nNotifyAccess=all\nExecStart=@DIR@/notify-stop.sh\n',
  // READY=1 comes from a grandchild: systemd-notify (root) sends with its parent's pid, the inner sh.
  'notify-main.service': `[Service]\nType=notify\nNotifyAccess=main\nTimeoutStartSec=2\nExecStart=/bin/sh -c 'sh -c "systemd-notify --ready --status=not-main; true"; exec ${SLEEP} 300'\n`,
  'idle.service': `[Service]\nType=idle\nExecStart=${SLEEP} 300\n`,
  'mixed.service': '[Service]\nKillMode=mixed\nExecStart=@DIR@/mixed.sh @DIR@/mixed-log\n',
  'process.service': `[Service]\nKillMode=process\nExecStart=/bin/sh -c '${SLEEP}-pchild 300 & exec ${SLEEP} 300'\n`,
  'none.service': `[Service]\nKillMode=none\nExecStart=${SLEEP}-nmain 300\n`,
  'stubborn.service': `[Service]\nTimeoutStopSec=1\nExecStart=/bin/sh -c 'trap "" TERM; ${SLEEP} 300 & wait'\n`,
  'hup.service': '[Service]\nSendSIGHUP=yes\nExecStart=@DIR@/hup.sh @DIR@/hup-log\n',
  'flaky.service': '[Service]\nRestart=on-failure\nRestartSec=100ms\nExecStart=@DIR@/flaky.sh @DIR@/flaky-runs\n',
  'always.service': `[Service]\nRestart=always\nRestartSec=100ms\nStartLimitBurst=100\nExecStart=/bin/sh -c 'echo run >> @DIR@/always-runs; ${SLEEP} 0.2'\n`,
  'runtime.service': `[Service]\nRuntimeMaxSec=1\nExecStart=${SLEEP} 300\n`,
  'watchdog.service': '[Service]\nWatchdogSec=1\nNotifyAccess=all\nExecStart=@DIR@/watchdog.sh\n',
  'env.service': '[Service]\nType=oneshot\nEnvironmentFile=@DIR@/env\nEnvironmentFile=-@DIR@/missing-env\nWorkingDirectory=@DIR@/work\nExecStart=/bin/sh -c \'echo "$FOO|$BAR|$(pwd)|$(umask)" > @DIR@/env-out\'\nUMask=0027\n',
  'nobody.service': '[Service]\nType=oneshot\nUser=nobody\nSupplementaryGroups=users\nStandardOutput=file:@DIR@/nobody-out\nExecStart=/bin/sh -c \'grep -E "^(Uid|Groups):" /proc/self/status\'\n',
  'ticker.service': `[Service]\nExecStart=/bin/sh -c 'i=0; while :; do i=$((i+1)); echo tick $i; ${SLEEP} 0.2; done'\n`,
};

let d: Daemon;

before(async () => {
  d = await startDaemon(UNITS);
  for (const [name, text] of Object.entries(SCRIPTS)) {
    writeFileSync(join(d.dir, name), text.replaceAll('@DIR@', d.dir));
    chmodSync(join(d.dir, name), 0o755);
  }
  for (const suffix of ['', '-pchild', '-nmain']) symlinkSync('/bin/sleep', `${SLEEP.replace('@DIR@', d.dir)}${suffix}`);
  writeFileSync(join(d.dir, 'env'), '# comment\nFOO=from-file\nBAR="quoted value"\n');
  mkdirSync(join(d.dir, 'work'));
});

after(async () => {
  await d.stop();
});

function props(unit: string, names: string[]): Record<string, string> {
  const r = d.ctl('show', '-p', names.join(','), unit);
  return Object.fromEntries(r.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}
const state = (unit: string): string => d.ctl('is-active', unit).stdout.trim();
const file = (name: string): string => (existsSync(join(d.dir, name)) ? readFileSync(join(d.dir, name), 'utf8') : '');
const isAlive = (pid: number): boolean => {
  try { process.kill(pid, 0); return true; } catch { return false; }
};

test('Type=simple: active, output captured with priorities; logs and status show it', async () => {
  assert.equal(d.ctl('start', 'simple.service').status, 0);
  assert.equal(state('simple.service'), 'active');
  assert.ok(await waitFor(() => d.ctl('logs', 'simple.service').stdout.includes('bad thing')));
  const logs = d.ctl('logs', 'simple.service');
  assert.match(logs.stdout, /^[A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} \S+ simple\[\d+\]: hello-out$/m);
  const json = d.ctl('logs', '-o', 'json', '-n', '5', 'simple.service').stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
  assert.deepEqual(json.map((j) => [j['MESSAGE'], j['PRIORITY']]).sort(), [['bad thing', '3'], ['hello-out', '6']]);
  assert.equal(d.ctl('logs', '-n', '1', '-o', 'cat', 'simple.service').stdout.split('\n').filter(Boolean).length, 1);
  assert.equal(d.ctl('logs', '--since', '-1h', '-o', 'cat', 'simple.service').stdout.split('\n').filter(Boolean).length, 2);
  assert.equal(d.ctl('logs', '--since', '@4000000000', 'simple.service').stdout, '-- No entries --\n');
  const status = d.ctl('status', 'simple.service').stdout;
  assert.match(status, /\n\n.*simple\[\d+\]: hello-out\n/);
  assert.equal(d.ctl('stop', 'simple.service').status, 0);
});

test('Type=exec with a missing binary fails with status 203/EXEC', () => {
  const r = d.ctl('start', 'exec-missing.service');
  assert.notEqual(r.status, 0);
  assert.equal(state('exec-missing.service'), 'failed');
  assert.deepEqual(props('exec-missing.service', ['Result', 'ExecMainStatus']), { Result: 'exit-code', ExecMainStatus: '203' });
  assert.equal(d.ctl('reset-failed', 'exec-missing.service').status, 0);
  assert.equal(state('exec-missing.service'), 'inactive');
});

test('Type=oneshot with RemainAfterExit: the command ran before start returned; stays active', () => {
  assert.equal(d.ctl('start', 'oneshot.service').status, 0);
  assert.equal(file('oneshot-ran'), 'done\n');
  assert.equal(state('oneshot.service'), 'active');
  assert.equal(props('oneshot.service', ['SubState']).SubState, 'exited');
  assert.equal(d.ctl('stop', 'oneshot.service').status, 0);
});

test('Type=forking: MainPID from PIDFile= of a double-forked daemon; stop leaves nothing', async () => {
  const started = d.ctl('start', 'forking.service');
  assert.equal(started.status, 0, `${started.stderr}\n${d.output().split('\n').filter((l) => l.includes('forking')).join('\n')}`);
  const pid = Number(file('fork.pid').trim());
  assert.ok(pid > 0);
  assert.equal(props('forking.service', ['MainPID']).MainPID, String(pid));
  assert.equal(state('forking.service'), 'active');
  assert.equal(d.ctl('stop', 'forking.service').status, 0);
  assert.ok(await waitFor(() => !isAlive(pid)));
  assert.equal(state('forking.service'), 'inactive');
});

test('Type=notify: start waits for READY=1; STATUS= is shown', () => {
  assert.equal(d.ctl('start', 'notify.service').status, 0);
  assert.equal(state('notify.service'), 'active');
  assert.equal(props('notify.service', ['StatusText']).StatusText, 'Serving');
  assert.equal(d.ctl('stop', 'notify.service').status, 0);
});

test('Type=notify: STOPPING=1 makes the unit deactivating; its exit leaves it inactive', async () => {
  assert.equal(d.ctl('start', 'notify-stop.service').status, 0);
  assert.ok(await waitFor(() => state('notify-stop.service') === 'deactivating'), state('notify-stop.service'));
  assert.ok(await waitFor(() => state('notify-stop.service') === 'inactive'));
  assert.equal(props('notify-stop.service', ['Result']).Result, 'success');
});

test('Type=notify, NotifyAccess=main: READY=1 from another process is ignored and the start times out', () => {
  const t0 = performance.now();
  const r = d.ctl('start', 'notify-main.service');
  assert.equal(r.status, 1, r.stderr);
  assert.ok(performance.now() - t0 >= 1900, 'the start waited for TimeoutStartSec=2');
  assert.equal(state('notify-main.service'), 'failed');
  const p = props('notify-main.service', ['Result', 'StatusText', 'MainPID']);
  assert.deepEqual(p, { Result: 'timeout', StatusText: '', MainPID: '0' });
  assert.equal(d.ctl('reset-failed', 'notify-main.service').status, 0);
});

test('Type=idle runs like simple', () => {
  assert.equal(d.ctl('start', 'idle.service').status, 0);
  assert.equal(state('idle.service'), 'active');
  assert.equal(d.ctl('stop', 'idle.service').status, 0);
});

test('KillMode=mixed: SIGTERM to the main process only, SIGKILL to the rest', async () => {
  assert.equal(d.ctl('start', 'mixed.service').status, 0);
  assert.ok(await waitFor(() => file('mixed-log').includes('ready')), file('mixed-log'));
  assert.equal(d.ctl('stop', 'mixed.service').status, 0);
  assert.ok(await waitFor(() => file('mixed-log').includes('main-term')));
  await sleep(200);
  assert.ok(!file('mixed-log').includes('child-term'), file('mixed-log'));
  assert.equal(state('mixed.service'), 'inactive');
});

test('KillMode=process: only the main process is killed; KillMode=none kills nothing', async () => {
  assert.equal(d.ctl('start', 'process.service').status, 0);
  assert.ok(await waitFor(() => processesWith(`${M}-pchild`).length > 0));
  assert.equal(d.ctl('stop', 'process.service').status, 0);
  const left = processesWith(`${M}-pchild`);
  assert.ok(left.length > 0, 'the child survives KillMode=process');
  for (const p of left) process.kill(p, 'SIGKILL');

  assert.equal(d.ctl('start', 'none.service').status, 0);
  assert.equal(d.ctl('stop', 'none.service').status, 0);
  assert.equal(state('none.service'), 'inactive');
  const main = processesWith(`${M}-nmain`);
  assert.equal(main.length, 1, 'the main process survives KillMode=none');
  process.kill(main[0]!, 'SIGKILL');
});

test('SIGTERM ignored: SIGKILL after TimeoutStopSec=, Result=timeout', async () => {
  assert.equal(d.ctl('start', 'stubborn.service').status, 0);
  await sleep(200);
  d.ctl('stop', 'stubborn.service');
  assert.equal(state('stubborn.service'), 'failed');
  assert.equal(props('stubborn.service', ['Result']).Result, 'timeout');
  d.ctl('reset-failed', 'stubborn.service');
});

test('SendSIGHUP=yes: the main process gets SIGHUP right after SIGTERM', async () => {
  assert.equal(d.ctl('start', 'hup.service').status, 0);
  // Signals sent before the shell has set its traps would simply kill it: wait until it has.
  assert.ok(await waitFor(() => file('hup-log').includes('ready')), file('hup-log'));
  assert.equal(d.ctl('stop', 'hup.service').status, 0);
  assert.ok(await waitFor(() => file('hup-log').includes('hup')), file('hup-log'));
});

test('Restart=on-failure restarts until it runs; NRestarts counts', async () => {
  assert.equal(d.ctl('start', 'flaky.service').status, 0);
  assert.ok(await waitFor(() => props('flaky.service', ['SubState']).SubState === 'running' && file('flaky-runs').split('\n').length > 3));
  assert.equal(props('flaky.service', ['NRestarts']).NRestarts, '2');
  assert.equal(d.ctl('stop', 'flaky.service').status, 0);
});

test('Restart=always restarts a clean exit, and a manual stop ends it', async () => {
  assert.equal(d.ctl('start', 'always.service').status, 0);
  assert.ok(await waitFor(() => file('always-runs').split('\n').length > 3));
  assert.equal(d.ctl('stop', 'always.service').status, 0);
  const runs = file('always-runs');
  await sleep(600);
  assert.equal(file('always-runs'), runs, 'no restart after stop');
  assert.equal(state('always.service'), 'inactive');
});

test('RuntimeMaxSec= ends a running service with Result=timeout', async () => {
  assert.equal(d.ctl('start', 'runtime.service').status, 0);
  assert.ok(await waitFor(() => state('runtime.service') === 'failed', 10_000));
  assert.equal(props('runtime.service', ['Result']).Result, 'timeout');
  d.ctl('reset-failed', 'runtime.service');
});

test('WatchdogSec=: pings keep it alive, silence fails it with Result=watchdog', async () => {
  assert.equal(d.ctl('start', 'watchdog.service').status, 0);
  await sleep(1100);
  assert.equal(state('watchdog.service'), 'active', 'the pings kept it alive past WatchdogSec');
  assert.ok(await waitFor(() => state('watchdog.service') === 'failed', 10_000));
  assert.equal(props('watchdog.service', ['Result']).Result, 'watchdog');
  d.ctl('reset-failed', 'watchdog.service');
});

test('EnvironmentFile=, WorkingDirectory=, UMask= reach the command', () => {
  assert.equal(d.ctl('start', 'env.service').status, 0);
  assert.equal(file('env-out'), `from-file|quoted value|${join(d.dir, 'work')}|0027\n`);
});

test('User=nobody with SupplementaryGroups= gets uid 65534 and its groups', { skip: !isRoot && 'needs root' }, () => {
  assert.equal(d.ctl('start', 'nobody.service').status, 0);
  const out = file('nobody-out');
  assert.match(out, /^Uid:\s+65534\s+65534\s+65534\s+65534$/m);
  assert.match(out, /^Groups:.*\b100\b/m);
  assert.match(out, /^Groups:.*\b65534\b/m);
});

test('unitctl logs -f streams new lines as they are written', async () => {
  assert.equal(d.ctl('start', 'ticker.service').status, 0);
  const f = spawn(join(REPO, 'bin/unitctl'), ['--socket', d.socket, 'logs', '-f', '-n', '1', '-o', 'cat', 'ticker.service'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  f.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
  try {
    assert.ok(await waitFor(() => out.split('\n').filter(Boolean).length >= 4), out);
    const ns = out.split('\n').filter(Boolean).map((l) => Number(l.split(' ')[1]));
    assert.deepEqual(ns, ns.map((_, i) => ns[0]! + i), 'consecutive, none lost or repeated');
  } finally {
    f.kill();
    assert.equal(d.ctl('stop', 'ticker.service').status, 0);
  }
});

test('the journal survives a daemon restart', async () => {
  const dd = await startDaemon({ 'say.service': `[Service]\nType=oneshot\nExecStart=/bin/echo remembered-${M.length}\n` });
  assert.equal(dd.ctl('start', 'say.service').status, 0);
  assert.ok(await waitFor(() => dd.ctl('logs', 'say.service').stdout.includes('remembered')));
  const exited = new Promise((res) => dd.proc.once('exit', res));
  dd.proc.kill('SIGTERM');
  await exited;
  const again = await startDaemon({}, [], dd.dir);
  try {
    assert.match(again.ctl('logs', 'say.service').stdout, /echo\[\d+\]: remembered-\d+|say\[\d+\]: remembered-\d+/);
  } finally {
    await again.stop();
  }
});

test('after all of it: no live process of the suite, no zombie left unreaped by the daemon', async () => {
  for (const u of Object.keys(UNITS)) d.ctl('stop', u);
  assert.ok(await waitFor(() => processesWith(M).length === 0), `left behind: ${processesWith(M).join(' ')}`);
  const zombiesOf = (ppid: number): number[] => readdirSync('/proc').filter((e) => /^\d+$/.test(e)).filter((e) => {
    try {
      const st = readFileSync(`/proc/${e}/stat`, 'utf8');
      const rest = st.slice(st.lastIndexOf(')') + 2).split(' ');
      return rest[0] === 'Z' && Number(rest[1]) === ppid;
    } catch { return false; }
  }).map(Number);
  assert.ok(await waitFor(() => zombiesOf(d.proc.pid!).length === 0, 5000), `zombies: ${zombiesOf(d.proc.pid!).join(' ')}`);
});
