// `show -p`: asking for some properties gives exactly those rows of the full list, in its order,
// whether the names are generic, the type's own, unknown, or a mix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sim } from './harness.ts';

const D = '/etc/systemd/system';
const sim = new Sim({ files: {
  [`${D}/a.service`]: '[Unit]\nWants=b.socket\nAfter=b.socket\n[Service]\nExecStart=/bin/true\nRestart=on-failure\n',
  [`${D}/b.socket`]: '[Socket]\nListenStream=/run/b.sock\n',
  [`${D}/c.timer`]: '[Timer]\nOnActiveSec=1\nUnit=a.service\n',
  [`${D}/d.target`]: '[Unit]\nWants=a.service\n',
} });
sim.enqueue('d.target', 'start');
sim.run(10_000_000);

const full = (unit: string): [string, string][] => {
  const r = sim.manager.unitProperties(unit, null);
  assert.ok(r.ok);
  return r.value.properties;
};
const some = (unit: string, names: string[]): [string, string][] => {
  const r = sim.manager.unitProperties(unit, names);
  assert.ok(r.ok);
  return r.value.properties;
};

test('the type-specific and generic names never overlap, so each property is listed once', () => {
  for (const unit of ['a.service', 'b.socket', 'c.timer', 'd.target']) {
    const names = full(unit).map(([k]) => k);
    assert.equal(new Set(names).size, names.length, unit);
  }
});

test('a selection is the full list filtered, in the full list\'s order', () => {
  const cases = [
    ['ActiveState'], ['SubState', 'ActiveState', 'LoadState'], ['NRestarts'], ['MainPID', 'Id', 'ExecStart'],
    ['Listen', 'Triggers', 'NoSuchProperty'], ['NoSuchProperty'], ['TimersMonotonic', 'After', 'Before'],
  ];
  for (const unit of ['a.service', 'b.socket', 'c.timer', 'd.target']) {
    const all = full(unit);
    for (const names of cases) {
      const wanted = new Set(names);
      assert.deepEqual(some(unit, names), all.filter(([k]) => wanted.has(k)), `${unit} ${names.join(',')}`);
    }
  }
});

test('generic values are the unit\'s current ones', () => {
  assert.deepEqual(some('a.service', ['ActiveState', 'Id', 'Wants', 'After']),
    [['Id', 'a.service'], ['Wants', 'b.socket'], ['After', 'b.socket basic.target c.timer sysinit.target'], ['ActiveState', full('a.service').find(([k]) => k === 'ActiveState')![1]]]);
});
