// Applies an install plan (engine/install.ts) to the real file system: creates and removes the
// enablement symlinks in order. No policy: the engine decided every path; failures are reported
// in systemd's words and stop the plan where they happen.
import { mkdirSync, symlinkSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import type { UnitFileChange, UnitFilesReply } from '../engine/api.ts';
import { makeError, type Result } from '../engine/errors.ts';

const VERB_WORDS = { symlink: 'create symlink', unlink: 'remove symlink' } as const;

function applyOne(change: UnitFileChange): string | null {
  try {
    if (change.type === 'symlink') {
      mkdirSync(dirname(change.path), { recursive: true });
      symlinkSync(change.source, change.path);
    } else if (change.type === 'unlink') {
      unlinkSync(change.path);
    }
    return null;
  } catch (err) {
    const what = change.type === 'symlink' || change.type === 'unlink' ? VERB_WORDS[change.type] : 'apply change';
    return `Failed to ${what} ${change.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
}

/** Carries out the plan; the reply lists only what was done. */
export function applyInstallPlan(plan: UnitFilesReply): Result<UnitFilesReply> {
  const done: UnitFileChange[] = [];
  for (const change of plan.changes) {
    const failure = applyOne(change);
    if (failure !== null) return { ok: false, error: makeError('InvalidArgs', [failure], { changes: done }) };
    done.push(change);
  }
  return { ok: true, value: { changes: done, noInstallInfo: plan.noInstallInfo } };
}
