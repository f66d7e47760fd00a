// UnitFileState and UnitFilePreset for show and status: install-state.ts's computation over one
// snapshot of the search path, reused while the directories it read (search, enablement-link
// and preset directories), the preset files and the unit's own file keep their mtimes.
import type { EngineState } from './engine-state.ts';
import { DEFAULT_PRESET_DIRS, enablementDirs, isLinkDir, presetVerdict, readPresetRules, unitFileStateOf, type InstallEnv, type PresetRule } from './install-state.ts';
import type { UnitName } from './types.ts';
import type { Unit } from './unit.ts';
import { normalizePath, UnitFileIndex } from './unit-file/search.ts';

interface Snapshot {
  readonly key: string;
  readonly env: InstallEnv;
  readonly rules: PresetRule[];
  /** Name → state, with the mtime of the file it was computed from. */
  readonly states: Map<UnitName, { readonly mtime: number; readonly state: string }>;
}

const snapshots = new WeakMap<EngineState, Snapshot>();
const join = (dir: string, name: string): string => `${dir === '/' ? '' : dir}/${name}`;
const basename = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** A few stats and one readdir per configuration directory: what decides whether the snapshot is current. */
function fingerprint(s: EngineState, configDir: string, searchPath: readonly string[]): string {
  const fs = s.ports.fs;
  const parts: string[] = [];
  for (const d of [...searchPath, ...DEFAULT_PRESET_DIRS]) parts.push(`${d}=${fs.stat(d)?.mtimeUsec ?? -1}`);
  // A preset file edited in place leaves its directory's mtime alone: its own mtime and size count.
  for (const d of DEFAULT_PRESET_DIRS) {
    for (const f of fs.readdir(d) ?? []) {
      if (!f.endsWith('.preset')) continue;
      const st = fs.stat(join(d, f));
      parts.push(`${d}/${f}=${st?.mtimeUsec ?? -1}:${st?.size ?? -1}`);
    }
  }
  for (const { dir } of enablementDirs(configDir, searchPath)) {
    for (const sub of fs.readdir(dir) ?? []) if (isLinkDir(sub)) parts.push(`${sub}=${fs.stat(join(dir, sub))?.mtimeUsec ?? -1}`);
  }
  return parts.join('\n');
}

function snapshot(s: EngineState): Snapshot {
  const searchPath = s.unitPath.map(normalizePath);
  const configDir = searchPath[0] ?? '/etc/systemd/system';
  const key = fingerprint(s, configDir, searchPath);
  const known = snapshots.get(s);
  if (known && known.key === key) return known;
  const env: InstallEnv = { index: new UnitFileIndex(s.unitPath, s.ports.fs), configDir, host: s.ports.host, presetDirs: DEFAULT_PRESET_DIRS };
  const fresh: Snapshot = { key, env, rules: readPresetRules(env), states: new Map() };
  snapshots.set(s, fresh);
  return fresh;
}

/** The name systemd asks about: the fragment's file name (a template for its instances), else the id. */
function fileName(u: Unit): UnitName | null {
  if (u.config.fragmentPath) return basename(u.config.fragmentPath);
  return u.loadState === 'masked' ? u.id : null;
}

/** UnitFileState (04 §10): enabled, enabled-runtime, alias, masked, linked, static, indirect, disabled, bad; '' without a file. */
export function cachedUnitFileState(s: EngineState, u: Unit): string {
  const name = fileName(u);
  if (name === null) return '';
  const snap = snapshot(s);
  const mtime = u.config.fragmentPath ? (s.ports.fs.stat(u.config.fragmentPath)?.mtimeUsec ?? -1) : -1;
  const memo = snap.states.get(name);
  if (memo && memo.mtime === mtime) return memo.state;
  const r = unitFileStateOf(snap.env, name);
  const state = r.ok ? r.value : '';
  snap.states.set(name, { mtime, state });
  return state;
}

/** UnitFilePreset: what the preset files say for the unit's file name, as `enabled`/`disabled`. */
export function cachedUnitFilePreset(s: EngineState, u: Unit): string {
  const name = fileName(u);
  return name === null ? '' : `${presetVerdict(snapshot(s).rules, name)}d`;
}
