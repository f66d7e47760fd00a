// UnitFileState/UnitFilePreset in show and status come from install-state.ts (04 §10), and
// NeedDaemonReload notices drop-ins and .wants/ links added or removed after loading (04 §11).
import test from 'node:test';
import assert from 'node:assert/strict';
import { Sim } from './harness.ts';

const E = '/etc/systemd/system';
const L = '/usr/lib/systemd/system';
const P = '/usr/lib/systemd/system-preset';
const svc = (install = ''): string => `[Service]\nExecStart=/sim/run\n${install ? `[Install]\n${install}\n` : ''}`;

function prop(sim: Sim, unit: string, name: string): string {
  const r = sim.manager.unitProperties(unit, [name]);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value.properties.find(([k]) => k === name)?.[1] ?? '<missing>';
}

test('UnitFileState and UnitFilePreset use the real unit-file state, and follow enable/disable', () => {
  const sim = new Sim({
    unitPath: [E, '/run/systemd/system', L],
    files: {
      [`${L}/web.service`]: svc('WantedBy=multi-user.target\nAlias=www.service'),
      [`${L}/helper.service`]: svc(),
      [`${L}/part.service`]: svc('Also=web.service'),
      [`${L}/off.service`]: svc('WantedBy=multi-user.target'),
      [`${L}/t@.service`]: svc('WantedBy=multi-user.target'),
      [`${P}/50-test.preset`]: 'disable off.service\nenable *\n',
    },
    symlinks: { [`${E}/masked.service`]: '/dev/null', [`${E}/multi-user.target.wants/t@x.service`]: `${L}/t@.service` },
  });
  assert.equal(prop(sim, 'web.service', 'UnitFileState'), 'disabled');
  assert.equal(prop(sim, 'helper.service', 'UnitFileState'), 'static');
  assert.equal(prop(sim, 'part.service', 'UnitFileState'), 'indirect');
  assert.equal(prop(sim, 'masked.service', 'UnitFileState'), 'masked');
  assert.equal(prop(sim, 't@x.service', 'UnitFileState'), 'enabled', 'an instance asks about its template file');
  assert.equal(prop(sim, 'nothere.service', 'UnitFileState'), '');
  assert.equal(prop(sim, 'off.service', 'UnitFilePreset'), 'disabled');
  assert.equal(prop(sim, 'web.service', 'UnitFilePreset'), 'enabled');
  assert.equal(prop(sim, 'nothere.service', 'UnitFilePreset'), '');

  const plan = sim.manager.planUnitFiles('enable', ['web.service']);
  assert.ok(plan.ok);
  for (const c of plan.value.changes) if (c.type === 'symlink') sim.fs.symlink(c.path, c.source);
  assert.equal(prop(sim, 'web.service', 'UnitFileState'), 'enabled', 'the snapshot is renewed when links change');
  const st = sim.manager.unitStatus('web.service');
  assert.ok(st.ok);
  assert.equal(st.value.unitFileState, 'enabled');

  const runtime = sim.manager.planUnitFiles('enable', ['off.service'], undefined, { runtime: true });
  assert.ok(runtime.ok);
  for (const c of runtime.value.changes) if (c.type === 'symlink') sim.fs.symlink(c.path, c.source);
  assert.deepEqual(runtime.value.changes.map((c) => c.path), ['/run/systemd/system/multi-user.target.wants/off.service']);
  assert.equal(prop(sim, 'off.service', 'UnitFileState'), 'enabled-runtime');

  sim.fs.write(`${L}/helper.service`, svc('WantedBy=multi-user.target'));
  assert.equal(prop(sim, 'helper.service', 'UnitFileState'), 'disabled', 'an edited [Install] is seen through the file mtime');
});

test('NeedDaemonReload flips for a new drop-in, a new drop-in directory, a removed drop-in and a new .wants link', () => {
  const sim = new Sim({ files: { [`${E}/a.service`]: svc(), [`${E}/b.service`]: svc(), [`${E}/b.service.d/10-x.conf`]: '[Unit]\nDescription=B\n', [`${E}/c.target`]: '[Unit]\n' } });
  const reloadNeeded = (u: string): string => prop(sim, u, 'NeedDaemonReload');
  assert.deepEqual(['a.service', 'b.service', 'c.target'].map(reloadNeeded), ['no', 'no', 'no']);

  sim.fs.mkdir(`${E}/a.service.d`);
  assert.equal(reloadNeeded('a.service'), 'no', 'an empty new directory is not a change');
  sim.fs.write(`${E}/a.service.d/override.conf`, '[Service]\nEnvironment=X=1\n');
  assert.equal(reloadNeeded('a.service'), 'yes', 'new drop-in in a new directory');
  sim.fs.remove(`${E}/b.service.d/10-x.conf`);
  assert.equal(reloadNeeded('b.service'), 'yes', 'removed drop-in');
  sim.fs.symlink(`${E}/c.target.wants/a.service`, `${E}/a.service`);
  assert.equal(reloadNeeded('c.target'), 'yes', 'new .wants link');

  sim.manager.reload();
  assert.deepEqual(['a.service', 'b.service', 'c.target'].map(reloadNeeded), ['no', 'no', 'no']);
  sim.fs.write(`${E}/service.d/all.conf`, '[Unit]\nDescription=all\n');
  assert.equal(reloadNeeded('a.service'), 'yes', 'a type-wide drop-in directory counts too');
  sim.manager.reload();
  sim.fs.write(`${E}/a.service.d/second.conf`, '[Unit]\nDescription=second\n');
  assert.equal(reloadNeeded('a.service'), 'yes', 'a new drop-in in an existing directory');
  assert.equal(reloadNeeded('b.service'), 'no');
});

test('status shows the preset except for static units; a preset file edited in place is read again', () => {
  const sim = new Sim({
    unitPath: [E, L],
    files: {
      [`${L}/web.service`]: svc('WantedBy=multi-user.target'),
      [`${L}/helper.service`]: svc(),
      [`${P}/50-test.preset`]: 'enable *\n',
    },
  });
  const preset = (u: string): string | undefined => { const r = sim.manager.unitStatus(u); assert.ok(r.ok); return r.value.unitFilePreset; };
  assert.equal(preset('web.service'), 'enabled');
  assert.equal(preset('helper.service'), '', 'systemctl shows no preset for a static unit');
  // Rewrite the file in place: the directory keeps its mtime, as on a real file system.
  const dirMtime = sim.fs.stat(P)!.mtimeUsec;
  sim.fs.write(`${P}/50-test.preset`, 'disable web.service\nenable *\n');
  sim.fs.touch(P, dirMtime);
  assert.equal(preset('web.service'), 'disabled');
  assert.equal(prop(sim, 'web.service', 'UnitFilePreset'), 'disabled');
});
