import test from 'node:test';
import assert from 'node:assert/strict';
import { loadUnit } from '../../../../src/engine/unit-file/load.ts';
import { UnitFileIndex } from '../../../../src/engine/unit-file/search.ts';
import { MemFs, type MemFsSpec } from '../../../fixtures/mem-fs.ts';
import { HOST } from './host.ts';

const U = '/u';
const load = (files: MemFsSpec, name: string) => loadUnit(new UnitFileIndex([U], new MemFs(files)), name, HOST);
const one = (name: string, text: string) => load({ [`${U}/${name}`]: text }, name);
const msgs = (u: ReturnType<typeof load>) => u.diagnostics.map((d) => d.message);

test('scenario unit-bad-setting', () => {
  const noexec = one('noexec.service', '[Unit]\nDescription=Service without ExecStart\n\n[Service]\nType=simple\n');
  assert.equal(noexec.loadState, 'bad-setting');
  assert.deepEqual(noexec.loadError, { name: 'org.freedesktop.systemd1.BadUnitSetting', message: 'Unit noexec.service has a bad unit file setting.' });
  const typo = one('typo.service', '[Unit]\nDescription=d\n\n[Service]\nNoSuchSetting=1\nRestart=sometimes\nExecStart=/bin/sleep infinity\n');
  assert.equal(typo.loadState, 'loaded');
  assert.equal(typo.service?.restart, 'no');
  assert.deepEqual(msgs(typo), ["Unknown key 'NoSuchSetting' in section [Service], ignoring.", 'Failed to parse service restart specifier, ignoring: sometimes']);
});

test('service verification messages (03 §1)', () => {
  const rows: [string, string][] = [
    ['[Service]\nType=oneshot\n', 'Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.'],
    ['[Service]\nType=simple\nExecStop=/bin/x\n', 'Service has no ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.'],
    ['[Service]\nExecStop=/bin/true\n', 'Service has no ExecStart= and no SuccessAction= settings and does not have RemainAfterExit=yes set. Refusing.'],
    ['[Service]\nExecStart=/bin/a\nExecStart=/bin/b\n', 'Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.'],
    ['[Service]\nType=oneshot\nRestart=always\nExecStart=/bin/a\n', "Service has Restart= set to either always or on-success, which isn't allowed for Type=oneshot services. Refusing."],
    ['[Service]\nType=dbus\nExecStart=/bin/a\n', 'Service is of type D-Bus but no D-Bus service name has been specified. Refusing.'],
  ];
  for (const [text, want] of rows) {
    const u = one('s.service', text);
    assert.equal(u.loadState, 'bad-setting', text);
    assert.ok(msgs(u).includes(`s.service: ${want}`), text);
  }
  assert.equal(one('s.service', '[Service]\nExecStop=/bin/true\nRemainAfterExit=yes\n').loadState, 'loaded');
});

test('defaults and derived values', () => {
  const u = one('d.service', '[Service]\nExecStart=/bin/a\n');
  const s = u.service!;
  assert.deepEqual([s.type, s.timeoutStartUsec, s.timeoutStopUsec, s.restartUsec, s.notifyAccess, s.kill.killSignal, s.kill.finalKillSignal], ['simple', 90e6, 90e6, 100_000, 'none', 15, 9]);
  assert.equal(u.settings.description, 'd.service');
  const o = one('o.service', '[Service]\nType=oneshot\nExecStart=/bin/a\n').service!;
  assert.equal(o.timeoutStartUsec, Infinity);
  const n = one('n.service', '[Service]\nType=notify\nExecStart=/bin/a\nTimeoutSec=0\nKillSignal=SIGINT\nSuccessExitStatus=3 TEMPFAIL SIGUSR1 300\n').service!;
  assert.deepEqual([n.notifyAccess, n.timeoutStartUsec, n.timeoutStopUsec, n.kill.killSignal, n.kill.restartKillSignal], ['main', Infinity, Infinity, 2, 2]);
  assert.deepEqual(n.successExitStatus, { statuses: [3, 75], signals: [10] });
});

test('lists, resets and drop-ins (scenario svc-dropin-override-execstart)', () => {
  const u = load({
    [`${U}/base.service`]: "[Unit]\nWants=x.service\n[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo base'\nEnvironment=A=1\n",
    [`${U}/base.service.d/override.conf`]: "[Service]\nExecStart=\nExecStart=/bin/sh -c 'echo override'\n[Unit]\nWants=\nWants=y.service\n",
  }, 'base.service');
  assert.deepEqual(u.service!.execStart.map((c) => c.argv), [['/bin/sh', '-c', 'echo override']]);
  assert.deepEqual(u.deps.Wants, ['x.service', 'y.service']);
  assert.deepEqual(u.dropInPaths, [`${U}/base.service.d/override.conf`]);
  assert.deepEqual(u.sourceMtimes.map((m) => m.path).sort(), [`${U}/base.service`, `${U}/base.service.d/override.conf`]);
});

test('conditions: markers, empty assignment resets all', () => {
  const u = one('c.service', '[Unit]\nConditionPathExists=|!/a\nConditionHost=x\nConditionPathExists=\nConditionUser=root\nAssertPathIsDirectory=/d\nConditionPathExists=rel\n[Service]\nExecStart=/bin/a\n');
  assert.deepEqual(u.settings.conditions, [{ kind: 'User', trigger: false, negate: false, value: 'root' }]);
  assert.deepEqual(u.settings.asserts, [{ kind: 'PathIsDirectory', trigger: false, negate: false, value: '/d' }]);
  assert.ok(msgs(u).includes('ConditionPathExists= path is not absolute, ignoring: rel'));
  const t = one('t.service', '[Unit]\nConditionPathExists=|!/a\n[Service]\nExecStart=/bin/a\n');
  assert.deepEqual(t.settings.conditions, [{ kind: 'PathExists', trigger: true, negate: true, value: '/a' }]);
});

test('load states: not-found, masked, error, unknown sections', () => {
  assert.equal(load({}, 'x.service').loadState, 'not-found');
  assert.equal(one('e.service', '').loadState, 'masked');
  assert.equal(load({ [`${U}/m.service`]: { symlink: '/dev/null' } }, 'm.service').loadState, 'masked');
  const err = one('h.service', '[Unit]\n[Service\nExecStart=/bin/true\n');
  assert.deepEqual([err.loadState, err.loadError?.message], ['error', 'Bad message']);
  const w = one('w.service', '[Bogus]\nA=1\n[X-Mine]\nB=2\n[Service]\nExecStart=/bin/a\nX-Foo=1\n');
  assert.deepEqual([w.loadState, msgs(w)], ['loaded', ["Unknown section 'Bogus'. Ignoring."]]);
  assert.ok(msgs(one('s.socket', '[Service]\nExecStart=/bin/a\n[Socket]\nListenStream=1\n')).includes("Unknown section 'Service'. Ignoring."));
});

test('fatal errors stop parsing the file (bad-setting)', () => {
  const u = one('f.service', '[Service]\nExecStart=/bin/\nRestart=bogus\n');
  assert.equal(u.loadState, 'bad-setting');
  assert.deepEqual(msgs(u), ['Executable path specifies a directory: /bin/']);
  assert.equal(one('g.service', '[Service]\nExecStart=/bin/a\nWorkingDirectory=rel\n').loadState, 'bad-setting');
  assert.equal(one('g.service', '[Service]\nExecStart=-/bin/\nExecStart=/bin/a\n').loadState, 'loaded');
});

test('default and implicit dependencies (01 §8)', () => {
  const svc = one('a.service', '[Service]\nExecStart=/bin/a\n');
  assert.deepEqual(svc.deps, { Requires: ['sysinit.target'], After: ['sysinit.target', 'basic.target'], Conflicts: ['shutdown.target'], Before: ['shutdown.target'] });
  assert.deepEqual(one('a.service', '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/a\n').deps, {});
  assert.deepEqual(one('shutdown.target', '[Unit]\nDescription=x\n').deps, {});
  assert.deepEqual(one('app.target', '[Unit]\nDescription=x\n').deps, { Conflicts: ['shutdown.target'], Before: ['shutdown.target'] });
  const sock = one('web.socket', '[Socket]\nListenStream=8080\n');
  assert.deepEqual(sock.deps.Triggers, ['web.service']);
  assert.deepEqual(sock.deps.Before, ['web.service', 'sockets.target', 'shutdown.target']);
  const timer = one('job.timer', '[Timer]\nOnCalendar=daily\nUnit=work.service\n');
  assert.deepEqual(timer.deps.Triggers, ['work.service']);
  assert.ok(timer.deps.After?.includes('time-sync.target'));
  const wants = load({ [`${U}/app.target`]: '[Unit]\n', [`${U}/a.service`]: 'x', [`${U}/app.target.wants/a.service`]: { symlink: '../a.service' } }, 'app.target');
  assert.deepEqual(wants.deps.Wants, ['a.service']);
});

test('sockets and timers', () => {
  const s = one('s.socket', '[Socket]\nListenStream=/run/s.sock\nListenDatagram=127.0.0.1:53\nSocketMode=0600\n');
  assert.deepEqual([s.loadState, s.socket!.listen, s.socket!.socketMode, s.socket!.service], ['loaded', [{ kind: 'stream', address: '/run/s.sock' }, { kind: 'datagram', address: '127.0.0.1:53' }], 0o600, 's.service']);
  assert.ok(msgs(one('n.socket', '[Socket]\nAccept=maybe\n')).includes('n.socket: Unit has no Listen setting (ListenStream=, ListenDatagram=, ListenFIFO=, ...). Refusing.'));
  const t = one('t.timer', '[Timer]\nOnActiveSec=5min\nOnActiveSec=10s\nOnBootSec=1h\nOnActiveSec=\nOnUnitActiveSec=30s\n');
  assert.deepEqual([t.timer!.onActiveUsec, t.timer!.onBootUsec, t.timer!.onUnitActiveUsec, t.timer!.unit], [[], [], [30e6], 't.service']);
  const bad = one('x.timer', '[Timer]\nOnActiveSec=xx\n');
  assert.deepEqual([bad.loadState, msgs(bad)], ['bad-setting', ['Failed to parse timer value, ignoring: xx', 'x.timer: Timer unit lacks value setting. Refusing.']]);
});

test('aliases and instance names', () => {
  const u = load({ [`${U}/real.service`]: '[Service]\nExecStart=/bin/a\n', [`${U}/nick.service`]: { symlink: 'real.service' } }, 'nick.service');
  assert.deepEqual([u.id, u.names], ['real.service', ['real.service', 'nick.service']]);
  const i = load({ [`${U}/w@.service`]: '[Unit]\nDescription=W %i\nWants=dep@.service\n[Service]\nExecStart=/bin/w %I\n' }, 'w@a-b.service');
  assert.deepEqual([i.id, i.settings.description, i.service!.execStart[0]!.argv, i.deps.Wants], ['w@a-b.service', 'W a-b', ['/bin/w', 'a/b'], ['dep@a-b.service']]);
  assert.equal(load({ [`${U}/w@.service`]: 'x' }, 'w@.service').loadState, 'not-found');
});

test('exclusive (unitd extension) and install section', () => {
  const u = one('x.service', '[Unit]\nExclusive=db web\n[Service]\nExecStart=/bin/a\n[Install]\nWantedBy=multi-user.target\nAlias=y.service\n');
  assert.deepEqual(u.settings.exclusive, ['db', 'web']);
  assert.deepEqual(one('z.service', '[Unit]\nExclusive=db web\nExclusive=db\n[Service]\nExecStart=/bin/a\n').settings.exclusive, ['db', 'web']);
  assert.deepEqual([u.install.wantedBy, u.install.alias], [['multi-user.target'], ['y.service']]);
});

test('settings unitd accepts but ignores: one warning per file, at the first one, with a count of the rest', () => {
  const body = '[Unit]\nDescription=d\nRequiresMountsFor=/var\n[Service]\nExecStart=/bin/a\nProtectSystem=full\nPrivateTmp=yes\nCPUQuota=20%\nPrivateTmp=no\nNoSuchKey=1\n';
  const u = load({
    [`${U}/s.service`]: body,
    [`${U}/s.service.d/one.conf`]: '[Service]\nNoNewPrivileges=yes\n',
    [`${U}/s.service.d/none.conf`]: '[Service]\nRestart=always\n',
  }, 's.service');
  const plain = one('s.service', body.replace(/^(RequiresMountsFor|ProtectSystem|PrivateTmp|CPUQuota)=.*\n/gm, ''));
  assert.equal(u.loadState, 'loaded');
  assert.deepEqual(u.service, { ...plain.service!, restart: 'always' }, 'ignored settings change nothing');
  const ignored = u.diagnostics.filter((d) => d.message.includes('not supported'));
  assert.deepEqual(ignored.map((d) => [d.file, d.line, d.severity, d.message]), [
    [`${U}/s.service`, 3, 'warning', "Setting 'RequiresMountsFor=' is not supported by unitd in containers, ignoring (and 3 other unsupported settings in this file)."],
    [`${U}/s.service.d/one.conf`, 2, 'warning', "Setting 'NoNewPrivileges=' is not supported by unitd in containers, ignoring."],
  ]);
  assert.ok(msgs(u).includes("Unknown key 'NoSuchKey' in section [Service], ignoring."), 'unknown keys keep their own warning');
  // Keys of sections the type does not read are not counted; a fatal error stops the count.
  assert.deepEqual(msgs(one('t.target', '[Service]\nProtectSystem=yes\n')), ["Unknown section 'Service'. Ignoring."]);
  const bad = one('f.service', '[Service]\nPrivateTmp=yes\nExecStart=/bin/\nProtectHome=yes\n');
  assert.equal(bad.loadState, 'bad-setting');
  assert.deepEqual(msgs(bad), ['Executable path specifies a directory: /bin/', "Setting 'PrivateTmp=' is not supported by unitd in containers, ignoring."]);
});

test('action words: systemd 252 knows nine; later ones (halt) are refused and the setting stays none', () => {
  // Messages as systemd-analyze verify (252) prints them.
  const u = one('a.service', '[Unit]\nFailureAction=halt\nSuccessAction=exit-force\nSuccessActionExitStatus=300\nFailureActionExitStatus=abc\n[Service]\nExecStart=/bin/true\n');
  assert.equal(u.loadState, 'loaded');
  assert.equal(u.settings.failureAction, 'none');
  assert.equal(u.settings.successAction, 'exit-force');
  assert.deepEqual(msgs(u), ['Failed to parse FailureAction=, ignoring: halt', "Failed to parse exit status '300', ignoring: Numerical result out of range",
    "Failed to parse exit status 'abc', ignoring: Invalid argument"]);
});
