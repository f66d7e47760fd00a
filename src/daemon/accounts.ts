// User and group lookups in /etc/passwd and /etc/group, for User=/Group=/SupplementaryGroups=
// before a spawn (an unknown name is exit status 217/216, as systemd's child reports it). Read-only.
import { readFileSync } from 'node:fs';

export interface Account { readonly name: string; readonly uid: number; readonly gid: number; readonly home: string; readonly shell: string }
export interface Group { readonly name: string; readonly gid: number }

function rows(path: string): string[][] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
}

const isNumeric = (s: string): boolean => /^\d+$/.test(s);

/** By name or numeric uid; a number that is not in the file is still valid (as systemd allows). */
export function lookupUser(nameOrId: string, passwd = '/etc/passwd'): Account | null {
  for (const r of rows(passwd)) {
    if (r.length < 7) continue;
    if (r[0] === nameOrId || (isNumeric(nameOrId) && r[2] === nameOrId)) {
      return { name: r[0]!, uid: Number(r[2]), gid: Number(r[3]), home: r[5]!, shell: r[6]! };
    }
  }
  if (isNumeric(nameOrId)) return { name: nameOrId, uid: Number(nameOrId), gid: Number(nameOrId), home: '/', shell: '/bin/sh' };
  return null;
}

export function lookupGroup(nameOrId: string, group = '/etc/group'): Group | null {
  for (const r of rows(group)) {
    if (r.length < 3) continue;
    if (r[0] === nameOrId || (isNumeric(nameOrId) && r[2] === nameOrId)) return { name: r[0]!, gid: Number(r[2]) };
  }
  if (isNumeric(nameOrId)) return { name: nameOrId, gid: Number(nameOrId) };
  return null;
}

/**
 * The groups initgroups(3) would give `user`: its primary gid plus every /etc/group entry that
 * lists the user by name (Node's uid/gid spawn options clear them instead; dependencies §2.3).
 */
export function userGroups(user: string, primaryGid: number, group = '/etc/group'): number[] {
  const gids = new Set<number>([primaryGid]);
  for (const r of rows(group)) {
    if (r.length < 4) continue;
    if (r[3]!.split(',').includes(user)) gids.add(Number(r[2]));
  }
  return [...gids];
}
