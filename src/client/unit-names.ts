// Unit names as the user types them → names for requests (06 §2): a missing type suffix is
// appended, glob patterns are expanded against the units the daemon has loaded.
import { UNIT_TYPES } from '../engine/types.ts';
import type { Context } from './context.ts';

const SUFFIXES = UNIT_TYPES.map((t) => `.${t}`);

export const isGlob = (name: string): boolean => /[*?[]/.test(name);

export const hasUnitSuffix = (name: string): boolean => SUFFIXES.some((s) => name.length > s.length && name.endsWith(s));

/** `web` → `web.service` (`.target` for isolate); names with a suffix and globs stay as they are. */
export const mangleName = (name: string, suffix = '.service'): string =>
  isGlob(name) || hasUnitSuffix(name) ? name : `${name}${suffix}`;

/** fnmatch(3) without flags: `*`, `?`, `[abc]`, `[!a-z]`, backslash escapes. */
export function globMatch(pattern: string, text: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else if (c === '\\' && i + 1 < pattern.length) re += escapeRe(pattern[++i]!);
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) { re += '\\['; continue; }
      let body = pattern.slice(i + 1, end);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`).test(text);
}

const escapeRe = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

export const matchesAny = (patterns: readonly string[], name: string): boolean =>
  patterns.length === 0 || patterns.some((p) => globMatch(p, name));

/** Mangled names in the order given; each glob is replaced by the loaded units it matches (sorted). */
export async function expandNames(ctx: Context, names: readonly string[], suffix = '.service'): Promise<string[]> {
  const mangled = names.map((n) => mangleName(n, suffix));
  if (!mangled.some(isGlob)) return mangled;
  const { units } = await ctx.rpc.call('ListUnits', { all: true });
  const ids = units.map((u) => u.id).sort();
  const out: string[] = [];
  for (const name of mangled) {
    for (const n of isGlob(name) ? ids.filter((id) => globMatch(name, id)) : [name]) if (!out.includes(n)) out.push(n);
  }
  return out;
}
