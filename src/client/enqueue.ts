// The start/stop/restart/reload family (06 §3.2): one EnqueueUnitJob per unit name, systemctl's
// messages for enqueue errors, then wait for the jobs (wait.ts) unless --no-block. The exit status
// is the first enqueue error's, overridden by 1 when any job failed.
import type { EnqueueResult, TransactionJob } from '../engine/api.ts';
import type { JobMode, RequestType } from '../engine/types.ts';
import type { Context } from './context.ts';
import { printError } from './context.ts';
import { EXIT, exitCodeForError, wantsLogHint } from './exit-codes.ts';
import { logHintLine, needReloadWarning } from './messages.ts';
import { RpcError } from './rpc-client.ts';
import { expandNames } from './unit-names.ts';
import { JobWaiter, UnitWatcher, readProperty } from './wait.ts';

export interface JobVerb {
  /** What is sent as EnqueueUnitJob `type`. */
  readonly request: RequestType;
  /** The word in `Failed to <word> <name>: …` (06 §3.1). */
  readonly word: string;
  /** Suffix appended to names without a type (`.target` for isolate). */
  readonly suffix?: string;
  /** Forces the job mode (isolate); otherwise --job-mode, default replace. */
  readonly mode?: JobMode;
  /** try-restart and try-reload-or-restart ignore masked units silently. */
  readonly ignoreMasked?: boolean;
  /** Only start and restart accept --wait. */
  readonly allowWait?: boolean;
  /** stop warns about units that can still activate the stopped one. */
  readonly warnTriggers?: boolean;
}

export async function runJobVerb(ctx: Context, verb: JobVerb, names: readonly string[]): Promise<number> {
  const o = ctx.options;
  if (o.wait && !verb.allowWait) {
    ctx.io.err("--wait may only be used with the 'start' or 'restart' commands.");
    return EXIT.failure;
  }
  const blocking = !o.noBlock && !o.dryRun;
  const units = await expandNames(ctx, names, verb.suffix);
  const waiter = blocking ? await JobWaiter.subscribe(ctx) : null;
  const watcher = o.wait && !o.dryRun ? await UnitWatcher.subscribe(ctx, { alreadySubscribed: waiter !== null }) : null;
  const mode = (verb.mode ?? o.jobMode ?? 'replace') as JobMode;
  const done: string[] = [];
  let ret = 0;
  for (const name of units) {
    let r: EnqueueResult;
    try {
      // The job list is asked for only when it is printed.
      r = await ctx.rpc.call('EnqueueUnitJob', { unit: name, type: verb.request, mode, ...(o.dryRun ? { dryRun: true } : o.showTransaction ? {} : { listJobs: false }) });
    } catch (err) {
      const code = reportEnqueueError(ctx, verb, name, err);
      if (ret === 0) ret = code;
      continue;
    }
    if (r.needDaemonReload) ctx.io.err(needReloadWarning(name, ctx.program));
    if (o.showTransaction || o.dryRun) for (const line of transactionLines(r, { dryRun: o.dryRun })) ctx.io.err(line);
    if (waiter && r.job > 0) waiter.add(r.job);
    watcher?.add(r.unit);
    done.push(r.unit);
  }
  if (waiter) {
    if ((await waiter.wait()) < 0) return EXIT.failure;
    if (verb.warnTriggers && !o.quiet) for (const unit of done) await warnTriggers(ctx, unit);
  }
  if (watcher) {
    const r = await watcher.wait();
    if (r !== 0 && ret === 0) ret = EXIT.failure;
  }
  return ret;
}

/** Prints `Failed to <word> <name>: <message>` and the log hint; returns the exit status (06 §6). */
function reportEnqueueError(ctx: Context, verb: JobVerb, name: string, err: unknown): number {
  const e = err instanceof RpcError ? err : new RpcError(0, err instanceof Error ? err.message : String(err));
  if (verb.ignoreMasked && e.errorName === 'UnitMasked') return 0;
  printError(ctx.io, `Failed to ${verb.word} ${name}: ${e.message}`);
  if (wantsLogHint(e.errorName)) ctx.io.err(logHintLine(name, ctx.program));
  return exitCodeForError(e.errorName);
}

// -T / --dry-run output, on stderr like systemctl's: the anchor first, then the other jobs:
//   Enqueued anchor job 42 web.service/start.
//   Enqueued auxiliary job 43 db.service/start (installed: Requires= of web.service).
//   Canceled job 40 web.service/stop (replaced by start job 42).
// A dry run says "Would enqueue"/"Would cancel" and shows no ids (nothing was installed).
export function transactionLines(r: EnqueueResult, { dryRun }: { dryRun: boolean }): string[] {
  const id = (n: number): string => (dryRun ? '' : ` ${n}`);
  const anchor = r.jobs.find((j) => j.unit === r.unit && j.action !== 'canceled');
  // Exclusive= (unitd extension): a start job that will wait for a held group says for what.
  const waitNote = (j: TransactionJob | undefined): string => (j?.waits ? `${dryRun ? 'would wait' : 'waiting'} for ${j.waits}` : '');
  const anchorNote = waitNote(anchor);
  const lines = [`${dryRun ? 'Would enqueue' : 'Enqueued'} anchor job${id(anchor?.id ?? r.job)} ${r.unit}/${r.type}${anchorNote ? ` (${anchorNote})` : ''}.`];
  for (const j of r.jobs) {
    if (j === anchor) continue;
    const why = j.reason ? `: ${j.reason}` : '';
    lines.push(j.action === 'canceled'
      ? `${dryRun ? 'Would cancel' : 'Canceled'} job ${j.id} ${j.unit}/${j.type}${j.reason ? ` (${j.reason})` : ''}.`
      : `${dryRun ? 'Would enqueue' : 'Enqueued'} auxiliary job${id(j.id)} ${j.unit}/${j.type} (${j.action}${why}${waitNote(j) ? `, ${waitNote(j)}` : ''}).`);
  }
  return lines;
}

/** After a stop: name the active units that can start this one again (06 §9). */
async function warnTriggers(ctx: Context, unit: string): Promise<void> {
  const by = (await readProperty(ctx, unit, 'TriggeredBy')) ?? '';
  const active: string[] = [];
  for (const t of by.split(' ').filter(Boolean)) {
    const state = await readProperty(ctx, t, 'ActiveState');
    if (state === 'active' || state === 'reloading') active.push(t);
  }
  if (active.length === 0) return;
  ctx.io.err(`Warning: Stopping ${unit}, but it can still be activated by:`);
  for (const t of active) ctx.io.err(`  ${t}`);
}
