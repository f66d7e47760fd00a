// The unit search path (04 §1–4): one cached scan of every search directory builds the name map
// (fragments, aliases, masks) and notes which .d/.wants/.requires directories exist; lookups
// then cost a few map hits. isStale() compares directory mtimes so new files are noticed.
import type { FileSystem } from '../ports.ts';
import type { UnitName } from '../types.ts';
import { parseUnitName, templateOf, withInstance } from '../unit-name.ts';

type Entry =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'mask'; readonly path: string }
  | { readonly kind: 'alias'; readonly target: UnitName };

export interface Fragment {
  readonly id: UnitName;
  /** Null when masked through a `/dev/null` symlink. */
  readonly path: string | null;
  readonly masked: boolean;
}

const SYMLINK_HOPS = 32;
const DEP_SUFFIXES = { wants: '.wants', requires: '.requires' } as const;

const dirname = (p: string): string => {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
};
const basename = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** Resolves `.` and `..` segments of an absolute path. */
export function normalizePath(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}`;
}

/** 04 §4.1 shorterPrefix: cut the stem back to (and keeping) its previous dash. */
function shorterPrefix(prefix: string): string | null {
  const p = prefix.endsWith('-') ? prefix.slice(0, -1) : prefix;
  const dash = p.lastIndexOf('-');
  return dash <= 0 ? null : p.slice(0, dash + 1);
}

/** The names whose `.d` (`.wants`, …) directories apply to `name`, in systemd's order (04 §4.1). */
export function dropInNames(name: UnitName): UnitName[] {
  const out: UnitName[] = [];
  const walk = (n: UnitName): void => {
    const p = parseUnitName(n);
    if (!p) return;
    out.push(n);
    if (p.kind === 'instance') walk(`${p.prefix}@.${p.type}`);
    const shorter = shorterPrefix(p.prefix);
    // An instance keeps its instance on the shorter prefix; a template's shorter prefix drops the '@'.
    if (shorter !== null) walk(`${shorter}${p.kind === 'instance' ? `@${p.instance}` : ''}.${p.type}`);
  };
  walk(name);
  return out;
}

export class UnitFileIndex {
  private readonly unitPath: readonly string[];
  readonly fs: FileSystem;
  private readonly searchDirs: ReadonlySet<string>;
  private mtimes: (number | null)[] = [];
  private entries = new Map<UnitName, Entry>();
  private aliases = new Map<UnitName, UnitName[]>();
  /** Name → the directory entry that defines it (the highest-priority one). */
  private locations = new Map<UnitName, string>();
  /** Directory entry name (`foo.service.d`) → search directories that hold it. */
  private subdirs = new Map<string, Set<string>>();

  constructor(unitPath: readonly string[], fs: FileSystem) {
    this.unitPath = unitPath.map(normalizePath);
    this.fs = fs;
    this.searchDirs = new Set(this.unitPath);
    this.rescan();
  }

  get searchPath(): readonly string[] {
    return this.unitPath;
  }

  /** True when a search directory appeared, vanished or changed since the last scan. */
  isStale(): boolean {
    return this.unitPath.some((d, i) => (this.fs.stat(d)?.mtimeUsec ?? null) !== this.mtimes[i]);
  }

  rescan(): void {
    this.mtimes = this.unitPath.map((d) => this.fs.stat(d)?.mtimeUsec ?? null);
    this.entries = new Map();
    this.aliases = new Map();
    this.locations = new Map();
    this.subdirs = new Map();
    for (const dir of this.unitPath) this.scanDir(dir);
    for (const [name, e] of this.entries) {
      if (e.kind !== 'alias') continue;
      const list = this.aliases.get(e.target);
      if (list) list.push(name);
      else this.aliases.set(e.target, [name]);
    }
  }

  private scanDir(dir: string): void {
    for (const name of this.fs.readdir(dir) ?? []) {
      const path = `${dir === '/' ? '' : dir}/${name}`;
      if (/\.(d|wants|requires)$/.test(name)) {
        if (this.fs.stat(path)?.kind === 'dir') this.noteSubdir(name, dir);
        continue;
      }
      if (this.entries.has(name) || !parseUnitName(name)) continue;
      const entry = this.resolveEntry(name, path);
      if (entry) { this.entries.set(name, entry); this.locations.set(name, path); }
    }
  }

  private noteSubdir(name: string, dir: string): void {
    const set = this.subdirs.get(name);
    if (set) set.add(dir);
    else this.subdirs.set(name, new Set([dir]));
  }

  /** Follows a directory entry: file, mask, alias (a link to another name in the search path) or nothing. */
  private resolveEntry(name: UnitName, path: string): Entry | null {
    let current = path;
    for (let hop = 0; hop < SYMLINK_HOPS; hop++) {
      const st = this.fs.lstat(current);
      if (!st) return null;
      if (st.kind === 'file') return { kind: 'file', path: current === path ? path : current };
      if (st.kind !== 'symlink') return null;
      const link = this.fs.readlink(current);
      if (link === null) return null;
      const target = normalizePath(link.startsWith('/') ? link : `${dirname(current)}/${link}`);
      if (target === '/dev/null') return { kind: 'mask', path };
      const targetName = basename(target);
      if (this.searchDirs.has(dirname(target)) && targetName !== name && parseUnitName(targetName)) {
        return this.fs.stat(target) ? { kind: 'alias', target: targetName } : null;
      }
      current = target;
    }
    return null;
  }

  /** Every name defined in the search path (files, masks, aliases) with its directory entry, by name. */
  listNames(): { name: UnitName; kind: Entry['kind']; at: string; path: string | null }[] {
    return [...this.entries].sort(([a], [b]) => byteOrder(a, b)).map(([name, e]) => ({
      name, kind: e.kind, at: this.locations.get(name)!, path: e.kind === 'alias' ? null : e.path,
    }));
  }

  /** The directory entry that defines `name` (not following templates), or null. */
  locationOf(name: UnitName): string | null {
    return this.locations.get(name) ?? null;
  }

  /** Finds the fragment for a unit name (template fallback for instances), following aliases. */
  fragmentFor(name: UnitName): Fragment | null {
    let current = name;
    for (let hop = 0; hop < SYMLINK_HOPS; hop++) {
      const p = parseUnitName(current);
      if (!p) return null;
      const own = this.entries.get(current);
      const template = own ? null : templateOf(current);
      const e = own ?? (template ? this.entries.get(template) : undefined);
      if (!e) return null;
      if (e.kind === 'file') return { id: current, path: e.path, masked: false };
      if (e.kind === 'mask') return { id: current, path: null, masked: true };
      const t = parseUnitName(e.target);
      current = t?.kind === 'template' && p.kind === 'instance' ? withInstance(e.target, p.instance!)! : e.target;
    }
    return null;
  }

  /** All names that are aliases of `id` (instance substituted for template aliases). */
  aliasesOf(id: UnitName): UnitName[] {
    const p = parseUnitName(id);
    const out = new Set(this.aliases.get(id) ?? []);
    if (p?.kind === 'instance') {
      for (const a of this.aliases.get(`${p.prefix}@.${p.type}`) ?? []) {
        const ap = parseUnitName(a);
        if (ap?.kind === 'template') out.add(withInstance(a, p.instance!)!);
        else if (ap?.kind === 'instance' && ap.instance === p.instance) out.add(a);
      }
    }
    out.delete(id);
    return [...out];
  }

  /** Existing candidate directories with `suffix` for the unit, in priority order (04 §4.1). */
  candidateDirs(id: UnitName, aliases: readonly UnitName[], suffix: string): string[] {
    const type = parseUnitName(id)?.type;
    const out: string[] = [];
    const add = (dir: string, name: string): void => {
      if (this.subdirs.get(name)?.has(dir)) out.push(`${dir === '/' ? '' : dir}/${name}`);
    };
    for (const n of [id, ...aliases]) {
      const names = dropInNames(n);
      for (const d of this.unitPath) for (const m of names) add(d, `${m}${suffix}`);
    }
    if (type && suffix === '.d') for (const d of this.unitPath) add(d, `${type}.d`);
    return [...new Set(out)];
  }

  /** Every directory that could hold `suffix` entries for the unit (04 §4.1), whether it exists now or not. */
  possibleDirs(id: UnitName, aliases: readonly UnitName[], suffix: string): { path: string; exists: boolean }[] {
    const out = new Map<string, boolean>();
    const add = (dir: string, name: string): void => {
      out.set(`${dir === '/' ? '' : dir}/${name}`, this.subdirs.get(name)?.has(dir) ?? false);
    };
    for (const n of [id, ...aliases]) {
      const names = dropInNames(n);
      for (const d of this.unitPath) for (const m of names) add(d, `${m}${suffix}`);
    }
    const type = parseUnitName(id)?.type;
    if (type && suffix === '.d') for (const d of this.unitPath) add(d, `${type}.d`);
    return [...out].map(([path, exists]) => ({ path, exists }));
  }

  /** `.conf` drop-ins: first occurrence of a file name wins, then sorted by file name. */
  dropInPaths(id: UnitName, aliases: readonly UnitName[]): string[] {
    const byName = new Map<string, string>();
    for (const dir of this.candidateDirs(id, aliases, '.d')) {
      for (const f of this.fs.readdir(dir) ?? []) {
        if (f.endsWith('.conf') && !byName.has(f)) byName.set(f, `${dir}/${f}`);
      }
    }
    return [...byName.keys()].sort(byteOrder).map((f) => byName.get(f)!).filter((p) => !this.isMaskFile(p));
  }

  private isMaskFile(path: string): boolean {
    const st = this.fs.stat(path);
    return st === null || st.kind !== 'file' || this.fs.readlink(path) === '/dev/null';
  }

  /** Wants=/Requires= from `.wants/` and `.requires/` directories (04 §4.2), with warnings. */
  dependencyEntries(id: UnitName, aliases: readonly UnitName[], kind: keyof typeof DEP_SUFFIXES): { names: UnitName[]; warnings: string[] } {
    const names = new Set<UnitName>();
    const warnings: string[] = [];
    for (const dir of this.candidateDirs(id, aliases, DEP_SUFFIXES[kind])) {
      for (const entry of this.fs.readdir(dir) ?? []) {
        if (!parseUnitName(entry)) continue;
        const path = `${dir}/${entry}`;
        const st = this.fs.lstat(path);
        // systemd ignores anything but symlinks here. Archives and copy tools often flatten
        // symlinks into small files holding the target path; unitd still honours the entry's
        // name (the dependency) and says so, rather than silently dropping it.
        if (st?.kind === 'file' && st.size > 0) warnings.push(`${path}: not a symlink; using its name as a dependency anyway.`);
        else if (st?.kind !== 'symlink') { warnings.push(`${path}: not a symlink, ignoring.`); continue; }
        else if (normalizePath(this.fs.readlink(path) ?? '') === '/dev/null') continue;
        names.add(entry);
      }
    }
    return { names: [...names], warnings };
  }
}

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
