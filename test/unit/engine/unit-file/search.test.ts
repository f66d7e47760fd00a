import test from 'node:test';
import assert from 'node:assert/strict';
import { dropInNames, UnitFileIndex } from '../../../../src/engine/unit-file/search.ts';
import { MemFs } from '../../../fixtures/mem-fs.ts';

const E = '/etc/systemd/system';
const L = '/usr/lib/systemd/system';

test('dropInNames follows 04 §4.1', () => {
  assert.deepEqual(dropInNames('foo-bar-baz.service'), ['foo-bar-baz.service', 'foo-bar-.service', 'foo-.service']);
  assert.deepEqual(dropInNames('foo-bar@baz.service'), ['foo-bar@baz.service', 'foo-bar@.service', 'foo-.service', 'foo-@baz.service', 'foo-@.service']);
  assert.deepEqual(dropInNames('plain.service'), ['plain.service']);
});

test('name map: priority, aliases, masks, dangling links, templates', () => {
  const fs = new MemFs({
    [`${E}/a.service`]: '[Service]\nExecStart=/bin/a\n', [`${L}/a.service`]: 'lower',
    [`${L}/real.service`]: 'x', [`${E}/alias.service`]: { symlink: `${L}/real.service` },
    [`${E}/masked.service`]: { symlink: '/dev/null' }, [`${L}/masked.service`]: 'x',
    [`${E}/dangling.service`]: { symlink: '/nowhere/x.service' },
    [`${L}/t@.service`]: 'tmpl', [`${E}/other@.service`]: { symlink: `${L}/t@.service` },
    [`${E}/linked.service`]: { symlink: '/opt/app/linked.service' }, '/opt/app/linked.service': 'outside',
    [`${E}/notaunit.txt`]: 'x',
  });
  const idx = new UnitFileIndex([E, L], fs);
  assert.deepEqual(idx.fragmentFor('a.service'), { id: 'a.service', path: `${E}/a.service`, masked: false });
  assert.deepEqual(idx.fragmentFor('alias.service'), { id: 'real.service', path: `${L}/real.service`, masked: false });
  assert.deepEqual(idx.aliasesOf('real.service'), ['alias.service']);
  assert.deepEqual(idx.fragmentFor('masked.service'), { id: 'masked.service', path: null, masked: true });
  assert.equal(idx.fragmentFor('dangling.service'), null);
  assert.deepEqual(idx.fragmentFor('t@x.service'), { id: 't@x.service', path: `${L}/t@.service`, masked: false });
  assert.deepEqual(idx.fragmentFor('other@x.service'), { id: 't@x.service', path: `${L}/t@.service`, masked: false });
  assert.deepEqual(idx.aliasesOf('t@x.service'), ['other@x.service']);
  assert.deepEqual(idx.fragmentFor('linked.service'), { id: 'linked.service', path: '/opt/app/linked.service', masked: false });
  assert.equal(idx.fragmentFor('missing.service'), null);
});

test('drop-ins: candidate order, same-name override, masks, sorting', () => {
  const fs = new MemFs({
    [`${L}/foo-bar@baz.service`]: 'x',
    [`${L}/foo-bar@baz.service.d/20-b.conf`]: 'lib', [`${E}/foo-bar@baz.service.d/20-b.conf`]: 'etc',
    [`${L}/foo-.service.d/10-a.conf`]: 'dash', [`${L}/foo-bar@.service.d/30-c.conf`]: 'tmpl',
    [`${E}/service.d/05-all.conf`]: 'type', [`${E}/foo-bar@baz.service.d/40-off.conf`]: { symlink: '/dev/null' },
    [`${L}/foo-bar@baz.service.d/40-off.conf`]: 'disabled', [`${L}/foo-bar@baz.service.d/ignored.txt`]: 'x',
  });
  const idx = new UnitFileIndex([E, L], fs);
  assert.deepEqual(idx.dropInPaths('foo-bar@baz.service', []), [
    `${E}/service.d/05-all.conf`, `${L}/foo-.service.d/10-a.conf`, `${E}/foo-bar@baz.service.d/20-b.conf`, `${L}/foo-bar@.service.d/30-c.conf`,
  ]);
});

test('.wants/.requires entries', () => {
  const fs = new MemFs({
    [`${E}/app.target`]: '', [`${E}/app.target.wants/a.service`]: { symlink: '../a.service' },
    [`${E}/app.target.wants/m.service`]: { symlink: '/dev/null' }, [`${E}/app.target.wants/plain.service`]: 'file',
    [`${L}/app.target.requires/r.service`]: { symlink: '/x/r.service' },
  });
  const idx = new UnitFileIndex([E, L], fs);
  const wants = idx.dependencyEntries('app.target', [], 'wants');
  // A flattened link (a regular file) still names a dependency, with a warning.
  assert.deepEqual(wants.names, ['a.service', 'plain.service']);
  assert.equal(wants.warnings.length, 1);
  assert.match(wants.warnings[0]!, /plain\.service: not a symlink; using its name/);
  assert.deepEqual(idx.dependencyEntries('app.target', [], 'requires').names, ['r.service']);
});

test('isStale notices new files and new directories; rescan finds them', () => {
  const fs = new MemFs({ [`${E}/a.service`]: 'x' });
  const idx = new UnitFileIndex([E, L], fs);
  assert.equal(idx.isStale(), false);
  fs.write(`${E}/b.service`, 'y');
  assert.equal(idx.isStale(), true);
  assert.equal(idx.fragmentFor('b.service'), null);
  idx.rescan();
  assert.equal(idx.isStale(), false);
  assert.equal(idx.fragmentFor('b.service')?.path, `${E}/b.service`);
  fs.write(`${L}/c.service`, 'z');
  assert.equal(idx.isStale(), true);
});

test('an index of 20000 units finds every fragment (speed: npm run bench)', () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 20_000; i++) files[`${L}/u${i}.service`] = '[Service]\nExecStart=/bin/true\n';
  const fs = new MemFs(files);
  const idx = new UnitFileIndex([E, L], fs);
  for (let i = 0; i < 20_000; i++) assert.deepEqual(idx.dropInPaths(`u${i}.service`, []), []);
  assert.equal(idx.fragmentFor('u19999.service')?.path, `${L}/u19999.service`);
});
