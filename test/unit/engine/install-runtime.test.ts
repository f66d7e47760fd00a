// install.ts with --runtime, --force and link (04 §10), over an in-memory file system with a
// runtime directory in the search path; plans are applied to it and checked with is-enabled.
import test from 'node:test';
import assert from 'node:assert/strict';
import { runtimeConfigDir } from '../../../src/engine/install-state.ts';
import type { MemFsSpec } from '../../fixtures/mem-fs.ts';
import { HOST } from './unit-file/host.ts';
import { installWorld, serviceWithInstall } from '../../fixtures/install-world.ts';

const E = '/etc/systemd/system';
const R = '/run/systemd/system';
const L = '/usr/lib/systemd/system';
const svc = serviceWithInstall;
const world = (spec: MemFsSpec, path: string[] = [E, R, L]) => installWorld(spec, { host: HOST, path });

test('enable --runtime links under /run; disable --runtime removes only those; plain disable leaves them', () => {
  const w = world({ [`${L}/a.service`]: svc('WantedBy=multi-user.target\nAlias=b.service') });
  assert.deepEqual(w.lines(w.run('enable', ['a.service'], { runtime: true })), [
    `symlink ${R}/b.service ${L}/a.service`, `symlink ${R}/multi-user.target.wants/a.service ${L}/a.service`]);
  assert.equal(w.state('a.service'), 'enabled-runtime');
  assert.equal(w.state('b.service'), 'alias');
  assert.deepEqual(w.lines(w.run('disable', ['a.service'])), [], 'persistent disable does not touch /run');
  assert.equal(w.state('a.service'), 'enabled-runtime');
  assert.deepEqual(w.lines(w.run('enable', ['a.service'])), [
    `symlink ${E}/b.service ${L}/a.service`, `symlink ${E}/multi-user.target.wants/a.service ${L}/a.service`]);
  assert.equal(w.state('a.service'), 'enabled');
  assert.deepEqual(w.lines(w.run('disable', ['a.service'], { runtime: true })), [
    `unlink ${R}/multi-user.target.wants/a.service`, `unlink ${R}/b.service`]);
  assert.equal(w.state('a.service'), 'enabled');
  assert.equal(w.fs.lstat(`${E}/multi-user.target.wants/a.service`)?.kind, 'symlink');
});

test('mask --runtime is masked-runtime; unmask --runtime removes it', () => {
  const w = world({ [`${L}/c.service`]: svc() });
  assert.deepEqual(w.lines(w.run('mask', ['c.service'], { runtime: true })), [`symlink ${R}/c.service /dev/null`]);
  assert.equal(w.state('c.service'), 'masked-runtime');
  assert.deepEqual(w.lines(w.run('unmask', ['c.service'], { runtime: true })), [`unlink ${R}/c.service`]);
  assert.equal(w.state('c.service'), 'static');
});

test('the runtime directory: first search directory under /run, else <runtime dir>/systemd/system', () => {
  const w = world({}, [E, '/run/custom', R, L]);
  assert.equal(runtimeConfigDir(w.env()), '/run/custom');
  const noRun = world({}, [E, L]);
  assert.equal(runtimeConfigDir(noRun.env()), `${HOST.runtimeDir}/systemd/system`.replace('//', '/'));
});

test('--force replaces a conflicting symlink (Removed, then Created) but never a regular file', () => {
  const w = world({
    [`${L}/a.service`]: svc('WantedBy=multi-user.target\nAlias=b.service'),
    [`${L}/c.service`]: svc(),
    [`${E}/b.service`]: { symlink: `${L}/c.service` },
  });
  assert.deepEqual(w.lines(w.run('enable', ['a.service'])), [
    `error ${E}/b.service Failed to enable unit, file "${E}/b.service" already exists and is a symlink to "${L}/c.service".`,
    `symlink ${E}/multi-user.target.wants/a.service ${L}/a.service`]);
  assert.deepEqual(w.lines(w.run('enable', ['a.service'], { force: true })), [`unlink ${E}/b.service`, `symlink ${E}/b.service ${L}/a.service`]);
  assert.equal(w.state('a.service'), 'enabled');
  const f = world({ [`${L}/a.service`]: svc('Alias=b.service'), [`${E}/b.service`]: svc() });
  assert.deepEqual(f.lines(f.run('enable', ['a.service'], { force: true })), [`error ${E}/b.service Failed to enable unit, file "${E}/b.service" already exists.`]);
});

test('link: a file outside the search path becomes linked, then enable links to that file', () => {
  const w = world({ '/opt/ext.service': svc('WantedBy=multi-user.target'), '/opt/dd.service/x': '', '/opt/l.service': { symlink: '/opt/ext.service' } });
  assert.deepEqual(w.lines(w.run('link', ['/opt/ext.service'])), [`symlink ${E}/ext.service /opt/ext.service`]);
  assert.equal(w.state('ext.service'), 'linked');
  assert.deepEqual(w.lines(w.run('link', ['/opt/ext.service'])), [], 'linking again changes nothing');
  assert.deepEqual(w.lines(w.run('enable', ['ext.service'])), [`symlink ${E}/multi-user.target.wants/ext.service /opt/ext.service`]);
  assert.equal(w.state('ext.service'), 'enabled');
  assert.deepEqual(w.lines(w.run('link', ['/opt/ext.service'], { runtime: true })), [`symlink ${R}/ext.service /opt/ext.service`]);
  assert.equal(w.error(w.run('link', ['/opt/nothere.service'])), 'Failed to link unit, unit /opt/nothere.service does not exist.');
  assert.equal(w.error(w.run('link', ['/opt/bad@name'])), 'Failed to link unit, "/opt/bad@name" is not a valid unit name.');
  assert.equal(w.error(w.run('link', ['/opt/dd.service'])), 'Failed to link unit, file "/opt/dd.service": Is a directory');
  assert.equal(w.error(w.run('link', ['/opt/l.service'])), 'Failed to link unit, refusing to operate on linked unit file /opt/l.service.');
  assert.equal(w.error(w.run('link', ['ext.service'])), 'Failed to link unit, "ext.service" is not an absolute path.');
});

test('link of a file already in another search directory still links it, and --force replaces a link', () => {
  const w = world({ [`${L}/c.service`]: svc(), '/opt/c.service': svc() });
  assert.deepEqual(w.lines(w.run('link', [`${L}/c.service`])), [`symlink ${E}/c.service ${L}/c.service`]);
  assert.equal(w.error(w.run('link', ['/opt/c.service'])), `Failed to link unit, file "${E}/c.service" already exists and is a symlink to "${L}/c.service".`);
  assert.deepEqual(w.lines(w.run('link', ['/opt/c.service'], { force: true })), [`unlink ${E}/c.service`, `symlink ${E}/c.service /opt/c.service`]);
  assert.equal(w.state('c.service'), 'linked');
});

// Recorded with systemctl --root (systemd 252): a conflicting alias is reported in its place and the
// rest is still enabled (exit 1); a .wants/ link pointing elsewhere is replaced even without --force.
test('enable does what it can: an alias that is a regular file fails, the .wants/.requires links are still made', () => {
  const w = world({ [`${E}/a.service`]: svc('WantedBy=multi-user.target\nRequiredBy=x.target\nAlias=b.service'), [`${E}/b.service`]: svc() });
  assert.deepEqual(w.lines(w.run('enable', ['a.service'])), [
    `error ${E}/b.service Failed to enable unit, file "${E}/b.service" already exists.`,
    `symlink ${E}/multi-user.target.wants/a.service ${E}/a.service`,
    `symlink ${E}/x.target.requires/a.service ${E}/a.service`, `destination-not-present ${E}/a.service x.target`]);
  assert.equal(w.fs.lstat(`${E}/x.target.requires/a.service`)?.kind, 'symlink');
});

test('a .wants/ link to another file is replaced without --force (Removed, then Created)', () => {
  const w = world({ [`${E}/a.service`]: svc('WantedBy=multi-user.target\nAlias=b.service'), [`${L}/other.service`]: svc(),
    [`${E}/multi-user.target.wants/a.service`]: { symlink: `${L}/other.service` } });
  assert.deepEqual(w.lines(w.run('enable', ['a.service'])), [
    `symlink ${E}/b.service ${E}/a.service`, `unlink ${E}/multi-user.target.wants/a.service`,
    `symlink ${E}/multi-user.target.wants/a.service ${E}/a.service`]);
  assert.equal(w.fs.readlink(`${E}/multi-user.target.wants/a.service`), `${E}/a.service`);
});
