// StandardInput=/StandardOutput=/StandardError= → what the child's fds 0–2 are: /dev/null, the
// daemon's own fds, an opened file, or a pipe whose lines go to the unit's log.
import { closeSync, openSync } from 'node:fs';

export type OutputTarget =
  | { readonly kind: 'ignore' }
  | { readonly kind: 'inherit' }
  | { readonly kind: 'log' }
  | { readonly kind: 'file'; readonly path: string; readonly flags: string };

/** file: writes from the start without truncating, as systemd's file: does. */
const FILE_PREFIXES = [['file:', 'w'], ['append:', 'a'], ['truncate:', 'w']] as const;
/** Opened O_WRONLY|O_CREAT without O_TRUNC for file: (string flags cannot say that). */
const FILE_NO_TRUNC = 'r+';

export function parseOutput(spec: string): OutputTarget {
  if (spec === 'null') return { kind: 'ignore' };
  if (spec === 'inherit') return { kind: 'inherit' };
  for (const [prefix, flags] of FILE_PREFIXES) {
    if (spec.startsWith(prefix)) return { kind: 'file', path: spec.slice(prefix.length), flags: prefix === 'file:' ? FILE_NO_TRUNC : flags };
  }
  return { kind: 'log' }; // journal, journal+console, kmsg, syslog, tty, socket, fd:…
}

export type StdioValue = 'ignore' | 'inherit' | 'pipe' | number;

/** Opened fds for one spawn; the parent closes them once the child has its copies. */
export class OpenedFiles {
  private readonly fds: number[] = [];

  open(target: OutputTarget & { kind: 'file' }): number {
    let fd: number;
    if (target.flags === FILE_NO_TRUNC) {
      try { fd = openSync(target.path, 'r+'); } catch { fd = openSync(target.path, 'w'); }
    } else {
      fd = openSync(target.path, target.flags);
    }
    this.fds.push(fd);
    return fd;
  }

  closeAll(): void {
    for (const fd of this.fds.splice(0)) {
      try { closeSync(fd); } catch { /* already closed */ }
    }
  }
}

/**
 * Resolves one output stream. `inherit` on stderr means "same as stdout" in systemd's terms;
 * on stdout it is the daemon's own stdout here.
 */
export function stdioFor(target: OutputTarget, files: OpenedFiles, daemonFd: number): StdioValue {
  if (target.kind === 'ignore') return 'ignore';
  if (target.kind === 'inherit') return daemonFd;
  if (target.kind === 'log') return 'pipe';
  return files.open(target);
}
