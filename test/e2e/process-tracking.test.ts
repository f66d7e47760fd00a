// Processes that leave the process groups unitd creates (setsid(), double forks, as daemons do)
// still belong to their unit: the unit stays active while they run, status lists them, and
// stopping it (KillMode=control-group) kills them. RuntimeDirectory= comes and goes with the unit.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { processesWith, startDaemon, waitFor, type Daemon } from './helpers.ts';

const M = `unitd-track-e2e-${process.pid}-${Date.now()}`;
const SLEEP = `@DIR@/bin/sleep-${M}`;

const UNITS: Record<string, string> = {
  // The forking parent exits at once; its children start new sessions (setsid -f) and fork again.
  'escape.service': `[Service]\nType=forking\nExecStart=/bin/sh -c 'setsid -f ${SLEEP}-a 300; setsid -f sh -c "${SLEEP}-b 300 & exec ${SLEEP}-c 300"'\n`,
  'escape-simple.service': `[Service]\nExecStart=/bin/sh -c 'setsid -f ${SLEEP}-d 300; exec ${SLEEP}-main 300'\n`,
  'dirs.service': `[Service]\nRuntimeDirectory=unitd-track-${process.pid}/inner\nRuntimeDirectoryMode=0710\nStateDirectory=unitd-track-state-${process.pid}\n`
    + `ExecStart=/bin/sh -c 'echo "$RUNTIME_DIRECTORY|$STATE_DIRECTORY" > @DIR@/dirs-env; touch "$RUNTIME_DIRECTORY/x"; echo $$ > @DIR@/dirs.pid; exec ${SLEEP}-dirs 300'\n`
    + 'PIDFile=@DIR@/dirs.pid\n',
};

let d: Daemon;
const isRoot = process.getuid?.() === 0;
const runtimeBase = isRoot ? '/run' : process.env['XDG_RUNTIME_DIR'] ?? `/run/user/${process.getuid?.()}`;

before(async () => {
  d = await startDaemon(UNITS);
  mkdirSync(join(d.dir, 'bin'));
  for (const s of ['a', 'b', 'c', 'd', 'main', 'dirs']) symlinkSync('/bin/sleep', `${SLEEP.replace('@DIR@', d.dir)}-${s}`);
});

after(async () => {
  for (const u of Object.keys(UNITS)) d.ctl('stop', u);
  await waitFor(() => processesWith(M).length === 0);
  await d.stop();
});

test('a forking service whose children call setsid() stays active, lists them, and stop kills them all', async () => {
  assert.equal(d.ctl('start', 'escape.service').status, 0);
  assert.ok(await waitFor(() => processesWith(M).length === 3), `expected 3 escaped sleeps, saw ${processesWith(M).length}`);
  assert.equal(d.ctl('is-active', 'escape.service').stdout.trim(), 'active');
  const status = d.ctl('status', 'escape.service').stdout;
  for (const s of ['a', 'b', 'c']) assert.match(status, new RegExp(`sleep-${M}-${s}`), status);
  assert.equal(d.ctl('stop', 'escape.service').status, 0);
  assert.ok(await waitFor(() => processesWith(M).length === 0, 20_000), `left behind: ${processesWith(M).join(' ')}`);
  assert.equal(d.ctl('is-active', 'escape.service').stdout.trim(), 'inactive');
});

test('a simple service: a setsid() child of the main process is stopped with it', async () => {
  assert.equal(d.ctl('start', 'escape-simple.service').status, 0);
  assert.ok(await waitFor(() => processesWith(`${M}-d`).length === 1 && processesWith(`${M}-main`).length === 1));
  assert.equal(d.ctl('stop', 'escape-simple.service').status, 0);
  assert.ok(await waitFor(() => processesWith(M).length === 0, 20_000), `left behind: ${processesWith(M).join(' ')}`);
});

test('RuntimeDirectory= is created with its mode and removed on stop; StateDirectory= stays; PIDFile= is unlinked', async () => {
  const rt = join(runtimeBase, `unitd-track-${process.pid}`, 'inner');
  const stateBase = isRoot ? '/var/lib' : process.env['XDG_STATE_HOME'] ?? join(process.env['HOME'] ?? '/', '.local/state');
  const state = join(stateBase, `unitd-track-state-${process.pid}`);
  try {
    assert.equal(d.ctl('start', 'dirs.service').status, 0);
    assert.ok(await waitFor(() => existsSync(join(d.dir, 'dirs-env')) && existsSync(join(rt, 'x'))));
    assert.equal(statSync(rt).mode & 0o7777, 0o710);
    assert.equal(readFileSync(join(d.dir, 'dirs-env'), 'utf8').trim(), `${rt}|${state}`);
    assert.ok(existsSync(join(d.dir, 'dirs.pid')));
    assert.equal(d.ctl('stop', 'dirs.service').status, 0);
    assert.equal(existsSync(rt), false, 'runtime directory removed');
    assert.equal(existsSync(state), true, 'state directory kept');
    assert.equal(existsSync(join(d.dir, 'dirs.pid')), false, 'PID file removed');
  } finally {
    d.ctl('stop', 'dirs.service');
    for (const p of [join(runtimeBase, `unitd-track-${process.pid}`), state]) rmSync(p, { recursive: true, force: true });
  }
});
