// Pre-spawn checks that emulate systemd's exec-failure statuses: what the forked child would have
// exited with (203 EXEC, 200 CHDIR, 217 USER, 216 GROUP, 209 STDOUT, 222 STDERR) had it failed.
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SpawnRequest } from '../engine/ports.ts';
import { lookupGroup, lookupUser } from './accounts.ts';
import { DEFAULT_PATH } from './fs.ts';

/** systemd's reserved exit statuses (03 §3.3) that the driver can produce. */
export const EXIT_STATUS = { CHDIR: 200, EXEC: 203, STDOUT: 209, GROUP: 216, USER: 217, STDERR: 222 } as const;

export interface Prepared {
  readonly file: string;
  readonly cwd: string;
  readonly uid: number | undefined;
  readonly gid: number | undefined;
}

export type Preparation = { readonly ok: true; readonly value: Prepared } | { readonly ok: false; readonly status: number; readonly message: string };

const isExecutableFile = (path: string): boolean => {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** A bare name is searched in the command's own PATH (the service environment). */
export function resolveExecutable(path: string, envPath: string | undefined): string | null {
  if (path.includes('/')) return isExecutableFile(path) ? path : null;
  for (const dir of (envPath ?? DEFAULT_PATH).split(':')) {
    if (!dir) continue;
    const candidate = join(dir, path);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

export function prepareSpawn(req: SpawnRequest, home: string): Preparation {
  const user = req.user === null ? null : lookupUser(req.user);
  if (req.user !== null && user === null) return { ok: false, status: EXIT_STATUS.USER, message: `Failed to determine user credentials: No such process (user ${req.user})` };
  const group = req.group === null ? null : lookupGroup(req.group);
  if (req.group !== null && group === null) return { ok: false, status: EXIT_STATUS.GROUP, message: `Failed to determine group credentials: No such process (group ${req.group})` };
  const wanted = req.cwd === '~' ? user?.home ?? home : req.cwd || '/';
  let cwd = wanted;
  if (!isDirectory(wanted)) {
    if (!req.cwdOptional) return { ok: false, status: EXIT_STATUS.CHDIR, message: `Changing to the requested working directory failed: No such file or directory (${wanted})` };
    cwd = '/';
  }
  const file = resolveExecutable(req.path, req.env['PATH']);
  if (file === null) return { ok: false, status: EXIT_STATUS.EXEC, message: `Failed at step EXEC spawning ${req.path}: No such file or directory` };
  const uid = user?.uid;
  const gid = group?.gid ?? user?.gid;
  return { ok: true, value: { file, cwd, uid, gid } };
}
