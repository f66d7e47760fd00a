// The shape of one verb: how many arguments it takes and what it does with them.
import type { Context } from '../context.ts';
import { runJobVerb, type JobVerb } from '../enqueue.ts';

export interface Verb {
  readonly minArgs: number;
  /** Omitted: any number. */
  readonly maxArgs?: number;
  /** Its stdout may go through a pager on a terminal (06: list and show verbs). */
  readonly pager?: boolean;
  /** Runs without connecting to the daemon (`calendar`); its ctx.rpc refuses every call. */
  readonly offline?: boolean;
  /** Returns the exit status. */
  run(ctx: Context, args: readonly string[]): Promise<number>;
}

/** A verb of the start/stop family (06 §3.1): at least one unit, one EnqueueUnitJob each. */
export const jobVerb = (spec: JobVerb): Verb => ({ minArgs: 1, run: (ctx, args) => runJobVerb(ctx, spec, args) });
