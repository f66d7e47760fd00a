// One unit name → LoadedUnit (04 §2.1): find the fragment, parse it and its drop-ins through the
// schema, build the typed config, verify it, and add default and implicit dependencies (01 §8).
import type { HostInfo } from '../ports.ts';
import type { UnitName, UnitType } from '../types.ts';
import { parseUnitName } from '../unit-name.ts';
import * as B from './build.ts';
import { DECLARED_DEP_KINDS, type DeclaredDepKind, type LoadDiagnostic, type LoadedUnit, type SourceStamp } from './config.ts';
import { lexUnitFile } from './lexer.ts';
import { applyAssignment, lookupKey, SECTIONS_BY_TYPE, SettingStore } from './schema.ts';
import type { Assignment } from './lexer.ts';
import type { UnitFileIndex } from './search.ts';
import type { SpecifierContext } from './specifiers.ts';

type Deps = Map<DeclaredDepKind, UnitName[]>;

interface Parsed {
  readonly store: SettingStore;
  readonly diagnostics: LoadDiagnostic[];
  bad: boolean;
  error: boolean;
}

/** A unit record with every setting at its default (not-found, masked, error). */
function baseUnit(id: UnitName, names: readonly UnitName[], type: UnitType): LoadedUnit {
  const store = new SettingStore();
  return {
    id, names, type, loadState: 'not-found', loadError: null, fragmentPath: null, dropInPaths: [], sourceMtimes: [],
    settings: B.buildSettings(store, id), deps: {}, service: null, socket: null, timer: null,
    install: B.buildInstall(store), diagnostics: [],
  };
}

const LOAD_ERRORS = {
  'not-found': (id: string) => ({ name: 'org.freedesktop.systemd1.NoSuchUnit', message: `Unit ${id} not found.` }),
  masked: (id: string) => ({ name: 'org.freedesktop.systemd1.UnitMasked', message: `Unit ${id} is masked.` }),
  'bad-setting': (id: string) => ({ name: 'org.freedesktop.systemd1.BadUnitSetting', message: `Unit ${id} has a bad unit file setting.` }),
  error: () => ({ name: 'System.Error.EBADMSG', message: 'Bad message' }),
  unsupported: () => ({ name: 'System.Error.EOPNOTSUPP', message: 'Operation not supported' }),
} as const;

/**
 * Keys the schema accepts but unitd does not act upon (sandboxing, cgroups …) get one warning per
 * file, at the first one's line, instead of one each: a Debian unit often has a dozen of them.
 */
function ignoredSettingsWarning(ignored: readonly Assignment[]): LoadDiagnostic | null {
  const first = ignored[0];
  if (!first) return null;
  const others = new Set(ignored.map((a) => a.key));
  others.delete(first.key);
  const rest = others.size === 0 ? '' : ` (and ${others.size} other unsupported setting${others.size === 1 ? '' : 's'} in this file)`;
  return { file: first.file, line: first.line, severity: 'warning', message: `Setting '${first.key}=' is not supported by unitd in containers, ignoring${rest}.` };
}

/** Parses one file into the store; stops at the file's first fatal error, as systemd does. */
function parseFile(p: Parsed, text: string, file: string, type: UnitType, spec: SpecifierContext): void {
  const lexed = lexUnitFile(text, file);
  p.diagnostics.push(...lexed.diagnostics);
  const valid = SECTIONS_BY_TYPE[type] ?? [];
  for (const s of lexed.sections) {
    if (!valid.includes(s.name) && !s.name.startsWith('X-')) p.diagnostics.push({ file, line: s.line, severity: 'warning', message: `Unknown section '${s.name}'. Ignoring.` });
  }
  const ignored: Assignment[] = [];
  for (const a of lexed.assignments) {
    if (!valid.includes(a.section)) continue;
    if (lookupKey(a.section, a.key)?.kind === 'ignored') ignored.push(a);
    const r = applyAssignment(p.store, a, spec);
    p.diagnostics.push(...r.diagnostics);
    if (r.fatal) { p.bad = true; break; }
  }
  const warning = ignoredSettingsWarning(ignored);
  if (warning) p.diagnostics.push(warning);
  if (lexed.fatal) { p.diagnostics.push(lexed.fatal); p.error = true; }
}

export function loadUnit(index: UnitFileIndex, name: UnitName, host: HostInfo): LoadedUnit {
  const parsedName = parseUnitName(name);
  const type: UnitType = parsedName?.type ?? 'service';
  const fragment = parsedName?.kind === 'template' ? null : index.fragmentFor(name);
  if (!fragment) return { ...baseUnit(name, [name], type), loadError: LOAD_ERRORS['not-found'](name) };
  const id = fragment.id;
  const aliases = index.aliasesOf(id);
  const names = [...new Set([id, name, ...aliases])];
  const base = baseUnit(id, names, type);
  const fs = index.fs;
  const text = fragment.path === null ? '' : fs.readFile(fragment.path);
  if (text === null) return { ...base, loadError: LOAD_ERRORS['not-found'](id) };
  const sourceMtimes: SourceStamp<number>[] = [];
  if (fragment.path !== null) sourceMtimes.push({ path: fragment.path, mtimeUsec: fs.stat(fragment.path)?.mtimeUsec ?? 0 });
  const located = { ...base, fragmentPath: fragment.masked ? null : fragment.path, sourceMtimes };
  if (fragment.masked || text === '') return { ...located, fragmentPath: fragment.path, loadState: 'masked', loadError: LOAD_ERRORS.masked(id) };
  if (!SECTIONS_BY_TYPE[type]) return { ...located, loadState: 'error', loadError: LOAD_ERRORS.unsupported() };

  const spec: SpecifierContext = { id, fragmentPath: fragment.path, host };
  const p: Parsed = { store: new SettingStore(), diagnostics: [], bad: false, error: false };
  parseFile(p, text, fragment.path!, type, spec);
  const dropInPaths = index.dropInPaths(id, aliases);
  for (const path of dropInPaths) {
    sourceMtimes.push({ path, mtimeUsec: fs.stat(path)?.mtimeUsec ?? 0 });
    parseFile(p, fs.readFile(path) ?? '', path, type, spec);
  }
  const withFiles = { ...located, dropInPaths, sourceDirs: sourceDirMtimes(index, id, aliases), diagnostics: p.diagnostics };
  if (p.error) return { ...withFiles, loadState: 'error', loadError: LOAD_ERRORS.error() };
  return buildLoaded(withFiles, p, index);
}

/** The directories a unit's drop-ins and .wants/.requires links may live in (unit-file/search.ts). */
export const SOURCE_DIR_SUFFIXES = ['.d', '.wants', '.requires'] as const;

/** The unit's existing drop-in and link directories with their mtimes, for NeedDaemonReload. */
function sourceDirMtimes(index: UnitFileIndex, id: UnitName, aliases: readonly UnitName[]): SourceStamp<number>[] {
  const out: SourceStamp<number>[] = [];
  for (const suffix of SOURCE_DIR_SUFFIXES) {
    for (const { path, exists } of index.possibleDirs(id, aliases, suffix)) {
      const mtimeUsec = exists ? index.fs.stat(path)?.mtimeUsec : undefined;
      if (mtimeUsec !== undefined) out.push({ path, mtimeUsec });
    }
  }
  return out;
}

/** Typed config, verification and dependencies for a unit whose files parsed. */
function buildLoaded(u: LoadedUnit, p: Parsed, index: UnitFileIndex): LoadedUnit {
  const s = p.store;
  const settings = B.buildSettings(s, u.id);
  const service = u.type === 'service' ? B.buildService(s) : null;
  const socket = u.type === 'socket' ? B.buildSocket(s, u.id) : null;
  const timer = u.type === 'timer' ? B.buildTimer(s, u.id) : null;
  // A fatal setting already stopped parsing; systemd does not verify such a unit any further.
  const refusal = p.bad ? null : (service && B.verifyService(service, s, settings.successAction))
    ?? (socket && B.verifySocket(socket, s)) ?? (timer && B.verifyTimer(timer, s)) ?? null;
  const diagnostics = [...p.diagnostics];
  if (refusal) diagnostics.push({ file: u.fragmentPath ?? u.id, line: 0, severity: 'error', message: `${u.id}: ${refusal}` });
  const deps = collectDeps(u, s, index, diagnostics);
  addImplicitDeps(deps, u, settings.defaultDependencies, socket?.service ?? timer?.unit ?? null, (timer?.onCalendar.length ?? 0) > 0);
  const bad = p.bad || refusal !== null;
  return {
    ...u, loadState: bad ? 'bad-setting' : 'loaded', loadError: bad ? LOAD_ERRORS['bad-setting'](u.id) : null,
    settings, service, socket, timer, install: B.buildInstall(s), diagnostics, deps: depsRecord(deps),
  };
}

const addDep = (deps: Deps, kind: DeclaredDepKind, name: UnitName): void => {
  const list = deps.get(kind);
  if (!list) deps.set(kind, [name]);
  else if (!list.includes(name)) list.push(name);
};

function collectDeps(u: LoadedUnit, s: SettingStore, index: UnitFileIndex, diagnostics: LoadDiagnostic[]): Deps {
  const deps: Deps = new Map();
  for (const kind of DECLARED_DEP_KINDS) for (const n of s.list<UnitName>(kind)) addDep(deps, kind, n);
  for (const n of s.list<UnitName>('Sockets')) { addDep(deps, 'Wants', n); addDep(deps, 'After', n); addDep(deps, 'TriggeredBy', n); }
  const aliases = u.names.filter((n) => n !== u.id);
  for (const [dir, kind] of [['wants', 'Wants'], ['requires', 'Requires']] as const) {
    const found = index.dependencyEntries(u.id, aliases, dir);
    for (const n of found.names) if (parseUnitName(n)?.kind !== 'template') addDep(deps, kind, n);
    for (const w of found.warnings) diagnostics.push({ file: u.fragmentPath ?? u.id, line: 0, severity: 'warning', message: w });
  }
  return deps;
}

/** Default dependencies of the system manager (01 §8) and trigger edges (01 §8.1). */
const DEFAULT_DEPS: Readonly<Partial<Record<UnitType, readonly (readonly [DeclaredDepKind, UnitName])[]>>> = {
  service: [['Requires', 'sysinit.target'], ['After', 'sysinit.target'], ['After', 'basic.target'], ['Conflicts', 'shutdown.target'], ['Before', 'shutdown.target']],
  socket: [['Before', 'sockets.target'], ['Requires', 'sysinit.target'], ['After', 'sysinit.target'], ['Conflicts', 'shutdown.target'], ['Before', 'shutdown.target']],
  timer: [['Before', 'timers.target'], ['Requires', 'sysinit.target'], ['After', 'sysinit.target'], ['Conflicts', 'shutdown.target'], ['Before', 'shutdown.target']],
  target: [['Conflicts', 'shutdown.target'], ['Before', 'shutdown.target']],
};

function addImplicitDeps(deps: Deps, u: LoadedUnit, defaults: boolean, triggered: UnitName | null, calendar: boolean): void {
  if (triggered !== null) { addDep(deps, 'Before', triggered); addDep(deps, 'Triggers', triggered); }
  if (!defaults || u.id === 'shutdown.target') return;
  for (const [kind, name] of DEFAULT_DEPS[u.type] ?? []) addDep(deps, kind, name);
  if (calendar) { addDep(deps, 'After', 'time-sync.target'); addDep(deps, 'After', 'time-set.target'); }
}

function depsRecord(deps: Deps): Partial<Record<DeclaredDepKind, readonly UnitName[]>> {
  const out: Partial<Record<DeclaredDepKind, readonly UnitName[]>> = {};
  for (const [kind, names] of deps) out[kind] = names;
  return out;
}
