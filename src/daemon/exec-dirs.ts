// Creating RuntimeDirectory= and friends before a command runs (setup_exec_directory in systemd's
// exec_child), and removing them and PID files when a unit goes dead (the PathRemover port).
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecDirectory, PathRemover } from '../engine/ports.ts';

export interface Owner { readonly uid: number; readonly gid: number }

/** chown -R, skipped when the top already has the wanted owner (path_chown_recursive does the same). */
function chownTree(path: string, owner: Owner): void {
  const st = statSync(path);
  if ((owner.uid < 0 || st.uid === owner.uid) && (owner.gid < 0 || st.gid === owner.gid)) return;
  const walk = (p: string): void => {
    chownSync(p, owner.uid, owner.gid);
    if (!lstatSync(p).isDirectory()) return;
    for (const e of readdirSync(p)) {
      const child = join(p, e);
      if (lstatSync(child).isSymbolicLink()) continue;
      walk(child);
    }
  };
  walk(path);
}

/**
 * Creates each directory (parents 0755), sets its mode every time (an existing directory is
 * locked down too) and hands owned ones to User=/Group=. A failure names systemd's exit status.
 */
export function setUpExecDirectories(dirs: readonly ExecDirectory[], owner: Owner | null): { ok: true } | { ok: false; status: number; message: string } {
  for (const d of dirs) {
    try {
      mkdirSync(join(d.path, '..'), { recursive: true, mode: 0o755 });
      try {
        mkdirSync(d.path, { mode: d.mode });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        if (d.exitStatus === 241) continue; // ConfigurationDirectory=: an existing one is left alone
      }
      chmodSync(d.path, d.mode);
      if (d.owned && owner !== null) chownTree(d.path, owner);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return { ok: false, status: d.exitStatus, message: `Failed to set up special execution directory ${d.path}: ${reason}` };
    }
  }
  return { ok: true };
}

export function createPathRemover(onError: (path: string, err: unknown) => void): PathRemover {
  return {
    remove(path, o) {
      try {
        rmSync(path, { recursive: o.recursive, force: true });
      } catch (err) {
        onError(path, err);
      }
    },
  };
}
