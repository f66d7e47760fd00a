// Unit files end to end: enable/disable/mask/cat with real symlinks, and daemon-reload with real
// edits (watcher report, NeedDaemonReload, the reload report, SIGHUP, removed units).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO, startDaemon, waitFor } from './helpers.ts';

const prop = (d: Awaited<ReturnType<typeof startDaemon>>, unit: string, name: string): string =>
  d.ctl('show', '-p', name, '--value', unit).stdout.trim();

test('enable, is-enabled, disable, mask, unmask, list-unit-files and cat on real files', async () => {
  const d = await startDaemon({
    'web.service': '[Unit]\nDescription=Web\n[Service]\nExecStart=/bin/sleep 300\n[Install]\nWantedBy=multi-user.target\nAlias=www.service\n',
    'helper.service': '[Service]\nExecStart=/bin/sleep 300\n',
  });
  const U = d.units;
  try {
    const en = d.ctl('enable', 'web');
    assert.equal(en.status, 0, en.stderr);
    assert.equal(en.stderr, [
      `Created symlink ${U}/www.service → ${U}/web.service.`,
      `Created symlink ${U}/multi-user.target.wants/web.service → ${U}/web.service.`, ''].join('\n').replaceAll('→', process.env['LC_ALL'] === 'C' ? '->' : '→'));
    assert.equal(readlinkSync(join(U, 'multi-user.target.wants/web.service')), join(U, 'web.service'));
    const is = d.ctl('is-enabled', 'web.service', 'www.service', 'helper.service');
    assert.deepEqual([is.status, is.stdout], [0, 'enabled\nalias\nstatic\n']);
    const missing = d.ctl('is-enabled', 'nope.service');
    assert.deepEqual([missing.status, missing.stderr], [1, 'Failed to get unit file state for nope.service: No such file or directory\n']);

    const noInstall = d.ctl('enable', 'helper.service');
    assert.equal(noInstall.status, 0);
    assert.match(noInstall.stderr, /^The unit files have no installation config \(WantedBy=, RequiredBy=, Also=,\n/);

    const list = d.ctl('list-unit-files', 'w*');
    assert.equal(list.stdout, 'UNIT FILE   STATE   PRESET\nweb.service enabled enabled\nwww.service alias   -\n\n2 unit files listed.\n');

    const dis = d.ctl('disable', 'web.service');
    assert.equal(dis.status, 0, dis.stderr);
    assert.equal(dis.stderr, `Removed "${U}/multi-user.target.wants/web.service".\nRemoved "${U}/www.service".\n`);
    assert.equal(existsSync(join(U, 'www.service')), false);
    assert.equal(d.ctl('is-enabled', 'web.service').status, 1);

    const mask = d.ctl('mask', 'other.service');
    assert.equal(mask.status, 0, mask.stderr);
    assert.equal(readlinkSync(join(U, 'other.service')), '/dev/null');
    assert.equal(d.ctl('is-enabled', 'other.service').stdout, 'masked\n');
    const refused = d.ctl('mask', 'web.service');
    assert.deepEqual([refused.status, refused.stderr], [1, `Failed to mask unit, file "${U}/web.service" already exists.\n`]);
    const unmask = d.ctl('unmask', 'other.service');
    assert.deepEqual([unmask.status, unmask.stderr], [0, `Removed "${U}/other.service".\n`]);

    const dropIn = join(U, 'web.service.d', '10-env.conf');
    mkdirSync(join(U, 'web.service.d'));
    writeFileSync(dropIn, '[Service]\nEnvironment=A=1\n');
    const cat = d.ctl('cat', 'web.service');
    assert.equal(cat.status, 0, cat.stderr);
    assert.equal(cat.stdout, `# ${U}/web.service\n${readFileSync(join(U, 'web.service'), 'utf8')}\n# ${dropIn}\n[Service]\nEnvironment=A=1\n`);
    assert.equal(d.ctl('cat', 'nope.service').status, 1);

    const now = d.ctl('enable', '--now', 'web.service');
    assert.equal(now.status, 0, now.stderr);
    assert.equal(d.ctl('is-active', 'web.service').stdout, 'active\n');
    const off = d.ctl('disable', '--now', 'web.service');
    assert.equal(off.status, 0, off.stderr);
    assert.equal(d.ctl('is-active', 'web.service').stdout, 'inactive\n');
  } finally {
    await d.stop();
  }
});

test('edits wait for daemon-reload: NeedDaemonReload, the report, new config on next start, SIGHUP', async () => {
  const d = await startDaemon({
    'app.service': '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh -c "echo v1 >> @DIR@/log"\n',
    'gone.service': '[Service]\nExecStart=/bin/sleep 300\n',
  });
  const U = d.units;
  try {
    assert.equal(d.ctl('start', 'app.service', 'gone.service').status, 0);
    writeFileSync(join(U, 'app.service'), `[Unit]\nWants=gone.service\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh -c "echo v2 >> ${d.dir}/log"\n`);
    assert.ok(await waitFor(() => /Unit files changed on disk: app.service/.test(d.output())), d.output());
    assert.equal(prop(d, 'app.service', 'NeedDaemonReload'), 'yes');
    const restart = d.ctl('restart', 'app.service');
    assert.match(restart.stderr, /^Warning: The unit file, source configuration file or drop-ins of app.service changed on disk\./);
    assert.equal(readFileSync(join(d.dir, 'log'), 'utf8'), 'v1\nv1\n', 'the edit is not applied yet');

    const reload = d.ctl('daemon-reload', '--explain');
    assert.equal(reload.status, 0, reload.stderr);
    assert.match(reload.stdout, /^Changed: app.service \(.*service\.execStart.*\)$/m);
    assert.match(reload.stdout, /^Dependencies changed: app.service$/m);
    assert.match(reload.stdout, /^Still running with the old configuration \(restart to apply\): app.service$/m);
    assert.equal(d.ctl('daemon-reload').stdout, '', 'without --explain or a terminal: silent, like systemctl');
    assert.equal(prop(d, 'app.service', 'NeedDaemonReload'), 'no');
    assert.equal(d.ctl('restart', 'app.service').status, 0);
    assert.equal(readFileSync(join(d.dir, 'log'), 'utf8'), 'v1\nv1\nv2\n');

    // A removed unit keeps running with its old configuration and becomes not-found once stopped.
    rmSync(join(U, 'gone.service'));
    d.proc.kill('SIGHUP');
    assert.ok(await waitFor(() => /Reloaded: .*removed gone.service/.test(d.output())), d.output());
    assert.equal(prop(d, 'gone.service', 'ActiveState'), 'active');
    assert.equal(d.ctl('stop', 'gone.service').status, 0);
    assert.ok(await waitFor(() => prop(d, 'gone.service', 'LoadState') === 'not-found'));
  } finally {
    await d.stop();
  }
});

test('a bad unit is listed with its load state, status shows why, other units keep working', async () => {
  const d = await startDaemon({
    'broken.service': '[Service]\nType=oneshot\nBogusKey=1\n',
    'fine.service': '[Service]\nExecStart=/bin/sleep 300\nRestart=sometimes\n',
  });
  try {
    assert.equal(d.ctl('start', 'fine.service').status, 0);
    assert.equal(d.ctl('start', 'broken.service').status, 1);
    const st = d.ctl('status', 'broken.service');
    assert.match(st.stdout, /Loaded: bad-setting \(Reason: Unit broken.service has a bad unit file setting\.\)/);
    const list = d.ctl('list-units', '--all', '--plain', '--no-legend');
    assert.match(list.stdout, /^broken\.service +bad-setting +inactive +dead/m);
    assert.match(list.stdout, /^fine\.service +loaded +active +running/m);
    assert.ok(await waitFor(() => d.output().includes(`${d.units}/broken.service:3: Unknown key 'BogusKey' in section [Service], ignoring.`)), d.output());
    assert.ok(d.output().includes(`${d.units}/fine.service:3: Failed to parse service restart specifier, ignoring: sometimes`));
  } finally {
    await d.stop();
  }
});

test('--auto-restart-changed applies an edit by itself and restarts the changed unit', async () => {
  const d = await startDaemon({ 'app.service': '[Service]\nExecStart=/bin/sh -c "echo v1 >> @DIR@/log; exec sleep 300"\n' }, ['--auto-restart-changed']);
  try {
    assert.equal(d.ctl('start', 'app.service').status, 0);
    writeFileSync(join(d.units, 'app.service'), `[Service]\nExecStart=/bin/sh -c "echo v2 >> ${d.dir}/log; exec sleep 300"\n`);
    assert.ok(await waitFor(() => existsSync(join(d.dir, 'log')) && readFileSync(join(d.dir, 'log'), 'utf8') === 'v1\nv2\n'), d.output());
    assert.equal(prop(d, 'app.service', 'NeedDaemonReload'), 'no');
    assert.equal(prop(d, 'app.service', 'ActiveState'), 'active');
  } finally {
    await d.stop();
  }
});

test('a drop-in added after loading sets NeedDaemonReload; UnitFileState is the real state', async () => {
  const d = await startDaemon({
    'app.service': '[Service]\nExecStart=/bin/sleep 300\n[Install]\nWantedBy=multi-user.target\n',
    'lib.service': '[Service]\nExecStart=/bin/sleep 300\n',
  });
  try {
    assert.equal(prop(d, 'app.service', 'NeedDaemonReload'), 'no');
    assert.equal(prop(d, 'app.service', 'UnitFileState'), 'disabled');
    assert.equal(prop(d, 'app.service', 'UnitFilePreset'), 'enabled');
    assert.equal(prop(d, 'lib.service', 'UnitFileState'), 'static');
    mkdirSync(join(d.units, 'app.service.d'));
    writeFileSync(join(d.units, 'app.service.d', 'env.conf'), '[Service]\nEnvironment=A=1\n');
    assert.equal(prop(d, 'app.service', 'NeedDaemonReload'), 'yes');
    assert.equal(d.ctl('daemon-reload').status, 0);
    assert.equal(prop(d, 'app.service', 'NeedDaemonReload'), 'no');
    rmSync(join(d.units, 'app.service.d', 'env.conf'));
    assert.equal(prop(d, 'app.service', 'NeedDaemonReload'), 'yes');
    assert.equal(d.ctl('enable', 'app.service').status, 0);
    assert.equal(prop(d, 'app.service', 'UnitFileState'), 'enabled');
    assert.match(d.ctl('status', 'app.service').stdout, /Loaded: loaded \(.*app\.service; enabled; preset: enabled\)/);
  } finally {
    await d.stop();
  }
});

test('enable --runtime, disable --runtime, enable --force and link, with systemctl\'s words', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'unitd-e2e-'));
  // --runtime writes to the first unit-path directory under /run.
  const run = mkdtempSync('/run/unitd-e2e-');
  mkdirSync(join(dir, 'units'));
  mkdirSync(join(dir, 'opt'));
  writeFileSync(join(dir, 'opt', 'ext.service'), '[Service]\nExecStart=/bin/sleep 300\n[Install]\nWantedBy=multi-user.target\n');
  const arrow = process.env['LC_ALL'] === 'C' ? '->' : '→';
  const d = await startDaemon({
    'a.service': '[Service]\nExecStart=/bin/sleep 300\n[Install]\nWantedBy=multi-user.target\nAlias=b.service\n',
    'c.service': '[Service]\nExecStart=/bin/sleep 300\n',
  }, ['--unit-path', `${join(dir, 'units')}:${run}`], dir);
  const U = d.units;
  try {
    const rt = d.ctl('enable', '--runtime', 'a.service');
    assert.equal(rt.status, 0, rt.stderr);
    assert.equal(rt.stderr, `Created symlink ${run}/b.service ${arrow} ${U}/a.service.\nCreated symlink ${run}/multi-user.target.wants/a.service ${arrow} ${U}/a.service.\n`);
    assert.equal(d.ctl('is-enabled', 'a.service').stdout, 'enabled-runtime\n');
    const off = d.ctl('disable', '--runtime', 'a.service');
    assert.equal(off.stderr, `Removed "${run}/multi-user.target.wants/a.service".\nRemoved "${run}/b.service".\n`);
    assert.equal(d.ctl('is-enabled', 'a.service').stdout, 'disabled\n');

    symlinkSync(join(U, 'c.service'), join(U, 'b.service'));
    const conflict = d.ctl('enable', 'a.service');
    // systemctl 252 enables what it can: the alias fails in its place, the .wants/ link is still made (exit 1).
    assert.deepEqual([conflict.status, conflict.stderr], [1, `Failed to enable unit, file "${U}/b.service" already exists and is a symlink to "${U}/c.service".\n`
      + `Created symlink ${U}/multi-user.target.wants/a.service ${arrow} ${U}/a.service.\n`]);
    assert.equal(readlinkSync(join(U, 'multi-user.target.wants/a.service')), join(U, 'a.service'));
    const forced = d.ctl('enable', '--force', 'a.service');
    assert.equal(forced.status, 0, forced.stderr);
    assert.equal(forced.stderr, `Removed "${U}/b.service".\nCreated symlink ${U}/b.service ${arrow} ${U}/a.service.\n`);
    assert.equal(readlinkSync(join(U, 'b.service')), join(U, 'a.service'));

    const link = spawnCtl(d, dir, ['link', 'opt/ext.service']);
    assert.equal(link.status, 0, link.stderr);
    assert.equal(link.stderr, `Created symlink ${U}/ext.service ${arrow} ${dir}/opt/ext.service.\n`);
    assert.equal(d.ctl('is-enabled', 'ext.service').stdout, 'linked\n');
    assert.equal(d.ctl('start', 'ext.service').status, 0, 'a linked unit loads without daemon-reload');
    assert.equal(prop(d, 'ext.service', 'FragmentPath'), `${dir}/opt/ext.service`);
    const missing = d.ctl('link', '/nonexistent/x.service');
    assert.deepEqual([missing.status, missing.stderr], [1, 'Failed to link unit, unit /nonexistent/x.service does not exist.\n']);
  } finally {
    await d.stop();
    rmSync(run, { recursive: true, force: true });
  }
});

/** unitctl from another working directory (link resolves relative paths against it). */
function spawnCtl(d: Awaited<ReturnType<typeof startDaemon>>, cwd: string, args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(join(REPO, 'bin/unitctl'), ['--socket', d.socket, ...args], { encoding: 'utf8', cwd });
  return { status: r.status, stderr: r.stderr };
}
