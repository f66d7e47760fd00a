// The engine's side of unit-file changes (04 §11): a watcher report marks loaded units as
// needing a reload and reports them once, without applying anything; daemon-reload applies
// and reports what changed; a removed running unit becomes not-found once it is stopped.
import test from 'node:test';
import assert from 'node:assert/strict';
import { Sim } from './harness.ts';

const E = '/etc/systemd/system';

test('UnitFilesChanged reports stale units once and changes nothing; reload reports keys and dependencies', () => {
  const sim = new Sim({ files: { [`${E}/a.service`]: '[Service]\nExecStart=/sim/run\n', [`${E}/b.service`]: '[Service]\nExecStart=/sim/run\n' } });
  assert.ok(sim.manager.enqueue({ unit: 'a.service', type: 'start', mode: 'replace' }, { client: 't', pid: null, uid: 0 }).ok);
  sim.run(10_000_000);
  sim.manager.handle({ kind: 'UnitFilesChanged' });
  assert.equal(sim.events.filter((e) => e.kind === 'UnitFilesChanged').length, 0, 'nothing changed yet');
  sim.fs.write(`${E}/a.service`, '[Unit]\nWants=b.service\n[Service]\nExecStart=/sim/run exit=5\n');
  sim.manager.handle({ kind: 'UnitFilesChanged' });
  sim.manager.handle({ kind: 'UnitFilesChanged' });
  const reports = sim.events.filter((e) => e.kind === 'UnitFilesChanged');
  assert.deepEqual(reports.map((e) => e.kind === 'UnitFilesChanged' && [e.changed, e.report]), [[['a.service'], null]]);
  const before = sim.manager.unitProperties('a.service', ['NeedDaemonReload', 'Wants']);
  assert.ok(before.ok);
  assert.deepEqual(before.value.properties.find(([k]) => k === 'NeedDaemonReload'), ['NeedDaemonReload', 'yes']);
  const report = sim.manager.reload();
  assert.deepEqual(report.changed.map((c) => c.unit), ['a.service']);
  assert.ok(report.changed[0]!.keys.includes('service.execStart') && report.changed[0]!.keys.includes('deps.Wants'));
  assert.deepEqual(report.dependenciesChanged, ['a.service']);
  assert.deepEqual(report.needRestart, ['a.service']);
  assert.ok(sim.events.some((e) => e.kind === 'Reloaded'));
});

test('a unit whose file is removed while it runs keeps running, then becomes not-found when stopped', () => {
  const sim = new Sim({ files: { [`${E}/a.service`]: '[Service]\nExecStart=/sim/run\n' } });
  const who = { client: 't', pid: null, uid: 0 };
  assert.ok(sim.manager.enqueue({ unit: 'a.service', type: 'start', mode: 'replace' }, who).ok);
  sim.run(10_000_000);
  sim.fs.remove(`${E}/a.service`);
  const report = sim.manager.reload();
  assert.deepEqual(report.removed, ['a.service']);
  const load = (): string | undefined => {
    const r = sim.manager.unitProperties('a.service', ['LoadState']);
    return r.ok ? r.value.properties[0]?.[1] : undefined;
  };
  assert.equal(load(), 'loaded');
  assert.ok(sim.manager.enqueue({ unit: 'a.service', type: 'stop', mode: 'replace' }, who).ok);
  sim.run(10_000_000);
  assert.equal(load(), 'not-found');
});
