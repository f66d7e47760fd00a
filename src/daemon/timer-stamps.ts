// Persistent= timer stamps as systemd keeps them: an empty file <dir>/stamp-UNIT whose mtime is
// the last trigger. Synchronous (the engine asks while handling an input); failures are logged
// and ignored, as systemd ignores a failed touch.
import { mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TimerStampStore } from '../engine/ports.ts';

export function fileTimerStamps(dir: string, onError: (err: unknown, unit: string) => void): TimerStampStore {
  const path = (unit: string): string => join(dir, `stamp-${unit}`);
  return {
    read(unit) {
      try {
        return Number(statSync(path(unit), { bigint: true }).mtimeNs / 1000n);
      } catch {
        return null;
      }
    },
    write(unit, realtimeUsec) {
      try {
        mkdirSync(dir, { recursive: true, mode: 0o755 });
        writeFileSync(path(unit), '', { flag: 'a' });
        const seconds = realtimeUsec / 1e6;
        utimesSync(path(unit), seconds, seconds);
      } catch (err) {
        onError(err, unit);
      }
    },
  };
}
