// Every unit file Debian ships on this machine (/lib/systemd/system, /usr/lib/systemd/system)
// goes through the real loader with the real FileSystem: none of the types unitd runs may be
// refused (bad-setting/error). The warnings are counted by kind and printed for the report.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createFileSystem, createHostInfo } from '../../src/daemon/fs.ts';
import { UnitFileIndex } from '../../src/engine/unit-file/search.ts';
import { loadUnit } from '../../src/engine/unit-file/load.ts';
import { parseUnitName } from '../../src/engine/unit-name.ts';

const DIRS = ['/etc/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'];
const SUPPORTED = new Set(['service', 'socket', 'target', 'timer']);

/** A warning's kind: its message with names, values and paths taken out. */
const kindOf = (message: string): string => message
  .replace(/'[^']*'/g, "'…'").replace(/\[[^\]]*\]/g, '[…]').replace(/ignoring: .*/, 'ignoring: …').replace(/\/\S+/g, '…');

test('every Debian unit file of a supported type loads without a fatal error', () => {
  const fs = createFileSystem();
  const index = new UnitFileIndex(DIRS, fs);
  const host = createHostInfo();
  const names = new Set<string>();
  for (const dir of DIRS.slice(1)) for (const f of fs.readdir(dir) ?? []) names.add(f);
  const units = [...names].filter((n) => {
    const p = parseUnitName(n);
    return p !== null && SUPPORTED.has(p.type);
  }).sort();
  if (units.length === 0) return; // no systemd units on this machine: nothing to check
  const refused: string[] = [];
  const warnings = new Map<string, number>();
  let loaded = 0;
  for (const name of units) {
    const p = parseUnitName(name)!;
    const u = loadUnit(index, p.kind === 'template' ? `${p.prefix}@x.${p.type}` : name, host);
    if (u.loadState === 'bad-setting' || u.loadState === 'error') {
      refused.push(`${name}: ${u.loadState} ${u.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line}: ${d.message}`).join('; ')}`);
    }
    if (u.loadState === 'loaded') loaded++;
    for (const d of u.diagnostics) if (d.severity === 'warning') warnings.set(kindOf(d.message), (warnings.get(kindOf(d.message)) ?? 0) + 1);
  }
  const summary = [...warnings].sort((a, b) => b[1] - a[1]).map(([k, n]) => `  ${n} × ${k}`);
  process.stdout.write(`# Debian units: ${units.length} files, ${loaded} loaded, ${[...warnings.values()].reduce((a, b) => a + b, 0)} warnings\n${summary.join('\n')}\n`);
  assert.deepEqual(refused, []);
});
