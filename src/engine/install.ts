// enable / disable / reenable / mask / unmask / preset as pure plans (04 §10): the symlinks to
// create and remove in the configuration directory, computed from [Install] through the
// read-only FileSystem port. The daemon applies a plan (daemon/install-files.ts); nothing here writes.
import type { UnitFileChange, UnitFilesOp, UnitFilesReply } from './api.ts';
import { fail, ok, type Result } from './errors.ts';
import { hasInstallRules } from './install-info.ts';
import { locate, readPresetRules, presetVerdict, runtimeConfigDir, type InstallEnv, type PresetRule } from './install-state.ts';
import type { UnitName } from './types.ts';
import { normalizePath } from './unit-file/search.ts';
import { parseUnitName, withInstance } from './unit-name.ts';

const join = (dir: string, name: string): string => `${dir === '/' ? '' : dir}/${name}`;
const LINK_DIR = /\.(wants|requires|upholds)$/;
const failWith = (message: string): Result<never> => fail('InvalidArgs', [message]);

/** The changes so far, and the file system as it will look after them. */
class Plan {
  readonly changes: UnitFileChange[] = [];
  noInstallInfo = false;
  /** --force: a conflicting symlink is replaced (regular files never are). */
  force = false;
  private readonly env: InstallEnv;
  /** Planned state of a path: a new link target, or null when it is removed. */
  private readonly planned = new Map<string, string | null>();

  constructor(env: InstallEnv) {
    this.env = env;
  }

  /** The link target at `path` (null: none), or 'file' for anything that is not a symlink. */
  existing(path: string): string | null | { kind: 'file' } {
    if (this.planned.has(path)) return this.planned.get(path)!;
    const st = this.env.index.fs.lstat(path);
    if (!st) return null;
    if (st.kind !== 'symlink') return { kind: 'file' };
    return this.env.index.fs.readlink(path);
  }

  /** A mask at `path`: a symlink to /dev/null, as planned so far. */
  isMasked(path: string): boolean {
    const now = this.existing(path);
    return typeof now === 'string' && normalizePath(now) === '/dev/null';
  }

  /** `o.force`: replace a different symlink even without --force (.wants/ links, install.c). */
  link(verb: string, path: string, target: string, o: { force?: boolean } = {}): Result<void> {
    const now = this.existing(path);
    if (typeof now === 'string') {
      if (normalizePath(now) === normalizePath(target)) return ok(undefined);
      if (this.force || o.force) {
        this.unlink(path);
        this.planned.set(path, target);
        this.changes.push({ type: 'symlink', path, source: target });
        return ok(undefined);
      }
      return failWith(`Failed to ${verb} unit, file "${path}" already exists and is a symlink to "${now}".`);
    }
    if (now !== null) return failWith(`Failed to ${verb} unit, file "${path}" already exists.`);
    this.planned.set(path, target);
    this.changes.push({ type: 'symlink', path, source: target });
    return ok(undefined);
  }

  /** Like link, but a conflict becomes an `error` change and the plan goes on (systemd enables what it can). */
  linkOrRecord(verb: string, path: string, target: string, o: { force?: boolean } = {}): void {
    const r = this.link(verb, path, target, o);
    if (!r.ok) this.changes.push({ type: 'error', path, source: r.error.message });
  }

  unlink(path: string): void {
    if (this.planned.get(path) === null) return;
    this.planned.set(path, null);
    this.changes.push({ type: 'unlink', path, source: '' });
  }

  note(change: UnitFileChange): void {
    this.changes.push(change);
  }
}

// ---- enable ----

function enableOne(env: InstallEnv, plan: Plan, verb: string, name: UnitName, seen: Set<UnitName>): Result<void> {
  const p = parseUnitName(name);
  if (!p) return failWith(`Failed to ${verb} unit, "${name}" is not a valid unit name.`);
  const loc = locate(env, name);
  if (loc.kind === 'missing') return failWith(`Failed to ${verb} unit, unit ${name} does not exist.`);
  if (loc.kind === 'masked') return failWith(`Failed to ${verb} unit, unit ${loc.at} is masked.`);
  const { info, path } = loc;
  if (!hasInstallRules(info, { template: p.kind === 'template' })) plan.noInstallInfo = true;
  if (info.unresolved.length > 0) return failWith(`Failed to ${verb} unit, cannot resolve specifiers in "${info.unresolved[0]}".`);
  const linkName = p.kind === 'template' && info.defaultInstance !== null ? withInstance(name, info.defaultInstance) ?? name : name;
  const instance = parseUnitName(linkName)?.kind === 'instance' ? parseUnitName(linkName)!.instance : null;
  for (const alias of info.alias) {
    const a = parseUnitName(alias);
    if (!a || a.type !== p.type) return failWith(`Failed to ${verb} unit, cannot alias ${name} as ${alias}.`);
    plan.linkOrRecord(verb, join(env.configDir, alias), path);
  }
  const groups = [[info.wantedBy, '.wants'], [info.requiredBy, '.requires'], [info.upheldBy, '.upholds']] as const;
  for (const [targets, suffix] of groups) {
    for (const raw of targets) {
      const t = parseUnitName(raw);
      if (!t) return failWith(`Failed to ${verb} unit, invalid unit reference "${raw}".`);
      if (parseUnitName(linkName)?.kind === 'template' && t.kind !== 'template') {
        return failWith(`Failed to ${verb} ${name}, destination unit ${raw} is a non-template unit.`);
      }
      const target = t.kind === 'template' && instance !== null ? withInstance(raw, instance)! : raw;
      plan.linkOrRecord(verb, join(join(env.configDir, `${target}${suffix}`), linkName), path, { force: true });
      if (!env.index.fragmentFor(target)) plan.note({ type: 'destination-not-present', path, source: target });
    }
  }
  for (const also of info.also) {
    if (seen.has(also)) continue;
    seen.add(also);
    const r = enableOne(env, plan, verb, also, seen);
    if (!r.ok) return r;
  }
  return ok(undefined);
}

function enableAll(env: InstallEnv, plan: Plan, verb: string, names: readonly UnitName[]): Result<void> {
  const seen = new Set(names);
  for (const name of names) {
    const r = enableOne(env, plan, verb, name, seen);
    if (!r.ok) return r;
  }
  return ok(undefined);
}

// ---- disable ----

/** What disable removes for one unit: links named like it (or its instances), aliases, links to its file. */
interface Victim { readonly name: UnitName; readonly path: string; readonly aliases: readonly UnitName[] }

function collectVictims(env: InstallEnv, plan: Plan, verb: string, names: readonly UnitName[]): Result<Victim[]> {
  const out: Victim[] = [];
  const seen = new Set<UnitName>();
  const work = [...names];
  while (work.length > 0) {
    const name = work.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    if (!parseUnitName(name)) return failWith(`Failed to ${verb} unit, "${name}" is not a valid unit name.`);
    const loc = locate(env, name);
    if (loc.kind === 'missing') { plan.note({ type: 'message', path: '', source: `Failed to ${verb} unit, unit ${name} does not exist.` }); continue; }
    if (loc.kind === 'masked') continue;
    out.push({ name, path: loc.path, aliases: loc.info.alias });
    work.push(...loc.info.also);
  }
  return ok(out);
}

function linksTo(v: Victim, entry: string, target: string | null): boolean {
  if (entry === v.name) return true;
  const p = parseUnitName(v.name);
  const e = parseUnitName(entry);
  if (p?.kind === 'template' && e?.kind === 'instance') return e.prefix === p.prefix && e.type === p.type;
  // An instance only owns links with its own name; other instances share the template's file.
  return p?.kind === 'plain' && target !== null && normalizePath(target) === v.path;
}

function removeLinks(env: InstallEnv, plan: Plan, victims: readonly Victim[]): void {
  const fs = env.index.fs;
  const entries = [...(fs.readdir(env.configDir) ?? [])].sort();
  for (const sub of entries.filter((e) => LINK_DIR.test(e))) {
    const dir = join(env.configDir, sub);
    for (const entry of [...(fs.readdir(dir) ?? [])].sort()) {
      const target = plan.existing(join(dir, entry));
      if (typeof target !== 'string') continue;
      if (victims.some((v) => linksTo(v, entry, target))) plan.unlink(join(dir, entry));
    }
  }
  for (const entry of entries.filter((e) => !LINK_DIR.test(e))) {
    const target = plan.existing(join(env.configDir, entry));
    if (typeof target !== 'string' || normalizePath(target) === '/dev/null') continue;
    const hit = victims.some((v) => v.aliases.includes(entry) || (entry !== v.name && normalizePath(target) === v.path));
    if (hit) plan.unlink(join(env.configDir, entry));
  }
}

function disableAll(env: InstallEnv, plan: Plan, verb: string, names: readonly UnitName[]): Result<void> {
  const victims = collectVictims(env, plan, verb, names);
  if (!victims.ok) return victims;
  removeLinks(env, plan, victims.value);
  return ok(undefined);
}

// ---- mask, unmask, preset ----

function maskAll(env: InstallEnv, plan: Plan, names: readonly UnitName[]): Result<void> {
  for (const name of names) {
    if (!parseUnitName(name)) return failWith(`Failed to mask unit, "${name}" is not a valid unit name.`);
    const path = join(env.configDir, name);
    if (plan.isMasked(path)) continue;
    // A unit file in the way is reported in its place; the other names are still masked (systemctl 252).
    plan.linkOrRecord('mask', path, '/dev/null');
  }
  return ok(undefined);
}

function unmaskAll(env: InstallEnv, plan: Plan, names: readonly UnitName[]): Result<void> {
  for (const name of names) {
    if (!parseUnitName(name)) return failWith(`Failed to unmask unit, "${name}" is not a valid unit name.`);
    const path = join(env.configDir, name);
    if (plan.isMasked(path)) plan.unlink(path);
  }
  return ok(undefined);
}

// ---- link: a unit file from outside the search path, linked into the configuration directory ----

const basename = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

function linkAll(env: InstallEnv, plan: Plan, files: readonly string[]): Result<void> {
  for (const file of files) {
    if (!file.startsWith('/')) return failWith(`Failed to link unit, "${file}" is not an absolute path.`);
    const path = normalizePath(file);
    const name = basename(path);
    if (!parseUnitName(name)) return failWith(`Failed to link unit, "${file}" is not a valid unit name.`);
    const st = env.index.fs.lstat(path);
    if (!st) return failWith(`Failed to link unit, unit ${path} does not exist.`);
    if (st.kind === 'dir') return failWith(`Failed to link unit, file "${path}": Is a directory`);
    if (st.kind === 'symlink') return failWith(`Failed to link unit, refusing to operate on linked unit file ${path}.`);
    const r = plan.link('link', join(env.configDir, name), path);
    if (!r.ok) return r;
  }
  return ok(undefined);
}

export type PresetMode = 'full' | 'enable-only' | 'disable-only';

function presetAll(env: InstallEnv, plan: Plan, names: readonly UnitName[], mode: PresetMode): Result<void> {
  const rules: PresetRule[] = readPresetRules(env);
  const enable = names.filter((n) => presetVerdict(rules, n) === 'enable');
  const disable = names.filter((n) => presetVerdict(rules, n) === 'disable');
  if (mode !== 'enable-only') {
    const r = disableAll(env, plan, 'preset', disable);
    if (!r.ok) return r;
  }
  if (mode !== 'disable-only') {
    const r = enableAll(env, plan, 'preset', enable);
    if (!r.ok) return r;
  }
  // A preset of a unit without [Install] is not an error and gets no notice.
  plan.noInstallInfo = false;
  return ok(undefined);
}

export interface PlanOptions {
  readonly presetMode?: PresetMode;
  /** --runtime: work in the runtime configuration directory (install-state.ts runtimeConfigDir). */
  readonly runtime?: boolean;
  /** --force: replace conflicting symlinks. */
  readonly force?: boolean;
}

/**
 * Computes what `op` changes for `names` (for `link`: absolute file paths); the plan is applied
 * in order by the daemon.
 */
export function planUnitFiles(base: InstallEnv, op: UnitFilesOp, names: readonly UnitName[], options: PlanOptions = {}): Result<UnitFilesReply> {
  const env = options.runtime ? { ...base, configDir: runtimeConfigDir(base) } : base;
  const plan = new Plan(env);
  plan.force = options.force ?? false;
  const OPS: Readonly<Record<UnitFilesOp, () => Result<void>>> = {
    enable: () => enableAll(env, plan, 'enable', names),
    disable: () => disableAll(env, plan, 'disable', names),
    reenable: () => {
      const r = disableAll(env, plan, 'reenable', names);
      return r.ok ? enableAll(env, plan, 'reenable', names) : r;
    },
    mask: () => maskAll(env, plan, names),
    unmask: () => unmaskAll(env, plan, names),
    preset: () => presetAll(env, plan, names, options.presetMode ?? 'full'),
    link: () => linkAll(env, plan, names),
  };
  const r = OPS[op]();
  if (!r.ok) return r;
  return ok({ changes: plan.changes, noInstallInfo: plan.noInstallInfo });
}
