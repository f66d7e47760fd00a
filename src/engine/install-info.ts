// The [Install] section of a unit file and its drop-ins (04 §10, §12.3), read on its own: the
// manager ignores [Install] when loading, enable/disable/is-enabled read it straight from disk.
import type { HostInfo } from './ports.ts';
import type { InstallConfig } from './unit-file/config.ts';
import type { UnitName } from './types.ts';
import { lexUnitFile } from './unit-file/lexer.ts';
import type { UnitFileIndex } from './unit-file/search.ts';
import { expandSpecifiers } from './unit-file/specifiers.ts';
import { splitWords } from './unit-file/words.ts';

/** [Install] as enable/disable read it: the loader's InstallConfig plus what went wrong reading it. */
export interface InstallInfo extends InstallConfig {
  /** The fragment or a drop-in could not be parsed (unit-file state `bad`). */
  readonly bad: boolean;
  /** Words whose specifiers could not be resolved (`Failed to … cannot resolve specifiers`). */
  readonly unresolved: readonly string[];
}

const LIST_KEYS = { WantedBy: 'wantedBy', RequiredBy: 'requiredBy', UpheldBy: 'upheldBy', Alias: 'alias', Also: 'also' } as const;
type ListKey = keyof typeof LIST_KEYS;
const isListKey = (k: string): k is ListKey => Object.hasOwn(LIST_KEYS, k);

/**
 * Reads [Install] from `fragmentPath` and the drop-ins of `id`. Specifiers expand against `name`
 * (the instance being enabled, or the template itself), as systemd's install logic does.
 */
export function readInstallInfo(index: UnitFileIndex, fragmentPath: string, id: UnitName, name: UnitName, host: HostInfo): InstallInfo {
  const lists: Record<ListKey, string[]> = { WantedBy: [], RequiredBy: [], UpheldBy: [], Alias: [], Also: [] };
  let defaultInstance: string | null = null;
  let bad = false;
  const unresolved: string[] = [];
  const spec = { id: name, fragmentPath, host };
  const files = [fragmentPath, ...index.dropInPaths(id, index.aliasesOf(id))];
  for (const file of files) {
    const lexed = lexUnitFile(index.fs.readFile(file) ?? '', file);
    if (lexed.fatal) bad = true;
    for (const a of lexed.assignments) {
      if (a.section !== 'Install') continue;
      if (a.key === 'DefaultInstance') { defaultInstance = a.value === '' ? null : a.value; continue; }
      if (!isListKey(a.key)) continue;
      if (a.value === '') { lists[a.key] = []; continue; }
      const split = splitWords(a.value);
      for (const w of split.words) {
        const r = expandSpecifiers(w.text, spec);
        if (r.ok) lists[a.key].push(r.value);
        else unresolved.push(w.text);
      }
    }
  }
  return {
    wantedBy: lists.WantedBy, requiredBy: lists.RequiredBy, upheldBy: lists.UpheldBy, alias: lists.Alias, also: lists.Also,
    defaultInstance, bad, unresolved,
  };
}

/** True when enable has something to do: any rule, or a default instance for a template (06 §9). */
export function hasInstallRules(info: InstallInfo, options: { template: boolean }): boolean {
  const rules = info.wantedBy.length + info.requiredBy.length + info.upheldBy.length + info.alias.length + info.also.length;
  return rules > 0 || (options.template && info.defaultInstance !== null);
}

/** Only Also= (the unit is enabled through others): unit-file state `indirect`. */
export const isOnlyAlso = (info: InstallInfo): boolean =>
  info.also.length > 0 && info.wantedBy.length + info.requiredBy.length + info.upheldBy.length + info.alias.length === 0;
