// unitd's own journal: each unit's output lines with timestamp, pid, stream and priority, kept as
// JSON lines in <state dir>/journal/<unit>.jsonl, rotated by size (bounded per unit), read back
// after a daemon restart, and followed live. Owns no policy about what a service writes.
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { LogEntry } from '../engine/api.ts';
import type { UnitName } from '../engine/types.ts';
import { escapeUnitName } from './notify.ts';
import type { OutputSink } from './process-driver.ts';

/** systemd's LineMax= default: longer lines are cut here. */
export const LINE_MAX = 48 * 1024;

export interface JournalOptions {
  readonly dir: string;
  /** Shown in `unitctl logs` lines. */
  readonly hostname?: string;
  /** A unit's current file rotates when it passes this many bytes. */
  readonly maxFileBytes?: number;
  /** Rotated files kept per unit (older ones are deleted). */
  readonly keepFiles?: number;
  /** Wall-clock µs. */
  readonly now?: () => number;
  /** Also called for every line (the daemon's copy to its own stdout). */
  readonly forward?: (entry: LogEntry) => void;
}

/** Stored form: short keys, the unit is the file. */
interface Stored { t: number; p: number; s: 'o' | 'e'; l: number; i: string; m: string }

export interface ReadOptions { readonly lines?: number; readonly since?: number }

/** `<N>message` → priority N and the message (sd-daemon(3) prefixes); else info (6). */
export function splitPriority(text: string): { priority: number; message: string } {
  const m = /^<([0-7])>/.exec(text);
  return m ? { priority: Number(m[1]), message: text.slice(3) } : { priority: 6, message: text };
}

export class Journal implements OutputSink {
  readonly hostname: string;
  private readonly dir: string;
  private readonly maxFileBytes: number;
  private readonly keepFiles: number;
  private readonly now: () => number;
  private readonly forward: ((entry: LogEntry) => void) | null;
  private readonly files = new Map<UnitName, { fd: number; size: number }>();
  private readonly followers = new Map<UnitName, Set<(entry: LogEntry) => void>>();

  constructor(options: JournalOptions) {
    this.dir = options.dir;
    this.hostname = options.hostname ?? '';
    this.maxFileBytes = options.maxFileBytes ?? 1 << 20;
    this.keepFiles = options.keepFiles ?? 3;
    this.now = options.now ?? (() => Math.round((performance.timeOrigin + performance.now()) * 1000));
    this.forward = options.forward ?? null;
    mkdirSync(this.dir, { recursive: true, mode: 0o750 });
  }

  /** OutputSink: one line a service wrote. */
  line(unit: UnitName, e: { pid: number; stream: 'stdout' | 'stderr'; identifier: string; text: string }): void {
    const { priority, message } = splitPriority(e.text.length > LINE_MAX ? e.text.slice(0, LINE_MAX) : e.text);
    this.append({ ts: this.now(), unit, pid: e.pid, stream: e.stream, priority, identifier: e.identifier, message });
  }

  append(entry: LogEntry): void {
    const stored: Stored = { t: entry.ts, p: entry.pid, s: entry.stream === 'stdout' ? 'o' : 'e', l: entry.priority, i: entry.identifier, m: entry.message };
    const data = Buffer.from(`${JSON.stringify(stored)}\n`);
    try {
      const f = this.fileOf(entry.unit);
      writeSync(f.fd, data);
      f.size += data.length;
      if (f.size >= this.maxFileBytes) this.rotate(entry.unit);
    } catch {
      // A full or read-only disk must not stop the service or the daemon; the line still goes on.
    }
    for (const cb of this.followers.get(entry.unit) ?? []) cb(entry);
    this.forward?.(entry);
  }

  /** The last `lines` entries (all when omitted) at or after `since` µs, oldest first. */
  read(unit: UnitName, o: ReadOptions = {}): LogEntry[] {
    const out: LogEntry[] = [];
    for (let n = this.keepFiles; n >= 0; n--) {
      let text: string;
      try { text = readFileSync(this.pathOf(unit, n), 'utf8'); } catch { continue; }
      for (const line of text.split('\n')) {
        if (!line) continue;
        let s: Stored;
        try { s = JSON.parse(line) as Stored; } catch { continue; } // a torn last line after a crash
        if (o.since !== undefined && s.t < o.since) continue;
        out.push({ ts: s.t, unit, pid: s.p, stream: s.s === 'o' ? 'stdout' : 'stderr', priority: s.l, identifier: s.i, message: s.m });
      }
    }
    return o.lines === undefined ? out : out.slice(Math.max(0, out.length - o.lines));
  }

  /** Calls `cb` for each new line of `unit` until the returned function is called. */
  follow(unit: UnitName, cb: (entry: LogEntry) => void): () => void {
    let set = this.followers.get(unit);
    if (!set) {
      set = new Set();
      this.followers.set(unit, set);
    }
    set.add(cb);
    return () => {
      set.delete(cb);
      if (set.size === 0) this.followers.delete(unit);
    };
  }

  /** Closes the open files; the next line of each unit opens its file again (SIGUSR1, logrotate). */
  reopen(): void {
    for (const f of this.files.values()) {
      try { closeSync(f.fd); } catch { /* already closed */ }
    }
    this.files.clear();
  }

  close(): void {
    for (const f of this.files.values()) {
      try { closeSync(f.fd); } catch { /* already closed */ }
    }
    this.files.clear();
    this.followers.clear();
  }

  private pathOf(unit: UnitName, generation: number): string {
    return join(this.dir, `${escapeUnitName(unit)}.jsonl${generation === 0 ? '' : `.${generation}`}`);
  }

  private fileOf(unit: UnitName): { fd: number; size: number } {
    let f = this.files.get(unit);
    if (!f) {
      const path = this.pathOf(unit, 0);
      const fd = openSync(path, 'a', 0o640);
      f = { fd, size: statSync(path).size };
      this.files.set(unit, f);
    }
    return f;
  }

  /** current → .1 → .2 …; the oldest beyond keepFiles is deleted. */
  private rotate(unit: UnitName): void {
    const f = this.files.get(unit);
    if (f) closeSync(f.fd);
    this.files.delete(unit);
    try { unlinkSync(this.pathOf(unit, this.keepFiles)); } catch { /* fewer files so far */ }
    for (let n = this.keepFiles - 1; n >= 0; n--) {
      try { renameSync(this.pathOf(unit, n), this.pathOf(unit, n + 1)); } catch { /* gap */ }
    }
  }
}

/** --state-dir default: /var/lib/unitd for root, else $XDG_STATE_HOME/unitd (~/.local/state). */
export function defaultStateDir(uid: number, env: NodeJS.ProcessEnv, home: string): string {
  if (env['UNITD_STATE_DIR']) return env['UNITD_STATE_DIR'];
  if (uid === 0) return '/var/lib/unitd';
  return join(env['XDG_STATE_HOME'] || join(home, '.local/state'), 'unitd');
}
