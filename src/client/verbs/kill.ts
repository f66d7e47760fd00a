// `kill UNIT…`: send --signal (default SIGTERM) to the unit's processes chosen by --kill-whom
// (default all). Not a stop: Restart= still applies to the exits it causes (06 §8.6).
import { EXIT } from '../exit-codes.ts';
import { expandNames } from '../unit-names.ts';
import type { Verb } from './verb.ts';

const SIGTERM = 15;

const kill: Verb = {
  minArgs: 1,
  async run(ctx, args) {
    const whom = (ctx.options.killWhom ?? 'all') as 'main' | 'control' | 'all';
    const signal = ctx.options.signal ?? SIGTERM;
    let ret = EXIT.success as number;
    for (const unit of await expandNames(ctx, args)) {
      try {
        await ctx.rpc.call('KillUnit', { unit, whom, signal });
      } catch (err) {
        ctx.io.err(`Failed to kill unit ${unit}: ${(err as Error).message}`);
        ret = EXIT.failure;
      }
    }
    return ret;
  },
};
export default kill;
