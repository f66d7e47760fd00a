// Bundles the client (src/client/main.ts) into one minified CommonJS file, dist/unitctl.cjs, so
// unitctl starts without resolving modules or stripping types. Run by `npm install` and `npm test`.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/client/main.ts'],
  outfile: 'dist/unitctl.cjs',
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
console.log(`built dist/unitctl.cjs (${bytes} bytes)`);

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
