// `%` specifiers (04 §6): a table letter → resolver over the unit's name, its fragment and the
// host. Expansion fails on an unknown letter; `%` before a non-letter stays literal.
import type { HostInfo } from '../ports.ts';
import { parseUnitName, stripSuffix, unescapePath, unescapeUnitNamePart } from '../unit-name.ts';

export interface SpecifierContext {
  readonly id: string;                 // the unit's id (instance substituted)
  readonly fragmentPath: string | null;
  readonly host: HostInfo;
}

type Resolver = (c: SpecifierContext) => string;

const prefixOf = (id: string): string => parseUnitName(id)?.prefix ?? stripSuffix(id);
const instanceOf = (id: string): string => parseUnitName(id)?.instance ?? '';
const lastComponent = (id: string): string => {
  const p = prefixOf(id);
  const dash = p.lastIndexOf('-');
  return dash < 0 ? p : p.slice(dash + 1);
};
const dirOf = (path: string): string => {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
};
const tmpDir = (c: SpecifierContext, fallback: string): string => c.host.environment['TMPDIR'] ?? fallback;

const SPECIFIERS: Readonly<Record<string, Resolver>> = {
  n: (c) => c.id,
  N: (c) => stripSuffix(c.id),
  p: (c) => prefixOf(c.id),
  P: (c) => unescapeUnitNamePart(prefixOf(c.id)),
  i: (c) => instanceOf(c.id),
  I: (c) => unescapeUnitNamePart(instanceOf(c.id)),
  j: (c) => lastComponent(c.id),
  J: (c) => unescapeUnitNamePart(lastComponent(c.id)),
  f: (c) => unescapePath(parseUnitName(c.id)?.kind === 'instance' ? instanceOf(c.id) : prefixOf(c.id)),
  y: (c) => c.fragmentPath ?? '',
  Y: (c) => (c.fragmentPath ? dirOf(c.fragmentPath) : ''),
  t: (c) => c.host.runtimeDir,
  S: () => '/var/lib',
  C: () => '/var/cache',
  L: () => '/var/log',
  E: () => '/etc',
  d: (c) => `${c.host.runtimeDir}/credentials/${c.id}`,
  T: (c) => tmpDir(c, '/tmp'),
  V: (c) => tmpDir(c, '/var/tmp'),
  h: (c) => c.host.home,
  s: (c) => c.host.shell,
  u: (c) => c.host.userName,
  U: (c) => String(c.host.uid),
  g: (c) => c.host.groupName,
  G: (c) => String(c.host.gid),
  H: (c) => c.host.hostname,
  l: (c) => c.host.hostname.split('.')[0] ?? '',
  q: (c) => c.host.hostname,
  m: (c) => c.host.machineId,
  b: (c) => c.host.bootId,
  v: (c) => c.host.kernelRelease,
  a: (c) => c.host.architecture,
  // OS release fields: HostInfo does not carry /etc/os-release, so they expand to nothing.
  o: () => '', w: () => '', W: () => '', B: () => '', M: () => '', A: () => '',
};

/** The subset allowed in unit-name lists (dependencies, 04 §6). */
const NAME_SAFE = new Set('nNpijHlqmbvaowWBMAuUgG');

export type SpecifierResult = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly letter: string };

/** Expands every `%x` in `text`; `names` restricts to the name-safe subset. */
export function expandSpecifiers(text: string, ctx: SpecifierContext, options: { names?: boolean } = {}): SpecifierResult {
  if (!text.includes('%')) return { ok: true, value: text };
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch !== '%' || i + 1 >= text.length) { out += ch; continue; }
    const next = text[i + 1]!;
    i++;
    if (next === '%') { out += '%'; continue; }
    if (!/[A-Za-z]/.test(next)) { out += `%${next}`; continue; }
    const resolve = SPECIFIERS[next];
    if (!resolve || (options.names && !NAME_SAFE.has(next))) return { ok: false, letter: next };
    out += resolve(ctx);
  }
  return { ok: true, value: out };
}

/** systemd's wording for a failed expansion (errno text EBADSLT). */
export const specifierFailure = (text: string): string => `Failed to resolve unit specifiers in '${text}', ignoring: Invalid slot`;
