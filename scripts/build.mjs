// Bundles the client (src/client/main.ts) into one minified CommonJS file, dist/unitctl-bundle.cjs,
// so unitctl starts without resolving modules or stripping types, behind a two-line entry,
// dist/unitctl.cjs, that loads it through Node's compile cache (dist/compile-cache; one run here
// fills it, so even the first unitctl skips compiling). Run by `npm install` and `npm test`.
// One file on purpose (issue 6, measured on Node 24 by child CPU time, cold is-active): per-verb
// chunks (esbuild splitting, ESM or converted to CJS) cost 2-3 ms more than they save, lazy verbs
// inside this one file (import() per verb) save nothing, a startup snapshot (--build-snapshot) is
// 5 ms slower. The bundle's own JS is ~3 ms of the ~11 ms over `node -e 0`; the rest is node:net
// and stdio, which a bare socket client pays too.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

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
// The cache is keyed by the bundle's path relative to the cache (portable: the tree may move) and
// checked against its contents and the Node version; a stale entry is recompiled and rewritten,
// and an unwritable dist/ only costs the compile. Node < 22.1 has no enableCompileCache.
writeFileSync(`${root}dist/unitctl.cjs`, `// unitctl's entry (scripts/build.mjs): the bundle, compiled through Node's compile cache.
try { require('node:module').enableCompileCache?.({ directory: __dirname + '/compile-cache', portable: true }); } catch {}
require('./unitctl-bundle.cjs');
`);
rmSync(`${root}dist/compile-cache`, { recursive: true, force: true });
spawnSync(process.execPath, [`${root}dist/unitctl.cjs`, '--version'], { stdio: 'ignore' });
console.log(`built dist/unitctl.cjs (${bytes} bytes, compile cache filled)`);

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
