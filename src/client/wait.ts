// Waiting for jobs and units after an enqueue (06 §4, §5): subscribe first, collect job ids, then
// report each JobRemoved of ours in completion order. Prints systemctl's per-result messages; the
// first failure (in completion order) decides. Never used with --no-block.
import type { Signals } from '../engine/api.ts';
import type { JobId } from '../engine/types.ts';
import type { Context } from './context.ts';
import { Progress } from './progress.ts';
import { explainLine, failedServiceLines, isJobSuccess, jobResultLines } from './messages.ts';

type JobRemoved = Signals['JobRemoved'];

/** A queue of signals that a loop can await one at a time; ends when the connection closes. */
class SignalQueue<T> {
  private readonly items: T[] = [];
  private wake: (() => void) | null = null;
  closedReason: string | null = null;

  push(item: T): void {
    this.items.push(item);
    this.wakeUp();
  }

  close(reason: string): void {
    this.closedReason ??= reason;
    this.wakeUp();
  }

  /** The next item, or null once the connection is gone and nothing is left. */
  async next(): Promise<T | null> {
    while (this.items.length === 0) {
      if (this.closedReason !== null) return null;
      await new Promise<void>((resolve) => { this.wake = resolve; });
    }
    return this.items.shift()!;
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}

export class JobWaiter {
  private readonly ctx: Context;
  private readonly queue = new SignalQueue<JobRemoved>();
  private readonly ids = new Set<JobId>();

  private constructor(ctx: Context) {
    this.ctx = ctx;
  }

  /** Registers the handler and subscribes before anything is enqueued, so no JobRemoved is missed. */
  static async subscribe(ctx: Context): Promise<JobWaiter> {
    const w = new JobWaiter(ctx);
    ctx.rpc.onSignal('JobRemoved', (e) => w.queue.push(e));
    ctx.rpc.onClose((reason) => w.queue.close(reason));
    await ctx.rpc.call('Subscribe', {});
    return w;
  }

  add(id: JobId): void {
    this.ids.add(id);
  }

  /** 0 when every job succeeded, else -1 (after printing each failure as it happened). */
  async wait(): Promise<number> {
    const progress = new Progress(this.ctx, this.ids);
    try {
      return await this.waitAll(progress);
    } finally {
      progress.stop();
    }
  }

  private async waitAll(progress: Progress): Promise<number> {
    let ret = 0;
    while (this.ids.size > 0) {
      const e = await this.queue.next();
      progress.clear();
      if (e === null) {
        this.ctx.io.err(`Failed to wait for job completion: ${this.queue.closedReason ?? 'connection closed'}`);
        return -1;
      }
      if (!this.ids.delete(e.id)) continue;
      const r = await reportResult(this.ctx, e);
      if (r < 0 && ret === 0) ret = r;
    }
    return ret;
  }
}

/** systemctl's check_wait_response: print what the result means, return 0 or -1. */
export async function reportResult(ctx: Context, e: JobRemoved): Promise<number> {
  if (isJobSuccess(e.result)) return 0;
  if (ctx.options.quiet) return -1;
  const lines = e.result === 'failed' && e.unit.endsWith('.service')
    ? failedServiceLines(e.unit, await readProperty(ctx, e.unit, 'Result'), ctx.program)
    : jobResultLines(e.result, e.unit, ctx.program);
  for (const line of lines) ctx.io.err(line);
  if (ctx.io.errIsTTY || ctx.options.explain) {
    const why = explainLine(e.unit, e.result, e.cause?.text ?? '');
    if (why) ctx.io.err(why);
  }
  return -1;
}

/** One formatted property of a unit, or null when it cannot be read. */
export async function readProperty(ctx: Context, unit: string, name: string): Promise<string | null> {
  try {
    const r = await ctx.rpc.call('GetUnitProperties', { unit, properties: [name] });
    const hit = r.properties.find(([k]) => k === name);
    return hit ? hit[1] : null;
  } catch {
    return null;
  }
}

/** --wait: after the jobs, watch units until each has no job and is inactive or failed (06 §5). */
export class UnitWatcher {
  private readonly ctx: Context;
  private readonly units = new Set<string>();
  private readonly changes = new SignalQueue<string>();

  private constructor(ctx: Context) {
    this.ctx = ctx;
  }

  static async subscribe(ctx: Context, { alreadySubscribed }: { alreadySubscribed: boolean }): Promise<UnitWatcher> {
    const w = new UnitWatcher(ctx);
    ctx.rpc.onSignal('UnitChanged', (e) => w.changes.push(e.unit));
    ctx.rpc.onSignal('JobRemoved', (e) => w.changes.push(e.unit));
    ctx.rpc.onClose((reason) => w.changes.close(reason));
    if (!alreadySubscribed) await ctx.rpc.call('Subscribe', {});
    return w;
  }

  add(unit: string): void {
    this.units.add(unit);
  }

  /** 1 if any watched unit ended failed, else 0; -1 if the connection was lost. */
  async wait(): Promise<number> {
    let failed = false;
    const pending = new Set(this.units);
    for (;;) {
      for (const unit of [...pending]) {
        const state = await this.settledState(unit);
        if (state === null) continue;
        pending.delete(unit);
        if (state === 'failed') failed = true;
      }
      if (pending.size === 0) return failed ? 1 : 0;
      // Wait for any change of a unit we still watch, then look again.
      for (;;) {
        const unit = await this.changes.next();
        if (unit === null) {
          this.ctx.io.err(`Failed to wait for units: ${this.changes.closedReason ?? 'connection closed'}`);
          return -1;
        }
        if (pending.has(unit)) break;
      }
    }
  }

  /** `inactive`/`failed` once the unit has no job and has stopped; null while it still runs. */
  private async settledState(unit: string): Promise<string | null> {
    try {
      const r = await this.ctx.rpc.call('GetUnitProperties', { unit, properties: ['ActiveState', 'Job'] });
      const get = (k: string): string => r.properties.find(([n]) => n === k)?.[1] ?? '';
      const active = get('ActiveState');
      return get('Job') === '' && (active === 'inactive' || active === 'failed') ? active : null;
    } catch {
      return 'inactive';   // the unit went away (garbage-collected): nothing left to wait for
    }
  }
}
