// Unit-file states (04 §10: is-enabled, list-unit-files, UnitFileState) and presets, computed
// from the search path, the enablement symlinks in the configuration directories and the
// preset files. Pure: everything is read through the index's FileSystem port.
import type { UnitFileEntry } from './api.ts';
import { fail, ok, type Result } from './errors.ts';
import { hasInstallRules, isOnlyAlso, readInstallInfo, type InstallInfo } from './install-info.ts';
import type { HostInfo } from './ports.ts';
import type { UnitName } from './types.ts';
import { normalizePath, type UnitFileIndex } from './unit-file/search.ts';
import { parseUnitName, templateOf } from './unit-name.ts';

export interface InstallEnv {
  /** A freshly scanned index of the search path. */
  readonly index: UnitFileIndex;
  /** Where enable and mask write: the first search directory (/etc/systemd/system). */
  readonly configDir: string;
  readonly host: HostInfo;
  /** Directories with `*.preset` files, highest priority first. */
  readonly presetDirs: readonly string[];
}

export const DEFAULT_PRESET_DIRS = [
  '/etc/systemd/system-preset', '/run/systemd/system-preset', '/usr/local/lib/systemd/system-preset',
  '/usr/lib/systemd/system-preset', '/lib/systemd/system-preset',
] as const;

/** Subdirectories of a configuration directory that hold enablement links, and their dependency. */
export const LINK_DIR_SUFFIXES = ['.wants', '.requires', '.upholds'] as const;
const LINK_DIR = /\.(wants|requires|upholds)$/;
export const isLinkDir = (name: string): boolean => LINK_DIR.test(name);

const dirname = (p: string): string => (p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/')));
const isRuntimeDir = (dir: string): boolean => dir === '/run' || dir.startsWith('/run/');

/**
 * Where `--runtime` writes: the first search directory under /run (/run/systemd/system on the
 * default path), else `<runtime dir>/systemd/system` (%t; /run for root). Links written to a
 * directory outside the search path are not read by the loader.
 */
export function runtimeConfigDir(env: InstallEnv): string {
  return env.index.searchPath.find(isRuntimeDir) ?? normalizePath(`${env.host.runtimeDir}/systemd/system`);
}

/** Configuration directories whose links count for enablement: the persistent one, then runtime ones. */
export function enablementDirs(configDir: string, searchPath: readonly string[]): { dir: string; runtime: boolean }[] {
  const dirs = [{ dir: configDir, runtime: false }];
  for (const d of searchPath) if (d !== configDir && isRuntimeDir(d)) dirs.push({ dir: d, runtime: true });
  return dirs;
}
const join = (dir: string, name: string): string => `${dir === '/' ? '' : dir}/${name}`;

/** The fragment a unit-file operation works on, or why there is none. */
export type Located =
  | { readonly kind: 'file'; readonly id: UnitName; readonly path: string; readonly info: InstallInfo }
  | { readonly kind: 'masked'; readonly at: string }
  | { readonly kind: 'missing' };

export function locate(env: InstallEnv, name: UnitName): Located {
  const frag = env.index.fragmentFor(name);
  if (!frag) return { kind: 'missing' };
  if (frag.masked || frag.path === null) {
    return { kind: 'masked', at: env.index.locationOf(name) ?? env.index.locationOf(templateOf(name) ?? name) ?? join(env.configDir, name) };
  }
  const id = frag.id;
  const template = parseUnitName(name)?.kind === 'template';
  return { kind: 'file', id, path: frag.path, info: readInstallInfo(env.index, frag.path, template ? name : id, name, env.host) };
}

/** Configuration directories that count for enablement: the persistent one and runtime ones. */
function configDirs(env: InstallEnv): { dir: string; runtime: boolean }[] {
  return enablementDirs(env.configDir, env.index.searchPath);
}

/** One scan of the enablement links per environment (list-unit-files asks for every name). */
const linkScans = new WeakMap<InstallEnv, Map<string, { runtime: boolean; target: string }[]>>();

/** Names linked from `*.wants/`, `*.requires/`, `*.upholds/` of the configuration directories. */
function enablementLinks(env: InstallEnv): Map<string, { runtime: boolean; target: string }[]> {
  const known = linkScans.get(env);
  if (known) return known;
  const out = scanEnablementLinks(env);
  linkScans.set(env, out);
  return out;
}

function scanEnablementLinks(env: InstallEnv): Map<string, { runtime: boolean; target: string }[]> {
  const fs = env.index.fs;
  const out = new Map<string, { runtime: boolean; target: string }[]>();
  for (const { dir, runtime } of configDirs(env)) {
    for (const sub of fs.readdir(dir) ?? []) {
      if (!LINK_DIR.test(sub)) continue;
      for (const entry of fs.readdir(join(dir, sub)) ?? []) {
        const target = fs.readlink(join(join(dir, sub), entry));
        if (target === null) continue;
        const list = out.get(entry) ?? [];
        list.push({ runtime, target: normalizePath(target) });
        out.set(entry, list);
      }
    }
  }
  return out;
}

/** enabled / enabled-runtime when a link names the unit (any instance, for a template), else null. */
function enabledState(env: InstallEnv, name: UnitName, path: string, info: InstallInfo): string | null {
  const links = enablementLinks(env);
  const p = parseUnitName(name);
  const found: { runtime: boolean }[] = [...(links.get(name) ?? [])];
  if (p?.kind === 'template') {
    for (const [entry, list] of links) {
      const e = parseUnitName(entry);
      if (e?.kind === 'instance' && e.prefix === p.prefix && e.type === p.type) found.push(...list);
    }
  }
  for (const alias of info.alias) {
    for (const { dir, runtime } of configDirs(env)) {
      const target = env.index.fs.readlink(join(dir, alias));
      if (target !== null && normalizePath(target) === path) found.push({ runtime });
    }
  }
  if (found.length === 0) return null;
  return found.some((f) => !f.runtime) ? 'enabled' : 'enabled-runtime';
}

/** A unit file linked into the search path from elsewhere (`systemctl link`). */
function linkedState(env: InstallEnv, name: UnitName, path: string): string | null {
  const at = env.index.locationOf(name);
  if (at === null || env.index.fs.lstat(at)?.kind !== 'symlink') return null;
  if (env.index.searchPath.includes(dirname(path))) return null;
  return isRuntimeDir(dirname(at)) ? 'linked-runtime' : 'linked';
}

/** is-enabled / UnitFileState for one name (04 §10). */
export function unitFileStateOf(env: InstallEnv, name: UnitName): Result<string> {
  if (!parseUnitName(name)) return fail('InvalidArgs', [`Failed to get unit file state for ${name}: Invalid argument`]);
  const loc = locate(env, name);
  if (loc.kind === 'missing') return fail('InvalidArgs', [`Failed to get unit file state for ${name}: No such file or directory`]);
  if (loc.kind === 'masked') return ok(isRuntimeDir(dirname(loc.at)) ? 'masked-runtime' : 'masked');
  if (env.index.locationOf(name) !== null && loc.id !== name) return ok('alias');
  if (loc.info.bad) return ok('bad');
  const enabled = enabledState(env, name, loc.path, loc.info);
  if (enabled) return ok(enabled);
  const linked = linkedState(env, name, loc.path);
  if (linked) return ok(linked);
  if (!hasInstallRules(loc.info, { template: parseUnitName(name)?.kind === 'template' })) return ok('static');
  return ok(isOnlyAlso(loc.info) ? 'indirect' : 'disabled');
}

/** States is-enabled counts as success (06 §8.2). */
export const ENABLED_LIKE_STATES: ReadonlySet<string> = new Set(['enabled', 'enabled-runtime', 'static', 'alias', 'indirect', 'generated']);

/** States for which list-unit-files and status show no preset (systemctl's show_preset_for_state). */
export const NO_PRESET: ReadonlySet<string> = new Set(['static', 'alias', 'generated', 'transient']);

/** list-unit-files: every name in the search path with its state and preset, sorted by name. */
export function listUnitFiles(env: InstallEnv): UnitFileEntry[] {
  const rules = readPresetRules(env);
  return env.index.listNames().map(({ name, at }) => {
    const r = unitFileStateOf(env, name);
    const state = r.ok ? r.value : 'bad';
    return { name, path: at, state, preset: NO_PRESET.has(state) ? null : `${presetVerdict(rules, name)}d` };
  });
}

// ---- presets (systemd.preset(5)): the first matching line of the first file wins ----

export interface PresetRule { readonly verdict: 'enable' | 'disable'; readonly pattern: RegExp }

/** A shell glob (`*`, `?`, `[…]`) as an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) { re += '\\['; continue; }
      const body = glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
      re += `[${body}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Rules of every `*.preset` file: a file name seen in a higher-priority directory hides later ones. */
export function readPresetRules(env: InstallEnv): PresetRule[] {
  const fs = env.index.fs;
  const byName = new Map<string, string>();
  for (const dir of env.presetDirs) {
    for (const f of fs.readdir(dir) ?? []) if (f.endsWith('.preset') && !byName.has(f)) byName.set(f, join(dir, f));
  }
  const rules: PresetRule[] = [];
  for (const f of [...byName.keys()].sort()) {
    for (const raw of (fs.readFile(byName.get(f)!) ?? '').split('\n')) {
      const [verb, pattern] = raw.trim().split(/\s+/);
      if ((verb === 'enable' || verb === 'disable') && pattern) rules.push({ verdict: verb, pattern: globToRegExp(pattern) });
    }
  }
  return rules;
}

/** The preset for a unit: the first matching rule, `enable` when nothing matches. */
export function presetVerdict(rules: readonly PresetRule[], name: UnitName): 'enable' | 'disable' {
  return rules.find((r) => r.pattern.test(name))?.verdict ?? 'enable';
}
