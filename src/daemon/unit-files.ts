// Watches the unit search directories with chokidar (also ones that do not exist yet: chokidar
// watches through their parents) and debounces every change into one UnitFilesChanged input.
// What a change means is the engine's decision.
import { watch, type FSWatcher } from 'chokidar';
import type { Input } from '../engine/inputs.ts';

export const DEBOUNCE_MS = 250;

export class UnitFileWatcher {
  private readonly dirs: readonly string[];
  private readonly push: (input: Input) => void;
  private readonly debounceMs: number;
  private readonly onError: (err: unknown) => void;
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(options: { dirs: readonly string[]; push: (input: Input) => void; onError: (err: unknown) => void; debounceMs?: number }) {
    this.dirs = options.dirs;
    this.push = options.push;
    this.onError = options.onError;
    this.debounceMs = options.debounceMs ?? DEBOUNCE_MS;
  }

  /** Resolves once the initial scan is done, so later changes are real changes. */
  start(): Promise<void> {
    const w = watch([...this.dirs], { ignoreInitial: true, atomic: true, depth: 2, followSymlinks: false, persistent: true });
    this.watcher = w;
    w.on('all', () => this.changed());
    w.on('error', (err) => this.onError(err));
    return new Promise((resolve) => w.once('ready', () => resolve()));
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const w = this.watcher;
    this.watcher = null;
    if (w) await w.close();
  }

  private changed(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.push({ kind: 'UnitFilesChanged' });
    }, this.debounceMs);
  }
}
