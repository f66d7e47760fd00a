// install.ts / install-state.ts: the symlinks enable, disable, reenable, mask, unmask and preset
// plan (04 §10), and unit-file states, over an in-memory file system; plans are applied to it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { globToRegExp, listUnitFiles } from '../../../src/engine/install-state.ts';
import type { MemFsSpec } from '../../fixtures/mem-fs.ts';
import { HOST } from './unit-file/host.ts';
import { installWorld, serviceWithInstall } from '../../fixtures/install-world.ts';

const E = '/etc/systemd/system';
const L = '/usr/lib/systemd/system';
const P = '/usr/lib/systemd/system-preset';
const svc = serviceWithInstall;
const world = (spec: MemFsSpec) => installWorld(spec, { host: HOST, presetDirs: [P] });

test('enable: alias first, then wants/requires links; Also= follows; missing targets are noted', () => {
  const w = world({
    [`${E}/x.service`]: svc('WantedBy=multi-user.target\nAlias=y.service\nAlso=z.service'),
    [`${L}/z.service`]: svc('RequiredBy=foo.target'),
  });
  assert.deepEqual(w.lines(w.run('enable', ['x.service'])), [
    `symlink ${E}/y.service ${E}/x.service`,
    `symlink ${E}/multi-user.target.wants/x.service ${E}/x.service`,
    `symlink ${E}/foo.target.requires/z.service ${L}/z.service`,
    `destination-not-present ${L}/z.service foo.target`,
  ]);
  assert.equal(w.state('x.service'), 'enabled');
  assert.equal(w.state('y.service'), 'alias');
  assert.equal(w.state('z.service'), 'enabled');
  // Enabling again creates nothing.
  assert.deepEqual(w.lines(w.run('enable', ['x.service'])).filter((l) => l.startsWith('symlink')), []);
});

test('disable removes every link to the unit and its Also= units; a missing unit is only a message', () => {
  const w = world({
    [`${E}/x.service`]: svc('WantedBy=multi-user.target\nAlias=y.service\nAlso=z.service'),
    [`${L}/z.service`]: svc('RequiredBy=foo.target'),
  });
  w.run('enable', ['x.service']);
  assert.deepEqual(w.lines(w.run('disable', ['x.service', 'nope.service'])), [
    'message Failed to disable unit, unit nope.service does not exist.',
    `unlink ${E}/foo.target.requires/z.service`,
    `unlink ${E}/multi-user.target.wants/x.service`,
    `unlink ${E}/y.service`,
  ]);
  assert.equal(w.state('x.service'), 'disabled');
  assert.equal(w.fs.lstat(`${E}/x.service`)?.kind, 'file', 'the unit file itself stays');
});

test('unit-file states: static, indirect, masked, missing, bad', () => {
  const w = world({
    [`${L}/s.service`]: svc(), [`${L}/ind.service`]: svc('Also=s.service'),
    [`${E}/m.service`]: { symlink: '/dev/null' }, [`${L}/m.service`]: svc('WantedBy=multi-user.target'),
    [`${L}/bad.service`]: '[Service\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n',
  });
  assert.equal(w.state('s.service'), 'static');
  assert.equal(w.state('ind.service'), 'indirect');
  assert.equal(w.state('m.service'), 'masked');
  assert.equal(w.state('bad.service'), 'bad');
  assert.equal(w.state('nope.service'), 'error: Failed to get unit file state for nope.service: No such file or directory');
  const r = w.run('enable', ['s.service']);
  assert.ok(r.ok && r.value.noInstallInfo && r.value.changes.length === 0);
  const masked = w.run('enable', ['m.service']);
  assert.ok(!masked.ok && masked.error.message === `Failed to enable unit, unit ${E}/m.service is masked.`);
  const missing = w.run('enable', ['nope.service']);
  assert.ok(!missing.ok && missing.error.message === 'Failed to enable unit, unit nope.service does not exist.');
});

test('templates: DefaultInstance, explicit instances, and a template that cannot be enabled', () => {
  const w = world({
    [`${L}/t@.service`]: svc('WantedBy=multi-user.target\nDefaultInstance=def'),
    [`${L}/u@.service`]: svc('WantedBy=multi-user.target'),
  });
  assert.equal(w.state('t@.service'), 'disabled');
  assert.deepEqual(w.lines(w.run('enable', ['t@.service'])), [`symlink ${E}/multi-user.target.wants/t@def.service ${L}/t@.service`]);
  assert.deepEqual(w.lines(w.run('enable', ['t@foo.service'])), [`symlink ${E}/multi-user.target.wants/t@foo.service ${L}/t@.service`]);
  assert.equal(w.state('t@.service'), 'enabled');
  assert.equal(w.state('t@foo.service'), 'enabled');
  assert.equal(w.state('t@bar.service'), 'disabled');
  const r = w.run('enable', ['u@.service']);
  assert.ok(!r.ok && r.error.message === 'Failed to enable u@.service, destination unit multi-user.target is a non-template unit.');
  // Disabling one instance leaves the other; disabling the template removes every instance.
  assert.deepEqual(w.lines(w.run('disable', ['t@foo.service'])), [`unlink ${E}/multi-user.target.wants/t@foo.service`]);
  assert.deepEqual(w.lines(w.run('disable', ['t@.service'])), [`unlink ${E}/multi-user.target.wants/t@def.service`]);
});

test('specifiers in [Install] expand against the name being enabled', () => {
  const w = world({ [`${L}/web@.service`]: svc('WantedBy=%p-group.target\nAlias=%p-alias@%i.service') });
  assert.deepEqual(w.lines(w.run('enable', ['web@a.service'])), [
    `symlink ${E}/web-alias@a.service ${L}/web@.service`,
    `symlink ${E}/web-group.target.wants/web@a.service ${L}/web@.service`,
    `destination-not-present ${L}/web@.service web-group.target`,
  ]);
});

test('mask and unmask; mask refuses to replace a real file; reenable removes then creates', () => {
  const w = world({ [`${E}/x.service`]: svc('WantedBy=multi-user.target'), [`${L}/v.service`]: svc() });
  assert.deepEqual(w.lines(w.run('mask', ['v.service'])), [`symlink ${E}/v.service /dev/null`]);
  assert.equal(w.state('v.service'), 'masked');
  assert.deepEqual(w.lines(w.run('mask', ['v.service'])), []);
  // systemctl --root mask x v2 (252): the unit file in the way fails in its place, v2 is still masked.
  assert.deepEqual(w.lines(w.run('mask', ['x.service', 'v2.service'])), [
    `error ${E}/x.service Failed to mask unit, file "${E}/x.service" already exists.`, `symlink ${E}/v2.service /dev/null`]);
  assert.deepEqual(w.lines(w.run('unmask', ['v.service', 'nope.service'])), [`unlink ${E}/v.service`]);
  assert.equal(w.state('v.service'), 'static');
  w.run('enable', ['x.service']);
  assert.deepEqual(w.lines(w.run('reenable', ['x.service'])), [
    `unlink ${E}/multi-user.target.wants/x.service`,
    `symlink ${E}/multi-user.target.wants/x.service ${E}/x.service`,
  ]);
});

test('preset: the first matching rule of the first file wins; no rule means enable', () => {
  const w = world({
    [`${P}/50-local.preset`]: '# comment\nenable b*.service\n',
    [`${P}/90-default.preset`]: 'disable *\n',
    [`${L}/a.service`]: svc('WantedBy=multi-user.target'), [`${L}/b.service`]: svc('WantedBy=multi-user.target'),
  });
  assert.deepEqual(w.lines(w.run('preset', ['a.service', 'b.service'])), [`symlink ${E}/multi-user.target.wants/b.service ${L}/b.service`]);
  w.run('enable', ['a.service']);
  assert.deepEqual(w.lines(w.run('preset', ['a.service'], { presetMode: 'enable-only' })), []);
  assert.deepEqual(w.lines(w.run('preset', ['a.service'])), [`unlink ${E}/multi-user.target.wants/a.service`]);
  const listed = listUnitFiles(w.env()).map((f) => `${f.name} ${f.state} ${f.preset ?? '-'}`);
  assert.deepEqual(listed, ['a.service disabled disabled', 'b.service enabled enabled', 'multi-user.target static -']);
});

test('globToRegExp: *, ?, classes and literal dots', () => {
  const cases: [string, string, boolean][] = [
    ['*.service', 'a.service', true], ['b?.service', 'bx.service', true], ['b?.service', 'b.service', false],
    ['[ab].service', 'a.service', true], ['[!ab].service', 'a.service', false], ['a.service', 'aXservice', false],
  ];
  for (const [glob, name, want] of cases) assert.equal(globToRegExp(glob).test(name), want, `${glob} vs ${name}`);
});
