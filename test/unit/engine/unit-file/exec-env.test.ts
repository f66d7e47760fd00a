import test from 'node:test';
import assert from 'node:assert/strict';
import { buildExec, expandArgv, managerEnvironment } from '../../../../src/engine/unit-file/exec-env.ts';
import { loadUnit } from '../../../../src/engine/unit-file/load.ts';
import { UnitFileIndex } from '../../../../src/engine/unit-file/search.ts';
import { MemFs, type MemFsSpec } from '../../../fixtures/mem-fs.ts';
import { HOST } from './host.ts';

function setup(unit: string, extra: MemFsSpec = {}) {
  const fs = new MemFs({ '/u/env.service': unit, '/etc/passwd': 'root:x:0:0:root:/root:/bin/bash\nweb:x:33:33::/var/www:/usr/sbin/nologin\n', '/usr/bin/true': '', ...extra });
  const config = loadUnit(new UnitFileIndex(['/u'], fs), 'env.service', HOST);
  assert.equal(config.loadState, 'loaded', JSON.stringify(config.diagnostics));
  return { fs, config, build: (i = 0, env: Record<string, string> = {}) => buildExec(config, config.service!.execStart[i]!, { ...managerEnvironment(HOST), ...env }, HOST, fs) };
}

test('scenario svc-environment', () => {
  const { build } = setup([
    '[Service]', 'Type=oneshot', 'Environment="ONE=one two" TWO=2', 'Environment=OVERRIDE=unit',
    'EnvironmentFile=/s/vars.env', 'EnvironmentFile=-/s/missing.env', 'WorkingDirectory=/s/wd', 'ExecStart=/bin/sh /s/env.sh ${ONE} $ONE',
  ].join('\n'), { '/s/vars.env': '# comment\nFROMFILE=from file\nOVERRIDE=file\n', '/s/wd/README': 'x' });
  const r = build();
  assert.ok(r.ok);
  assert.deepEqual(r.argv, ['/bin/sh', '/s/env.sh', 'one two', 'one', 'two']);
  assert.deepEqual([r.env['ONE'], r.env['TWO'], r.env['FROMFILE'], r.env['OVERRIDE'], r.env['PATH']], ['one two', '2', 'from file', 'file', '/usr/bin:/bin']);
  assert.deepEqual([r.cwd, r.cwdOptional], ['/s/wd', false]);
});

test('EnvironmentFile= is read at each call and a missing required file fails', () => {
  const { fs, build } = setup('[Service]\nEnvironmentFile=/s/e\nExecStart=/bin/x $V\n', { '/s/e': 'V=1' });
  const first = build();
  assert.ok(first.ok);
  assert.deepEqual(first.argv, ['/bin/x', '1']);
  fs.write('/s/e', 'V=2');
  const second = build();
  assert.ok(second.ok && second.argv[1] === '2');
  fs.remove('/s/e');
  const third = build();
  assert.equal(third.ok, false);
  assert.match(!third.ok ? third.message : '', /\/s\/e/);
});

test('$$ survives parsing and becomes $ at exec time; ":" disables expansion', () => {
  const { build } = setup("[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo result=$$SERVICE_RESULT'\nExecStart=:/bin/echo $A ${A} $$\n");
  const r = build(0, { SERVICE_RESULT: 'exit-code' });
  assert.ok(r.ok);
  assert.deepEqual(r.argv, ['/bin/sh', '-c', 'echo result=$SERVICE_RESULT']);
  const raw = build(1);
  assert.ok(raw.ok);
  assert.deepEqual(raw.argv, ['/bin/echo', '$A', '${A}', '$$']);
});

test('expandArgv rules', () => {
  const env = { A: 'x y', E: '', Q: `'a b' c` };
  assert.deepEqual(expandArgv(['$A', '$UNSET', 'pre$A', '${A}', '${UNSET}', '${E:-dflt}', '${A:+alt}', '$Q'], env), ['x', 'y', 'pre$A', 'x y', '', 'dflt', 'alt', 'a b', 'c']);
});

test('environment order, user variables, Pass/UnsetEnvironment, PATH lookup, ~', () => {
  const host = { ...HOST, environment: { PATH: '/usr/bin:/bin', KEEP: 'k', DROP: 'd' } };
  const fs = new MemFs({
    '/u/env.service': '[Service]\nUser=web\nPassEnvironment=KEEP\nEnvironment=INVOCATION_ID=mine X=1\nUnsetEnvironment=DROP X=2\nWorkingDirectory=-~\nExecStart=true a\n',
    '/etc/passwd': 'web:x:33:33::/var/www:/usr/sbin/nologin\n', '/usr/bin/true': '',
  });
  const config = loadUnit(new UnitFileIndex(['/u'], fs), 'env.service', host);
  const r = buildExec(config, config.service!.execStart[0]!, { ...managerEnvironment(host), INVOCATION_ID: 'abc', MAINPID: '7' }, host, fs);
  assert.ok(r.ok);
  assert.deepEqual([r.path, r.env['KEEP'], r.env['DROP'], r.env['X'], r.env['INVOCATION_ID'], r.env['USER'], r.env['HOME'], r.env['SHELL']], ['/usr/bin/true', 'k', undefined, '1', 'mine', 'web', '/var/www', undefined]);
  assert.deepEqual([r.cwd, r.cwdOptional], ['/var/www', true]);
  // PassEnvironment= takes from the daemon's process environment, which services never inherit otherwise.
  const daemon = { ...host, processEnvironment: { KEEP: 'from-daemon', OTHER: 'o' } };
  const p = buildExec(config, config.service!.execStart[0]!, managerEnvironment(daemon), daemon, fs);
  assert.ok(p.ok);
  assert.deepEqual([p.env['KEEP'], p.env['OTHER']], ['from-daemon', undefined]);
});

test('default PATH and cwd', () => {
  const host = { ...HOST, environment: {} };
  const fs = new MemFs({ '/u/a.service': '[Service]\nExecStart=/bin/a\n' });
  const config = loadUnit(new UnitFileIndex(['/u'], fs), 'a.service', host);
  const r = buildExec(config, config.service!.execStart[0]!, managerEnvironment(host), host, fs);
  assert.ok(r.ok);
  assert.deepEqual([r.env['PATH'], r.cwd], ['/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin', '/']);
});

test('as a user manager the default cwd is the home directory, and a missing one is not an error', () => {
  // systemd 252 unit_patch_contexts(): a user manager's services start in $HOME,
  // working_directory_missing_ok, so `docker run --user` with a home that does not exist still runs them.
  const host = { ...HOST, uid: 65534, gid: 65534, userName: 'nobody', home: '/nonexistent' };
  const fs = new MemFs({ '/u/a.service': '[Service]\nExecStart=/bin/a\n' });
  const config = loadUnit(new UnitFileIndex(['/u'], fs), 'a.service', host);
  const r = buildExec(config, config.service!.execStart[0]!, managerEnvironment(host), host, fs);
  assert.ok(r.ok);
  assert.deepEqual([r.cwd, r.cwdOptional], ['/nonexistent', true]);
  const root = buildExec(config, config.service!.execStart[0]!, managerEnvironment(HOST), HOST, fs);
  assert.ok(root.ok);
  assert.deepEqual([root.cwd, root.cwdOptional], ['/', false]);
});
