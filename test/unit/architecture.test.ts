// Enforces the dependency direction of STYLE.md §1: daemon → engine, client → engine's pure
// data modules only, engine → nothing (host: Node facts both programs share, e.g. time zones); and keeps the engine free of I/O, time and randomness.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const SRC = resolve(import.meta.dirname, '../../src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g), ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
}

const part = (file: string): string => relative(SRC, file).split('/')[0]!;

/** Strips comments and string contents so words in prose do not count. */
function code(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/`(?:\\.|[^`\\])*`/g, '``')
    .replace(/'(?:\\.|[^'\\\n])*'/g, "''")
    .replace(/"(?:\\.|[^"\\\n])*"/g, '""');
}

const CLIENT_MAY_IMPORT = new Set(['engine/api.ts', 'engine/errors.ts', 'engine/types.ts', 'engine/calendar.ts']);

test('imports follow daemon → engine, client → engine data, engine → nothing', () => {
  const bad: string[] = [];
  for (const file of filesUnder(SRC)) {
    const from = part(file);
    for (const spec of imports(file)) {
      if (!spec.startsWith('.')) {
        if (from === 'engine') bad.push(`${relative(SRC, file)} imports package ${spec}`);
        continue;
      }
      const target = relative(SRC, resolve(dirname(file), spec));
      const to = target.split('/')[0]!;
      if (to === from) continue;
      const allowed = (from === 'daemon' && to === 'engine') || (from === 'client' && CLIENT_MAY_IMPORT.has(target))
        || ((from === 'daemon' || from === 'client') && to === 'host') || (from === 'host' && CLIENT_MAY_IMPORT.has(target));
      if (!allowed) bad.push(`${relative(SRC, file)} → ${target}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('the engine touches no I/O, clock, randomness, process or console', () => {
  const forbidden = /\b(Date|setTimeout|setInterval|setImmediate|process|console|require)\b|Math\.random/;
  const bad: string[] = [];
  for (const file of filesUnder(join(SRC, 'engine'))) {
    code(file).split('\n').forEach((line, i) => {
      if (forbidden.test(line)) bad.push(`${relative(SRC, file)}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(bad, []);
});

test('the architecture check itself sees a violation', () => {
  assert.match('const t = Date.now();', /\bDate\b/);
  assert.equal(part(join(SRC, 'engine/x.ts')), 'engine');
});
