// Exit statuses of unitctl: systemctl's LSB-derived constants and the mapping from an RPC
// error (by its ERRORS row) to the status an enqueue failure exits with (06 §6).
import { ERRORS, ERRORS_WITHOUT_LOG_HINT, errorNameForRpcCode, type ErrorName } from '../engine/errors.ts';

export const EXIT = {
  success: 0,
  failure: 1,
  notImplemented: 3,      // also "program is not running" for is-active and status
  noPermission: 4,        // also "status unknown" (status of a unit that cannot be found)
  notInstalled: 5,
  notConfigured: 6,
} as const;

/** The error name behind an RPC error: by code first, then by `data.name` (org.freedesktop.systemd1.X). */
export function errorNameOf(code: number, data: unknown): ErrorName | undefined {
  const byCode = errorNameForRpcCode(code);
  if (byCode) return byCode;
  const full = data && typeof data === 'object' ? (data as { name?: unknown }).name : undefined;
  if (typeof full !== 'string') return undefined;
  const short = full.slice(full.lastIndexOf('.') + 1);
  return Object.hasOwn(ERRORS, short) ? (short as ErrorName) : undefined;
}

/** systemctl's translate-bus-error rule: the ERRORS row says; anything unknown is 1. */
export const exitCodeForError = (name: ErrorName | undefined): number => (name ? ERRORS[name].exit : EXIT.failure);

export const wantsLogHint = (name: ErrorName | undefined): boolean => !(name && ERRORS_WITHOUT_LOG_HINT.has(name));
