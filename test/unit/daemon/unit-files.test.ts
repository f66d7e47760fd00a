// The unit-file watcher: changes in watched directories, including one created after start, are
// debounced into UnitFilesChanged inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UnitFileWatcher } from '../../../src/daemon/unit-files.ts';
import { escapeUnitName } from '../../../src/daemon/notify.ts';
import { isTimeZone } from '../../../src/host/time-zones.ts';
import { Inputs, waitFor } from './helpers.ts';

test('a burst of changes becomes one UnitFilesChanged; a directory created later is watched too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'unitd-watch-'));
  const existing = join(dir, 'etc');
  const later = join(dir, 'run', 'units');
  mkdirSync(existing);
  const inputs = new Inputs();
  const w = new UnitFileWatcher({ dirs: [existing, later], push: inputs.push, onError: () => {}, debounceMs: 150 });
  await w.start();
  try {
    for (let i = 0; i < 5; i++) writeFileSync(join(existing, `a${i}.service`), '[Service]\nExecStart=/bin/true\n');
    assert.ok(await waitFor(() => inputs.all.length >= 1));
    await sleep(400);
    assert.deepEqual(inputs.all, [{ kind: 'UnitFilesChanged' }]);
    mkdirSync(later, { recursive: true });
    writeFileSync(join(later, 'b.service'), '[Service]\nExecStart=/bin/true\n');
    assert.ok(await waitFor(() => inputs.all.length >= 2), 'the new directory is noticed');
  } finally {
    await w.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('notify socket names escape unsafe characters and keep ordinary unit names readable', () => {
  assert.equal(escapeUnitName('web@1.service'), 'web@1.service');
  assert.equal(escapeUnitName('a/b c.service'), 'a_2fb_20c.service');
});

test('isTimeZone: a TZif file under the zoneinfo directory, never a directory, junk or a path escape', () => {
  const zi = mkdtempSync(join(tmpdir(), 'unitd-zoneinfo-'));
  try {
    mkdirSync(`${zi}/Good`);
    writeFileSync(`${zi}/Good/Zone`, 'TZif2\0\0\0');
    writeFileSync(`${zi}/Junk`, '# not a zone\n');
    const table: [string, boolean][] = [['Good/Zone', true], ['Good', false], ['Junk', false], ['Good/Missing', false], ['../etc/passwd', false], ['/Good/Zone', false], ['Good//Zone', false]];
    for (const [name, want] of table) assert.equal(isTimeZone(name, zi), want, name);
    assert.equal(isTimeZone('Europe/Berlin', `${zi}/absent`), true, 'without tzdata Intl decides');
    assert.equal(isTimeZone('Foo/Bar', `${zi}/absent`), false);
  } finally {
    rmSync(zi, { recursive: true, force: true });
  }
});
