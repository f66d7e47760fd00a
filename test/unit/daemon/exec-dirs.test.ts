// setUpExecDirectories and the PathRemover on a real temporary directory: parents, modes (also
// on an existing directory), ownership for User=/Group=, ConfigurationDirectory= left alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPathRemover, setUpExecDirectories } from '../../../src/daemon/exec-dirs.ts';

const isRoot = process.getuid?.() === 0;

test('directories are created with parents and their mode, and an existing one is locked down again', () => {
  const base = mkdtempSync(join(tmpdir(), 'unitd-execdirs-'));
  try {
    const dir = join(base, 'a', 'b');
    assert.deepEqual(setUpExecDirectories([{ path: dir, mode: 0o2750, owned: true, exitStatus: 233 }], null), { ok: true });
    assert.equal(statSync(dir).mode & 0o7777, 0o2750);
    assert.equal(statSync(join(base, 'a')).mode & 0o777, 0o755);
    chmodSync(dir, 0o777);
    setUpExecDirectories([{ path: dir, mode: 0o700, owned: true, exitStatus: 233 }], null);
    assert.equal(statSync(dir).mode & 0o7777, 0o700);
    // ConfigurationDirectory=: an existing directory keeps its mode.
    const conf = join(base, 'conf');
    mkdirSync(conf, { mode: 0o750 });
    chmodSync(conf, 0o750);
    setUpExecDirectories([{ path: conf, mode: 0o755, owned: false, exitStatus: 241 }], null);
    assert.equal(statSync(conf).mode & 0o777, 0o750);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('a path that cannot be a directory fails with the type\'s exit status', () => {
  const base = mkdtempSync(join(tmpdir(), 'unitd-execdirs-'));
  try {
    writeFileSync(join(base, 'file'), '');
    const r = setUpExecDirectories([{ path: join(base, 'file', 'sub'), mode: 0o755, owned: true, exitStatus: 238 }], null);
    assert.equal(r.ok, false);
    assert.equal(r.ok ? 0 : r.status, 238);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('owned directories are handed to User=/Group= with their contents', { skip: isRoot ? false : 'needs root to chown' }, () => {
  const base = mkdtempSync(join(tmpdir(), 'unitd-execdirs-'));
  try {
    const dir = join(base, 'svc');
    mkdirSync(dir);
    writeFileSync(join(dir, 'inside'), '');
    setUpExecDirectories([{ path: dir, mode: 0o755, owned: true, exitStatus: 233 }], { uid: 65534, gid: 65534 });
    assert.equal(statSync(dir).uid, 65534);
    assert.equal(statSync(join(dir, 'inside')).gid, 65534);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('the path remover removes trees and files, and a missing path is no error', () => {
  const base = mkdtempSync(join(tmpdir(), 'unitd-execdirs-'));
  const errors: string[] = [];
  const remover = createPathRemover((path) => errors.push(path));
  mkdirSync(join(base, 'tree', 'deep'), { recursive: true });
  writeFileSync(join(base, 'tree', 'deep', 'f'), '');
  writeFileSync(join(base, 'pid'), '1\n');
  remover.remove(join(base, 'tree'), { recursive: true });
  remover.remove(join(base, 'pid'), { recursive: false });
  remover.remove(join(base, 'missing'), { recursive: false });
  assert.equal(existsSync(join(base, 'tree')), false);
  assert.equal(existsSync(join(base, 'pid')), false);
  assert.deepEqual(errors, []);
  rmSync(base, { recursive: true, force: true });
});
