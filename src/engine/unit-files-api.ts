// The manager's unit-file requests (enable/disable/…/is-enabled/list-unit-files/cat) and its
// answer to the watcher's UnitFilesChanged input: functions over EngineState, so manager.ts
// only delegates. Install plans are computed against a fresh scan; the daemon applies them.
import type { ReloadReport, UnitFileEntry, UnitFilesFlags, UnitFilesOp, UnitFilesReply, UnitFileText } from './api.ts';
import type { EngineState } from './engine-state.ts';
import { fail, ok, type Result } from './errors.ts';
import { planUnitFiles, type PresetMode } from './install.ts';
import { DEFAULT_PRESET_DIRS, listUnitFiles, unitFileStateOf, type InstallEnv } from './install-state.ts';
import { needsDaemonReload, reloadAll, resolveUnit } from './loader.ts';
import type { UnitName } from './types.ts';
import { UnitFileIndex } from './unit-file/search.ts';
import { parseUnitName } from './unit-name.ts';
import { enqueueInternal } from './enqueue.ts';
import { isInactiveOrFailed } from './states.ts';
import { exclusiveReloaded } from './exclusive.ts';

/** What the manager does when the watcher reports changed unit files (off by default: 04 §11). */
export interface ReloadPolicy {
  /** Run daemon-reload by itself. */
  readonly autoReload: boolean;
  /** After such a reload, restart active units whose configuration changed. */
  readonly autoRestartChanged: boolean;
}

export function installEnv(s: EngineState): InstallEnv {
  return {
    index: new UnitFileIndex(s.unitPath, s.ports.fs), configDir: s.unitPath[0] ?? '/etc/systemd/system',
    host: s.ports.host, presetDirs: DEFAULT_PRESET_DIRS,
  };
}

/** Validates every name before any file is looked at. */
function checkNames(names: readonly string[]): Result<void> {
  for (const n of names) if (!parseUnitName(n)) return fail('InvalidArgs', [`Unit name ${n} is not valid.`]);
  return ok(undefined);
}

export function planUnitFileChanges(s: EngineState, op: UnitFilesOp, names: readonly string[], presetMode?: PresetMode, flags: UnitFilesFlags = {}): Result<UnitFilesReply> {
  // link takes file paths; install.ts checks their file names.
  const valid = op === 'link' ? ok(undefined) : checkNames(names);
  if (!valid.ok) return valid;
  return planUnitFiles(installEnv(s), op, names, { ...(presetMode ? { presetMode } : {}), ...flags });
}

export function unitFileStateFor(s: EngineState, name: string): Result<string> {
  return unitFileStateOf(installEnv(s), name);
}

export function unitFileList(s: EngineState): UnitFileEntry[] {
  return listUnitFiles(installEnv(s));
}

/** cat: the files the unit was loaded from, read as they are now. */
export function unitFileText(s: EngineState, name: string): Result<UnitFileText> {
  const r = resolveUnit(s, name);
  if (!r.ok) return r;
  const u = r.value;
  const masked = u.loadState === 'masked';
  const paths = masked || u.config.fragmentPath === null ? [] : [u.config.fragmentPath, ...u.config.dropInPaths];
  const files: { path: string; text: string }[] = [];
  for (const path of paths) {
    const text = s.ports.fs.readFile(path);
    if (text !== null) files.push({ path, text });
  }
  return ok({ unit: u.id, files, masked, needDaemonReload: needsDaemonReload(s, u) });
}

/**
 * The watcher saw changes. Loaded units whose files differ now need a daemon-reload; each is
 * reported once until the next reload. With policy.autoReload the reload runs here.
 */
export function unitFilesChanged(s: EngineState, reported: Set<UnitName>, policy: ReloadPolicy): void {
  const stale: UnitName[] = [];
  for (const u of new Set(s.units.values())) {
    if (u.config.fragmentPath === null && u.loadState !== 'masked') continue;
    if (!reported.has(u.id) && needsDaemonReload(s, u)) stale.push(u.id);
  }
  if (stale.length === 0) return;
  if (!policy.autoReload) {
    for (const id of stale) reported.add(id);
    s.ports.events.emit({ kind: 'UnitFilesChanged', changed: stale, report: null });
    return;
  }
  const report = reloadAll(s);
  exclusiveReloaded(s);
  reported.clear();
  s.ports.events.emit({ kind: 'UnitFilesChanged', changed: stale, report });
  if (policy.autoRestartChanged) restartChanged(s, report);
}

function restartChanged(s: EngineState, report: ReloadReport): void {
  for (const id of report.needRestart) {
    const u = s.units.get(id);
    if (!u || !u.isLoaded || isInactiveOrFailed(u.activeState)) continue;
    enqueueInternal(s, 'try-restart', u, 'replace', { kind: 'internal', reason: 'unit file changed (auto-restart-changed)' });
  }
}
