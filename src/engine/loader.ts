// Loading units into the engine: name → LoadedUnit (unit-file/load.ts) → Unit with the right
// type ops, dependencies into the graph (loading every referenced unit, as systemd's load queue
// does), and target member ordering (01 §8.2). Also daemon-reload with its change report.
import type { ReloadReport } from './api.ts';
import { DependencyGraph } from './deps.ts';
import type { EngineState } from './engine-state.ts';
import { makeError, ok, type Result, type UnitdError } from './errors.ts';
import { DECLARED_DEP_KINDS, type LoadedUnit } from './unit-file/config.ts';
import { loadUnit, SOURCE_DIR_SUFFIXES } from './unit-file/load.ts';
import { validateUnitName } from './unit-name.ts';
import type { UnitName, UnitType } from './types.ts';
import { Unit } from './unit.ts';
import { isInactiveOrFailed } from './states.ts';
import type { UnitTypeOps } from './unit-types/index.ts';
import { unitContext } from './unit-context.ts';
import { primeLinks } from './unit-links.ts';
import { serviceType } from './unit-types/service.ts';
import { socketType } from './unit-types/socket.ts';
import { stubType } from './unit-types/stub.ts';
import { targetType } from './unit-types/target.ts';
import { timerType } from './unit-types/timer.ts';

/** Unit type → its state machine; types unitd does not run yet load as inert stubs. */
const TYPE_OPS: Partial<Record<UnitType, UnitTypeOps<unknown>>> = {
  service: serviceType as UnitTypeOps<unknown>,
  socket: socketType as UnitTypeOps<unknown>,
  target: targetType as UnitTypeOps<unknown>,
  timer: timerType as UnitTypeOps<unknown>,
};

function opsFor(config: LoadedUnit): UnitTypeOps<unknown> {
  if (config.loadState !== 'loaded') return stubType as UnitTypeOps<unknown>;
  return TYPE_OPS[config.type] ?? (stubType as UnitTypeOps<unknown>);
}

/** The error a start-like request for this unit fails with (01 §2), or null when loaded. */
export function loadError(u: Unit): UnitdError | null {
  switch (u.loadState) {
    case 'loaded': return null;
    case 'not-found': return makeError('NoSuchUnit', [u.id]);
    case 'masked': return makeError('UnitMasked', [u.id]);
    case 'bad-setting': return makeError('BadUnitSetting', [u.id]);
    case 'error': return makeError('UnitLoadError', [u.id, u.config.loadError?.message ?? 'Invalid argument']);
    default: return makeError('LoadFailed', [u.id]);
  }
}

/**
 * Returns the unit for `name`, loading it (and everything it references) on first use. A
 * not-found unit is retried when the search path changed since the last scan, so a unit file
 * created after start-up is found without daemon-reload (04 §11).
 */
export function resolveUnit(s: EngineState, name: string): Result<Unit> {
  const valid = validateUnitName(name);
  if (!valid.ok) return valid;
  const known = s.units.get(name);
  if (known && known.loadState !== 'not-found') return ok(known);
  if (known && !s.index.isStale()) return ok(known);
  if (s.index.isStale()) s.index.rescan();
  if (known) {
    const fresh = loadUnit(s.index, name, s.ports.host);
    if (fresh.loadState === 'not-found') return ok(known);
    reportDiagnostics(s, fresh);
    replaceConfig(s, known, fresh);
    linkUnits(s, [known]);
    return ok(known);
  }
  return ok(loadClosure(s, name));
}

/** Loads `name` and, through a worklist, every unit its dependencies name. */
function loadClosure(s: EngineState, name: UnitName): Unit {
  const fresh: Unit[] = [];
  const first = loadOne(s, name, fresh);
  linkUnits(s, fresh);
  return first;
}

function loadOne(s: EngineState, name: UnitName, fresh: Unit[]): Unit {
  const existing = s.units.get(name);
  if (existing) return existing;
  const config = loadUnit(s.index, name, s.ports.host);
  const byId = s.units.get(config.id);
  if (!byId) reportDiagnostics(s, config);
  if (byId) {
    byId.names.add(name);
    s.units.set(name, byId);
    return byId;
  }
  const unit = new Unit(config, opsFor(config));
  for (const n of unit.names) if (!s.units.has(n)) s.units.set(n, unit);
  s.units.set(name, unit);
  fresh.push(unit);
  return unit;
}

/** Adds the graph edges of freshly loaded units, loading their targets breadth-first. */
function linkUnits(s: EngineState, fresh: Unit[]): void {
  for (let i = 0; i < fresh.length; i++) {
    const u = fresh[i]!;
    addEdges(s, u, fresh);
  }
  for (const u of fresh) orderTargetMembers(s, u);
  primeLinks(s, fresh);
}

function addEdges(s: EngineState, u: Unit, fresh: Unit[]): void {
  for (const kind of DECLARED_DEP_KINDS) {
    for (const name of u.config.deps[kind] ?? []) {
      if (!validateUnitName(name).ok) continue;
      const other = loadOne(s, name, fresh);
      if (!s.graph.add(u.id, kind, other.id) && kind !== 'JoinsNamespaceOf') {
        if (['Before', 'After', 'Conflicts', 'Triggers'].includes(kind)) {
          s.ports.events.emit({ kind: 'Log', level: 'warning', unit: u.id, message: `Dependency ${kind}=${name} is dropped, it refers to the unit itself.` });
        }
      }
    }
  }
}

/** 01 §8.2: a target with default dependencies is ordered after its members. */
function orderTargetMembers(s: EngineState, u: Unit): void {
  const pairs: [Unit, Unit][] = [];
  if (u.type === 'target') {
    for (const m of s.graph.withAtom(u.id, 'target-order-member')) pairs.push([u, s.units.get(m)!]);
  }
  for (const t of s.graph.withAtom(u.id, 'target-order-owner')) {
    const target = s.units.get(t);
    if (target?.type === 'target') pairs.push([target, u]);
  }
  for (const [target, member] of pairs) {
    if (!member || !target.isLoaded || !member.isLoaded) continue;
    if (!target.config.settings.defaultDependencies || !member.config.settings.defaultDependencies) continue;
    if (s.graph.has(target.id, 'Before', member.id)) continue;
    s.graph.add(target.id, 'After', member.id);
  }
}

function replaceConfig(s: EngineState, u: Unit, config: LoadedUnit): void {
  const wasLoaded = u.isLoaded;
  u.config = config;
  for (const n of config.names) {
    u.names.add(n);
    if (!s.units.has(n)) s.units.set(n, u);
  }
  // A unit changes its state machine only while inactive: gaining a configuration, or losing
  // it (removed file, now bad) so that it shows the new load state instead of stale runtime.
  if (wasLoaded !== (config.loadState === 'loaded')) {
    u.ops = opsFor(config);
    u.runtime = u.ops.init(u);
  }
}

/**
 * Units whose file vanished (or broke) while they were running keep their old configuration
 * until they are inactive; then they take the new load state (not-found, 04 §11).
 */
export function retireRemovedUnits(s: EngineState, pending: Set<Unit>): void {
  for (const u of pending) {
    if (!isInactiveOrFailed(u.activeState) || u.job || u.nopJob) continue;
    pending.delete(u);
    const after = loadUnit(s.index, u.id, s.ports.host);
    if (after.loadState === 'loaded') continue; // the file came back; daemon-reload will pick it up
    replaceConfig(s, u, after);
    s.ports.events.emit({ kind: 'Log', level: 'info', unit: u.id, message: `Unit file of ${u.id} is gone; unit is now ${after.loadState}.` });
  }
}

/** Logs a unit's load warnings and errors once per load, with file:line (04 §5.3, §9). */
function reportDiagnostics(s: EngineState, config: LoadedUnit): void {
  for (const d of config.diagnostics) {
    const where = d.line > 0 ? `${d.file}:${d.line}: ` : `${d.file}: `;
    s.ports.events.emit({ kind: 'Log', level: d.severity === 'error' ? 'error' : 'warning', unit: config.id, message: `${where}${d.message}` });
  }
}

/** True when a file or drop-in/link directory behind the unit's configuration changed on disk since it was loaded. */
export function needsDaemonReload(s: EngineState, u: Unit): boolean {
  for (const { path, mtimeUsec: mtime } of u.config.sourceMtimes) {
    const st = s.ports.fs.stat(path);
    if (!st || st.mtimeUsec !== mtime) return true;
  }
  // A drop-in or .wants/.requires link added or removed changes its directory; a directory
  // that appeared counts once it holds something.
  const dirs = u.config.sourceDirs;
  if (!dirs) return false;
  for (const { path, mtimeUsec } of dirs) if (s.ports.fs.stat(path)?.mtimeUsec !== mtimeUsec) return true;
  const aliases = u.config.names.filter((n) => n !== u.id);
  for (const suffix of SOURCE_DIR_SUFFIXES) {
    for (const { path } of s.index.possibleDirs(u.id, aliases, suffix)) {
      if (dirs.some((d) => d.path === path)) continue;
      if (s.ports.fs.stat(path) !== null && (s.ports.fs.readdir(path)?.length ?? 0) > 0) return true;
    }
  }
  return false;
}

/**
 * daemon-reload (04 §11): new configuration for every unit, runtime state untouched. Units
 * whose file vanished while active go to `retiring`, to become not-found once inactive.
 */
export function reloadAll(s: EngineState, retiring?: Set<Unit>): ReloadReport {
  s.index.rescan();
  const units = [...new Set(s.units.values())];
  const added: UnitName[] = [];
  const removed: UnitName[] = [];
  const changed: { unit: UnitName; keys: string[] }[] = [];
  const needRestart: UnitName[] = [];
  const dependenciesChanged: UnitName[] = [];
  s.graph = new DependencyGraph();
  for (const u of units) {
    const before = u.config;
    const after = loadUnit(s.index, u.id, s.ports.host);
    if (JSON.stringify(after.diagnostics) !== JSON.stringify(before.diagnostics)) reportDiagnostics(s, after);
    const busy = !isInactiveOrFailed(u.activeState) || u.job !== null;
    if (after.loadState !== 'loaded' && u.isLoaded && busy) {
      needRestart.push(u.id);
      if (after.loadState === 'not-found') removed.push(u.id);
      retiring?.add(u);
      continue; // a running unit whose file vanished keeps what it runs with
    }
    if (before.loadState !== 'loaded' && after.loadState === 'loaded') added.push(u.id);
    else if (before.loadState === 'loaded' && after.loadState !== 'loaded') removed.push(u.id);
    else {
      const keys = changedKeys(before, after);
      if (keys.length > 0) {
        changed.push({ unit: u.id, keys });
        if (keys.some((k) => k.startsWith('deps.'))) dependenciesChanged.push(u.id);
        if (u.activeState !== 'inactive' && u.activeState !== 'failed') needRestart.push(u.id);
      }
    }
    replaceConfig(s, u, after);
  }
  linkUnits(s, units);
  const ctx = unitContext(s);
  for (const u of units) u.ops.reloaded?.(ctx, u, u.runtime);
  for (const u of units) for (const [kind, to] of u.ops.runtimeDeps?.(u.runtime) ?? []) s.graph.add(u.id, kind, to);
  return { added, removed, changed, needRestart, dependenciesChanged };
}

function changedKeys(a: LoadedUnit, b: LoadedUnit): string[] {
  const keys: string[] = [];
  for (const part of ['settings', 'deps', 'service', 'socket', 'timer', 'install'] as const) {
    const x = a[part] as Record<string, unknown> | null;
    const y = b[part] as Record<string, unknown> | null;
    for (const k of new Set([...Object.keys(x ?? {}), ...Object.keys(y ?? {})])) {
      if (JSON.stringify(x?.[k]) !== JSON.stringify(y?.[k])) keys.push(`${part}.${k}`);
    }
  }
  return keys;
}

