// The progress line of a blocking call on a terminal: after one second of waiting, and then every
// second, stderr shows which of our jobs are still queued and how long we have waited. Cleared
// before any message is printed and when the wait ends. Never shown off a terminal.
import type { JobId } from '../engine/types.ts';
import type { Context } from './context.ts';
import { progressLine } from './terminal.ts';

const FIRST_MS = 1000;
const EVERY_MS = 1000;

export class Progress {
  private readonly ctx: Context;
  private readonly ids: ReadonlySet<JobId>;
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | null = null;
  private shown = false;

  constructor(ctx: Context, ids: ReadonlySet<JobId>) {
    this.ctx = ctx;
    this.ids = ids;
    if (!ctx.io.progress || ctx.options.quiet) return;
    this.timer = setTimeout(() => this.tick(), FIRST_MS);
    this.timer.unref();
  }

  /** Removes the line (before a message, and at the end). */
  clear(): void {
    if (!this.shown) return;
    this.shown = false;
    this.ctx.io.progress?.('');
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.clear();
  }

  private async tick(): Promise<void> {
    this.timer = null;
    try {
      const { jobs } = await this.ctx.rpc.call('ListJobs', {});
      const mine = jobs.filter((j) => this.ids.has(j.id));
      if (mine.length > 0 && this.ctx.io.progress) {
        this.ctx.io.progress(progressLine(mine, Date.now() - this.started, this.ctx.io.columns ?? 80));
        this.shown = true;
      }
    } catch {
      return;   // the connection is gone; the waiter reports that
    }
    if (this.ids.size === 0) { this.clear(); return; }
    this.timer = setTimeout(() => this.tick(), EVERY_MS);
    this.timer.unref();
  }
}
